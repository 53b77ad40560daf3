import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { copyProject, PROJECT_COPY_ENTRIES, removeProjectCopy } from "../../../tools/projectCopy";
import { buildImportGraph, readSources } from "../../helpers/importGraph";

describe("a throw-away copy of the project", () => {
    let dir: string;
    beforeAll(() => {
        dir = copyProject("docker-lab-copy-test-");
    });
    afterAll(() => removeProjectCopy(dir));

    test("holds what npm run up needs, with node_modules linked to the project's", () => {
        for (const entry of PROJECT_COPY_ENTRIES) expect(fs.existsSync(path.join(dir, entry))).toBe(true);
        expect(fs.lstatSync(path.join(dir, "node_modules")).isSymbolicLink()).toBe(true);
        expect(fs.existsSync(path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json"))).toBe(true);
    });

    test("holds every source file that npm run up, down, verify and doctor load (none of rig/ or bench/)", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
        const commands = ["up", "down", "verify", "doctor"].map((name) => pkg.scripts[name] as string);
        const entries = [pkg.main as string, ...commands.flatMap((command) => command.match(/scripts\/\S+\.ts/g) ?? [])];
        const { graph, unresolved } = buildImportGraph(readSources(dir));
        const loaded = new Set<string>();
        const load = (file: string) => {
            if (loaded.has(file)) return;
            loaded.add(file);
            for (const next of graph[file] ?? []) load(next);
        };
        for (const entry of entries) load(entry);
        expect(entries.filter((entry) => !(entry in graph))).toEqual([]);
        expect(unresolved.filter((u) => loaded.has(u.from))).toEqual([]);
        expect([...loaded].filter((file) => /^(rig|bench)\//.test(file))).toEqual([]);
    });

    test("holds no state, tests or reports of the project", () => {
        for (const entry of ["tests", "lab-report", "lab-report.md", ".git"]) {
            expect(fs.existsSync(path.join(dir, entry))).toBe(false);
        }
        // The state folder exists (the backend of Pulumi.yaml needs it) and holds only its .gitignore.
        expect(fs.readdirSync(path.join(dir, ".pulumi-state"))).toEqual([".gitignore"]);
    });

    test("a change in the copy's app/ leaves the project's app/ alone", () => {
        fs.appendFileSync(path.join(dir, "app", "app.js"), "// changed in the copy\n");
        const project = fs.readFileSync(path.join(__dirname, "..", "..", "..", "app", "app.js"), "utf8");
        expect(project).not.toContain("changed in the copy");
    });

    test("only folders in the temp folder are removed", () => {
        expect(() => removeProjectCopy(path.join(os.homedir(), "work"))).toThrow(/Not a project copy/);
    });
});
