import * as path from "node:path";
import { PROJECT_ROOT } from "../../engine";

/**
 * The bench's phases, as `--only` names them, in the order they run: `lab` (image, lab and bare
 * cycles, the real Pulumi CLI: the first table), `classroom`, `swarm` (one node and three nodes).
 */
export const BENCH_PHASES = ["lab", "classroom", "swarm"] as const;
export type BenchPhase = (typeof BENCH_PHASES)[number];

export const BENCH_USAGE = `Usage: npm run bench [-- --json PATH] [-- --runs N] [-- --only ${BENCH_PHASES.join(",")}]   (default: bench-results.json, 3 runs, every phase)`;

export interface BenchArgs {
    /** Where the JSON results go (absolute). */
    json: string;
    /** How many runs of every phase (1..10). */
    runs: number;
    /** The phases to run, in BENCH_PHASES order (default: all). */
    phases: BenchPhase[];
}

/** `--only` value: phases separated by commas, e.g. "swarm" or "lab,swarm"; throws naming a bad one. */
export function parsePhases(value: string): BenchPhase[] {
    const names = value.split(",").map((s) => s.trim());
    for (const name of names) {
        if (!(BENCH_PHASES as readonly string[]).includes(name))
            throw new Error(
                `--only ${JSON.stringify(value)}: ${name ? `unknown phase ${JSON.stringify(name)}` : "an empty phase name"}; the phases are ${BENCH_PHASES.join(", ")} (comma-separated, e.g. --only swarm)`,
            );
    }
    return BENCH_PHASES.filter((p) => names.includes(p));
}

/** `npm run bench` arguments; "help" for -h / --help. Throws on a bad argument. */
export function parseBenchArgs(argv: string[]): BenchArgs | "help" {
    let json = path.join(PROJECT_ROOT, "bench-results.json");
    let runs = 3;
    let phases: BenchPhase[] = [...BENCH_PHASES];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
            if (!v) throw new Error(`${arg} needs a value`);
            return v;
        };
        if (arg === "--json" || arg.startsWith("--json=")) json = path.resolve(value());
        else if (arg === "--runs" || arg.startsWith("--runs=")) {
            runs = Number(value());
            if (!Number.isInteger(runs) || runs < 1 || runs > 10) throw new Error("--runs must be a whole number from 1 to 10");
        } else if (arg === "--only" || arg.startsWith("--only=")) phases = parsePhases(value());
        else if (arg === "-h" || arg === "--help") return "help";
        else
            throw new Error(
                `unknown argument ${JSON.stringify(arg)}; usage: npm run bench [-- --json PATH] [-- --runs N] [-- --only ${BENCH_PHASES.join(",")}]`,
            );
    }
    return { json, runs, phases };
}
