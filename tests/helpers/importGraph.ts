import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The import graph of the project's sources and the rules it must keep: a layer imports only the
 * layers below it, and no file reaches itself through its imports. Pure functions over a graph,
 * plus `readSourceGraph` to build the real one from the files (tests and node_modules left out).
 */

/**
 * The layers, named by their top folder; the root index.ts (the Pulumi program) is "program".
 * `policy` is the CrossGuard pack: it runs in its own process from its own node_modules, so it imports nothing of the lab.
 * `rig` (the live harness, swarm test nodes) and `bench` serve the tests and `npm run bench` only, so the
 * user-facing commands (tools) never load them.
 */
export type Layer = "program" | "components" | "lab" | "engine" | "rig" | "tools" | "bench" | "scripts" | "policy";

/** What each layer may import besides itself. */
export const ALLOWED_IMPORTS: Record<Layer, readonly Layer[]> = {
    program: ["components", "lab"],
    components: ["lab"],
    scripts: ["tools", "bench"],
    bench: ["rig", "tools", "engine", "lab"],
    tools: ["engine", "lab"],
    rig: ["engine", "lab"],
    engine: ["lab"],
    lab: [],
    policy: [],
};

/** A file (path relative to the project root, with `/`) and the project files it imports. */
export type ImportGraph = Record<string, string[]>;

export interface GraphProblems {
    /** Imports that go against ALLOWED_IMPORTS, or into or out of a file that belongs to no layer. */
    forbidden: { from: string; to: string; why: string }[];
    /** Import cycles, each as the files in order, the first repeated at the end. */
    cycles: string[][];
    /** Relative imports that match no file. */
    unresolved: { from: string; specifier: string }[];
}

/** The layer of a file by its top folder; undefined when it is in none. */
export function layerOf(file: string): Layer | undefined {
    if (file === "index.ts") return "program";
    const top = file.split("/")[0];
    return top in ALLOWED_IMPORTS && top !== "program" ? (top as Layer) : undefined;
}

// `import ... from "x"` and `export ... from "x"` (the clause has no `=`, parentheses or quotes, so a
// declaration such as `export const a = ...` never matches), `import "x"`, `require("x")`, `import("x")`.
const FROM = /^\s*(?:import|export)\s[^;=()'"`]*?\bfrom\s*["']([^"']+)["']/gm;
const BARE_IMPORT = /^\s*import\s*["']([^"']+)["']/gm;
const CALL = /\b(?:require|import)\(\s*["']([^"']+)["']\s*\)/g;

/** Every module specifier a source file imports or re-exports, in order of appearance per kind. */
export function importSpecifiers(source: string): string[] {
    return [FROM, BARE_IMPORT, CALL].flatMap((re) => [...source.matchAll(re)].map((m) => m[1]));
}

/** The project file a relative specifier names (`x.ts` or `x/index.ts`), or undefined; bare specifiers give undefined too. */
export function resolveSpecifier(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
    if (!specifier.startsWith(".")) return undefined;
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    return [base, `${base}.ts`, `${base}/index.ts`].find((candidate) => candidate.endsWith(".ts") && files.has(candidate));
}

/** The graph of these sources: each file's relative imports resolved to files; unresolved ones listed apart. */
export function buildImportGraph(sources: Record<string, string>): { graph: ImportGraph; unresolved: GraphProblems["unresolved"] } {
    const files = new Set(Object.keys(sources));
    const graph: ImportGraph = {};
    const unresolved: GraphProblems["unresolved"] = [];
    for (const [file, source] of Object.entries(sources)) {
        const targets = new Set<string>();
        for (const specifier of importSpecifiers(source)) {
            if (!specifier.startsWith(".")) continue;
            const target = resolveSpecifier(file, specifier, files);
            if (target) targets.add(target);
            else unresolved.push({ from: file, specifier });
        }
        graph[file] = [...targets].sort();
    }
    return { graph, unresolved };
}

/** Edges that break the layer rules. */
export function forbiddenImports(graph: ImportGraph): GraphProblems["forbidden"] {
    const forbidden: GraphProblems["forbidden"] = [];
    for (const [from, targets] of Object.entries(graph)) {
        for (const to of targets) {
            const [a, b] = [layerOf(from), layerOf(to)];
            if (a === undefined) forbidden.push({ from, to, why: `${from} is in no layer` });
            else if (b === undefined)
                forbidden.push({ from, to, why: `${to} is in no layer (not a source file: tests/, or a folder without a layer)` });
            else if (a !== b && !ALLOWED_IMPORTS[a].includes(b)) {
                const allowed = ALLOWED_IMPORTS[a].length > 0 ? `only ${ALLOWED_IMPORTS[a].join(", ")}` : "no other layer";
                forbidden.push({ from, to, why: `${a} imports ${b}; ${a} may import ${allowed}` });
            }
        }
    }
    return forbidden;
}

/** Every cycle a depth-first search meets, each once (rotated to start at its smallest file). */
export function importCycles(graph: ImportGraph): string[][] {
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const found = new Map<string, string[]>();
    const visit = (file: string) => {
        state.set(file, "open");
        stack.push(file);
        for (const next of graph[file] ?? []) {
            if (state.get(next) === "open") {
                const loop = stack.slice(stack.indexOf(next));
                const start = loop.indexOf([...loop].sort()[0]);
                const rotated = [...loop.slice(start), ...loop.slice(0, start)];
                found.set(rotated.join(" -> "), [...rotated, rotated[0]]);
            } else if (!state.has(next)) {
                visit(next);
            }
        }
        stack.pop();
        state.set(file, "done");
    };
    for (const file of Object.keys(graph).sort()) if (!state.has(file)) visit(file);
    return [...found.values()];
}

/** Everything wrong with a graph. */
export function checkImportGraph(graph: ImportGraph, unresolved: GraphProblems["unresolved"] = []): GraphProblems {
    return { forbidden: forbiddenImports(graph), cycles: importCycles(graph), unresolved };
}

/** One line per problem, for a test failure; empty when there is none. */
export function describeProblems(problems: GraphProblems): string {
    return [
        ...problems.forbidden.map((e) => `forbidden import: ${e.from} -> ${e.to} (${e.why})`),
        ...problems.cycles.map((c) => `import cycle: ${c.join(" -> ")}`),
        ...problems.unresolved.map(
            (u) =>
                `unresolved import: ${u.from} imports ${JSON.stringify(u.specifier)}, which is no source file (sources never import tests/)`,
        ),
    ].join("\n");
}

const SKIPPED_DIRS = new Set(["node_modules", "tests", "bin", "coverage", "artifacts", "lab-report"]);

/** The project's TypeScript sources (relative path → text): every .ts file outside tests/, node_modules and dot folders. */
export function readSources(root: string): Record<string, string> {
    const sources: Record<string, string> = {};
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
            const rel = dir ? `${dir}/${entry.name}` : entry.name;
            if (entry.isDirectory()) {
                if (!entry.name.startsWith(".") && !SKIPPED_DIRS.has(entry.name)) walk(rel);
            } else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
                sources[rel] = fs.readFileSync(path.join(root, rel), "utf8");
            }
        }
    };
    walk("");
    return sources;
}
