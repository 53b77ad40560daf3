import * as path from "node:path";
import {
    buildImportGraph,
    checkImportGraph,
    describeProblems,
    type ImportGraph,
    importSpecifiers,
    layerOf,
    readSources,
} from "../helpers/importGraph";

// The folders are the architecture: scripts -> tools -> engine -> lab, components -> lab, and the
// program (index.ts) -> components, lab; beside them scripts -> bench -> rig, tools -> engine, lab.
// A lower layer never imports a higher one, and no file reaches itself through its imports
// (type-only imports count).

const ROOT = path.join(__dirname, "..", "..");

describe("the import graph of the sources", () => {
    const sources = readSources(ROOT);
    const { graph, unresolved } = buildImportGraph(sources);

    test("keeps the layers and has no cycle", () => {
        expect(describeProblems(checkImportGraph(graph, unresolved))).toBe("");
    });

    test("covers every source folder and sees their imports", () => {
        const files = Object.keys(graph);
        expect(files).toContain("index.ts");
        for (const layer of ["components", "lab", "engine", "rig", "tools", "bench", "scripts", "policy"]) {
            expect(files.filter((f) => f.startsWith(`${layer}/`)).length).toBeGreaterThan(0);
        }
        expect(files.some((f) => f.startsWith("tests/") || f.startsWith("node_modules/"))).toBe(false);
        expect(files.every((f) => layerOf(f) !== undefined)).toBe(true);
        expect(graph["index.ts"]).toEqual(expect.arrayContaining(["components/index.ts", "lab/index.ts"]));
        expect(graph["lab/spec.ts"]).toEqual(expect.arrayContaining(["lab/notes/index.ts", "lab/modes/index.ts", "lab/types.ts"]));
        expect(graph["scripts/doctor.ts"]).toEqual(["tools/doctor/index.ts", "tools/runMain.ts"]);
        expect(graph["scripts/bench.ts"]).toEqual(["bench/index.ts", "tools/runMain.ts"]);
        expect(graph["bench/swarmNodes.ts"]).toEqual(expect.arrayContaining(["rig/index.ts"]));
    });
});

