import * as path from "node:path";
import { PROJECT_ROOT } from "../../lab";

export const BENCH_USAGE = "Usage: npm run bench [-- --json PATH] [-- --runs N]   (default: bench-results.json, 3 runs)";

export interface BenchArgs {
    /** Where the JSON results go (absolute). */
    json: string;
    /** How many runs of every phase (1..10). */
    runs: number;
}

/** `npm run bench` arguments; "help" for -h / --help. Throws on a bad argument. */
export function parseBenchArgs(argv: string[]): BenchArgs | "help" {
    let json = path.join(PROJECT_ROOT, "bench-results.json");
    let runs = 3;
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
        } else if (arg === "-h" || arg === "--help") return "help";
        else throw new Error(`unknown argument ${JSON.stringify(arg)}; usage: npm run bench [-- --json PATH] [-- --runs N]`);
    }
    return { json, runs };
}
