import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_KEYS, parseConfigSchema } from "../../lab";

// The README is the entry point: every command it tells a user to run must exist.

const ROOT = path.join(__dirname, "..", "..");
const READMES = fs.readdirSync(ROOT).filter((f) => /^README(\..+)?\.md$/.test(f));
const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: object }).scripts);

/** Every `npm run NAME` in a text, with the line it is on. */
function npmRunsIn(text: string): { name: string; line: number }[] {
    return text
        .split("\n")
        .flatMap((line, i) =>
            [...line.matchAll(/\bnpm run (?:-{1,2}[a-z-]+\s+)*([A-Za-z0-9:_][A-Za-z0-9:_-]*)/g)].map((m) => ({ name: m[1], line: i + 1 })),
        );
}

/** Every project file a README command runs (`bash scripts/x.sh`, `ts-node scripts/x.ts`). */
function scriptFilesIn(text: string): string[] {
    return [...text.matchAll(/\b(?:bash|sh|ts-node(?: --transpile-only)?) ((?:scripts|\.ci)\/[A-Za-z0-9._/-]+)/g)].map((m) => m[1]);
}

test("the extraction finds npm run commands (a guard on the regex)", () => {
    expect(npmRunsIn("run `npm run up -- --diff`, then\nnpm run test:unit and (npm run down)\nnpm run -s pulumi -- stack output")).toEqual([
        { name: "up", line: 1 },
        { name: "test:unit", line: 2 },
        { name: "down", line: 2 },
        { name: "pulumi", line: 3 },
    ]);
});

test.each(READMES)("every npm run X in %s is a script of package.json", (readme) => {
    const runs = npmRunsIn(fs.readFileSync(path.join(ROOT, readme), "utf8"));
    expect(runs.length).toBeGreaterThan(0);
    const missing = runs.filter((r) => !scripts.includes(r.name)).map((r) => `${readme}:${r.line}: npm run ${r.name}`);
    expect(missing).toEqual([]);
});

test.each(READMES)("every script file %s runs exists", (readme) => {
    const files = scriptFilesIn(fs.readFileSync(path.join(ROOT, readme), "utf8"));
    expect(files.filter((f) => !fs.existsSync(path.join(ROOT, f)))).toEqual([]);
});

/** GitHub's anchor of a heading: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
function anchorOf(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-");
}

/** The in-page links (`](#anchor)`) of a text that no heading of it defines. */
function danglingAnchors(text: string): string[] {
    const anchors = new Set(
        text
            .split("\n")
            .filter((line) => /^#{1,6} /.test(line))
            .map((line) => anchorOf(line.replace(/^#+ /, ""))),
    );
    return [...text.matchAll(/\]\(#([^)\s]+)\)/g)].map((m) => m[1]).filter((a) => !anchors.has(a));
}

test("the anchor rule follows GitHub's, and a link to a missing heading is found", () => {
    expect(anchorOf("Swarm mode: the app as a Docker Swarm service")).toBe("swarm-mode-the-app-as-a-docker-swarm-service");
    expect(anchorOf("Security settings (CIS Docker Benchmark, section 5)")).toBe("security-settings-cis-docker-benchmark-section-5");
    expect(danglingAnchors("## Config\nsee [config](#config) and [gone](#gone)\n")).toEqual(["gone"]);
});

test.each(READMES)("every in-page link of %s leads to a heading", (readme) => {
    expect(danglingAnchors(fs.readFileSync(path.join(ROOT, readme), "utf8"))).toEqual([]);
});

describe("the config table of each README", () => {
    const schema = parseConfigSchema(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    /** How a README writes a default: in backticks, or an empty string in italics. */
    const shown = (value: unknown) =>
        value === "" ? /^\*[(（](?:empty|空)[)）]\*$/ : `\`${JSON.stringify(value).replace(/^"|"$/g, "")}\``;

    test.each(READMES)("%s lists every config key with the default Pulumi.yaml declares", (readme) => {
        const text = fs.readFileSync(path.join(ROOT, readme), "utf8");
        for (const key of CONFIG_KEYS) {
            const row = text.split("\n").find((line) => line.startsWith(`| \`${key}\` |`));
            const cell = row?.split("|")[2].trim();
            const expected = shown(schema[key].default);
            expect({ key, cell }).toEqual({ key, cell: typeof expected === "string" ? expected : expect.stringMatching(expected) });
        }
    });
});