describe("lab/, the pure model", () => {
    const sources = readSources(ROOT);
    const lab = Object.entries(sources).filter(([file]) => file.startsWith("lab/"));

    test("reads no file, runs no process and opens no connection (the edges do: index.ts, tools/stack.ts)", () => {
        const impure = lab.flatMap(([file, source]) => {
            // Static imports only: a check's command may well hold require('http') as text.
            const modules = [
                ...source.matchAll(/^\s*import\s[^;]*?from\s*["'](?:node:)?(fs|fs\/promises|child_process|os|http|https)["']/gm),
            ].map((m) => m[1]);
            const paths = /\b__dirname\b|process\.cwd\(\)/.test(source) ? ["__dirname or process.cwd()"] : [];
            return [...modules, ...paths].map((what) => `${file}: ${what}`);
        });
        expect(impure).toEqual([]);
        expect(lab.length).toBeGreaterThan(10);
    });
});

describe("the import-graph checker", () => {
    test("finds every kind of import and re-export", () => {
        const source = [
            'import * as fs from "node:fs";',
            "import {",
            "    a,",
            "    type B,",
            '} from "./multi";',
            'import type { C } from "../types";',
            'export * from "./all";',
            'export { d, type E } from "./some";',
            'import "./sideEffect";',
            'const f = require("./required");',
            'const g = await import("./dynamic");',
            'export const h = "from \\"./not-an-import\\"";',
            '// a comment saying from "./comment" is no import',
        ].join("\n");
        expect(importSpecifiers(source).sort()).toEqual(
            ["node:fs", "./multi", "../types", "./all", "./some", "./sideEffect", "./required", "./dynamic"].sort(),
        );
    });

    test("resolves x to x.ts or x/index.ts and reports what matches no file", () => {
        const { graph, unresolved } = buildImportGraph({
            "tools/a.ts":
                'import { b } from "./b";\nimport { lab } from "../lab";\nimport { gone } from "./gone";\nimport * as os from "node:os";',
            "tools/b.ts": "",
            "lab/index.ts": "",
        });
        expect(graph["tools/a.ts"]).toEqual(["lab/index.ts", "tools/b.ts"]);
        expect(unresolved).toEqual([{ from: "tools/a.ts", specifier: "./gone" }]);
    });

    test("reports a lower layer importing a higher one, and a cycle", () => {
        const graph: ImportGraph = {
            "index.ts": ["components/index.ts", "lab/index.ts"],
            "components/index.ts": ["components/lab.ts"],
            "components/lab.ts": ["lab/index.ts", "engine/dockerCli.ts"],
            "lab/index.ts": ["lab/spec.ts"],
            "lab/spec.ts": ["lab/lessons/index.ts", "tools/report.ts"],
            "lab/lessons/index.ts": ["lab/spec.ts"],
            "engine/dockerCli.ts": ["lab/index.ts"],
            "tools/report.ts": [],
            "scripts/bench.ts": ["tools/report.ts", "tests/live/harness.ts"],
            "tests/live/harness.ts": [],
        };
        const problems = checkImportGraph(graph);
        expect(problems.forbidden.map((e) => `${e.from} -> ${e.to}`).sort()).toEqual([
            "components/lab.ts -> engine/dockerCli.ts",
            "lab/spec.ts -> tools/report.ts",
            "scripts/bench.ts -> tests/live/harness.ts",
        ]);
        expect(problems.cycles).toEqual([["lab/lessons/index.ts", "lab/spec.ts", "lab/lessons/index.ts"]]);
        const message = describeProblems(problems);
        expect(message).toContain("forbidden import: lab/spec.ts -> tools/report.ts (lab imports tools; lab may import no other layer)");
        expect(message).toContain(
            "forbidden import: components/lab.ts -> engine/dockerCli.ts (components imports engine; components may import only lab)",
        );
        expect(message).toContain("import cycle: lab/lessons/index.ts -> lab/spec.ts -> lab/lessons/index.ts");
    });

    test("forbids engine -> rig, rig -> bench and tools -> bench, and finds a cycle through them", () => {
        const graph: ImportGraph = {
            "scripts/bench.ts": ["bench/index.ts", "tools/runMain.ts"],
            "bench/index.ts": ["bench/common.ts", "rig/index.ts", "tools/stack.ts", "engine/index.ts", "lab/index.ts"],
            "bench/common.ts": ["rig/index.ts"],
            "rig/index.ts": ["rig/harness.ts"],
            "rig/harness.ts": ["engine/index.ts", "lab/index.ts", "bench/common.ts"],
            "engine/index.ts": ["lab/index.ts", "rig/harness.ts"],
            "tools/stack.ts": ["lab/index.ts", "bench/common.ts"],
            "tools/runMain.ts": [],
            "lab/index.ts": [],
        };
        const problems = checkImportGraph(graph);
        expect(problems.forbidden.map((e) => `${e.from} -> ${e.to}`).sort()).toEqual([
            "engine/index.ts -> rig/harness.ts",
            "rig/harness.ts -> bench/common.ts",
            "tools/stack.ts -> bench/common.ts",
        ]);
        const message = describeProblems(problems);
        expect(message).toContain("(engine imports rig; engine may import only lab)");
        expect(message).toContain("(rig imports bench; rig may import only engine, lab)");
        expect(message).toContain("(tools imports bench; tools may import only engine, lab)");
        expect(problems.cycles).toEqual([
            ["engine/index.ts", "rig/harness.ts", "engine/index.ts"],
            ["bench/common.ts", "rig/index.ts", "rig/harness.ts", "bench/common.ts"],
        ]);
    });

    test("finds a longer cycle once, whichever file the search starts from", () => {
        const cycles = checkImportGraph({
            "tools/c.ts": ["tools/a.ts"],
            "tools/a.ts": ["tools/b.ts"],
            "tools/b.ts": ["tools/c.ts", "lab/x.ts"],
            "lab/x.ts": [],
        }).cycles;
        expect(cycles).toEqual([["tools/a.ts", "tools/b.ts", "tools/c.ts", "tools/a.ts"]]);
    });
});
