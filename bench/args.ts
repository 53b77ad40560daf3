import * as path from "node:path";
import { PROJECT_ROOT } from "../engine";
import { ArgumentError, parseArgs } from "../tools/args";
import { BENCH_PHASES, type BenchPhase } from "./phases";

export { BENCH_PHASES, type BenchPhase };

export const BENCH_USAGE = `Usage: npm run bench [-- --json PATH] [--runs N] [--only ${BENCH_PHASES.join(",")}]   (default: bench-results.json, 3 runs, every phase)`;

export interface BenchArgs {
    /** Where the JSON results go (absolute). */
    json: string;
    /** How many runs of every phase (1..10). */
    runs: number;
    /** The phases to run, in BENCH_PHASES order (default: all). */
    phases: BenchPhase[];
}

/** `--only` value: phases separated by commas, e.g. "lab" or "lab,classroom"; throws naming a bad one. */
export function parsePhases(value: string): BenchPhase[] {
    const names = value.split(",").map((s) => s.trim());
    for (const name of names) {
        if (!(BENCH_PHASES as readonly string[]).includes(name))
            throw new ArgumentError(
                `--only ${JSON.stringify(value)}: ${name ? `unknown phase ${JSON.stringify(name)}` : "an empty phase name"}; the phases are ${BENCH_PHASES.join(", ")} (comma-separated, e.g. --only ${BENCH_PHASES[BENCH_PHASES.length - 1]})`,
            );
    }
    return BENCH_PHASES.filter((p) => names.includes(p));
}

const BENCH_ARGS = { options: { json: "PATH", runs: "N", only: BENCH_PHASES.join(",") }, help: true } as const;

/** `--runs` value: a whole number from 1 to 10. */
function parseRuns(value: string): number {
    const runs = Number(value);
    if (!Number.isInteger(runs) || runs < 1 || runs > 10)
        throw new ArgumentError(`--runs must be a whole number from 1 to 10, not ${JSON.stringify(value)}: e.g. --runs 3`);
    return runs;
}

/** `npm run bench` arguments; "help" for -h / --help. Throws on a bad argument. */
export function parseBenchArgs(argv: string[]): BenchArgs | "help" {
    const { options, help } = parseArgs(argv, BENCH_ARGS);
    if (help) return "help";
    return {
        json: path.resolve(options.json ?? path.join(PROJECT_ROOT, "bench-results.json")),
        runs: options.runs === undefined ? 3 : parseRuns(options.runs),
        phases: options.only === undefined ? [...BENCH_PHASES] : parsePhases(options.only),
    };
}
