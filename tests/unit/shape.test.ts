import * as path from "node:path";
import { readSources } from "../helpers/importGraph";
import { functionSpans, longFunctions, MAX_FILE_LINES, modeMentions } from "../helpers/sourceShape";

// The shape of the sources: files and functions short enough to read, and each mode's name only in
// that mode's own files. A new mode is files of its own plus one registration line per layer.

const ROOT = path.join(__dirname, "..", "..");
const sources = readSources(ROOT);

/** Where the swarm mode's name may appear freely: its own files, the config, the rig that builds swarms for tests, the policy pack. */
const SWARM_HOMES = [/swarm/i, /^lab\/config\//, /^rig\//, /^policy\//];

describe("the sources", () => {
    test("hold more than a handful of files (the walk sees them)", () => {
        expect(Object.keys(sources).length).toBeGreaterThan(100);
    });

    test(`no file is over ${MAX_FILE_LINES} lines`, () => {
        const long = Object.entries(sources)
            .map(([file, text]) => [file, text.split("\n").length - (text.endsWith("\n") ? 1 : 0)] as const)
            .filter(([, lines]) => lines > MAX_FILE_LINES)
            .map(([file, lines]) => `${file} (${lines} lines)`);
        expect(long).toEqual([]);
    });

    test("no function is over 80 lines unless it only names things and returns one literal (a section's checks, say)", () => {
        expect(Object.entries(sources).flatMap(([file, text]) => longFunctions(file, text))).toEqual([]);
    });

    test("the swarm mode's name appears only in its own files, the config, the rig and the policy pack, and where it is registered or imported", () => {
        const elsewhere = Object.entries(sources)
            .filter(([file]) => !SWARM_HOMES.some((home) => home.test(file)))
            .flatMap(([file, text]) => modeMentions(file, text, "swarm"));
        expect(elsewhere).toEqual([]);
    });
});

describe("the shape rules", () => {
    test("a function's length counts its lines; a body that only declares and returns a literal is data", () => {
        const logic = ["function f() {", ...Array.from({ length: 90 }, (_, i) => `    call(${i});`), "}"].join("\n");
        const data = [
            "function g(ctx) {",
            "    const { a } = ctx;",
            "    return [",
            ...Array.from({ length: 90 }, (_, i) => `        ${i},`),
            "    ];",
            "}",
        ].join("\n");
        const [f] = functionSpans("x.ts", logic);
        expect(f).toEqual({ name: "f", line: 1, lines: 92, dataLiteral: false });
        expect(longFunctions("x.ts", logic)).toEqual(["x.ts:1 f (92 lines)"]);
        expect(functionSpans("y.ts", data)[0]).toMatchObject({ name: "g", dataLiteral: true });
        expect(longFunctions("y.ts", data)).toEqual([]);
        const method = `class C {\n    m() {\n${"        x();\n".repeat(85)}    }\n}`;
        expect(longFunctions("z.ts", method)).toEqual(["z.ts:2 m (87 lines)"]);
    });

    test("a mode's name is allowed in an import or export of its own modules and in a registry entry, nowhere else", () => {
        const source = [
            'import { swarmMode } from "./swarm";',
            'export { swarmApp } from "./modes/swarm/services";',
            "export const MODES = {",
            "    containers: containersMode,",
            "    swarm: swarmMode,",
            "};",
            "// in swarm mode the registry is a service",
            'const p = config.mode === "swarm" ? 1 : 2;',
            'import { helper } from "./helpers"; const swarmish = helper;',
        ].join("\n");
        expect(modeMentions("m.ts", source, "swarm")).toEqual([
            "m.ts:7 // in swarm mode the registry is a service",
            'm.ts:8 const p = config.mode === "swarm" ? 1 : 2;',
            'm.ts:9 import { helper } from "./helpers"; const swarmish = helper;',
        ]);
    });
});
