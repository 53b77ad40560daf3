import { performance } from "node:perf_hooks";
import { PROJECT_ROOT, stdoutOf } from "../engine";
import { type ContainerSpec, OFFLINE_IMAGES } from "../lab";
import { waitHealthy } from "../rig";

/** What the bench runs on, its progress log and the arithmetic of its figures. */

export const STACK = "bench";
/** The stack of the Pulumi phase, in its copy of the project (its lab is docker-lab-bench-pulumi). */
export const PULUMI_STACK = "bench-pulumi";
export const APP_PORT = 28080;
export const REGISTRY_PORT = 25000;
export const BASE_IMAGE = process.env.LAB_BASE_IMAGE || OFFLINE_IMAGES.baseImage;
export const REGISTRY_IMAGE = process.env.LAB_REGISTRY_IMAGE || OFFLINE_IMAGES.registryImage;
/** The config every phase runs with: raw values for parseLabConfig, and what the Pulumi phase sets with `pulumi config set-all`. */
export const BENCH_CONFIG = { appPort: APP_PORT, registryPort: REGISTRY_PORT, baseImage: BASE_IMAGE, registryImage: REGISTRY_IMAGE };
export const TMP_PREFIX = "docker-lab-bench-";

export const T0 = performance.now();
export const log = (msg: string) => process.stderr.write(`[bench ${((performance.now() - T0) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);

/** Milliseconds as seconds with two decimals, e.g. "1.23"; every duration the bench prints goes through it. */
export const seconds = (ms: number) => (ms / 1000).toFixed(2);
export const secs = (ms: number) => `${seconds(ms)} s`;
export const runsOf = (values: number[]) => values.map(seconds).join(" / ");

export const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");

export const MIB = 1024 * 1024;

/** A size as docker prints it ("590.4MB", "300.1kB", "0B", "1.5GiB"; kB/MB/GB are powers of 1000) in MiB; NaN when it is none. */
export function parseDockerSize(text: string): number {
    const m = /^\s*([\d.]+)\s*([kKMGTP]?)(i?)B\s*$/.exec(text);
    if (!m) return Number.NaN;
    const power = m[2] === "" ? 0 : " KMGTP".indexOf(m[2].toUpperCase());
    return (Number(m[1]) * (m[3] === "i" ? 1024 : 1000) ** power) / MIB;
}
/** MiB with one decimal, e.g. "12.5 MiB"; "n/a" for a figure that could not be read. */
export const mib = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} MiB` : "n/a");

/** A plain text table: a header, a rule, the rows; columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) =>
        cells
            .map((c, i) => c.padEnd(widths[i]))
            .join("  ")
            .trimEnd();
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function median(values: number[]): number {
    if (values.length === 0) return Number.NaN;
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs a program (not docker) and returns stdout; throws with stderr on failure. */
export function run(file: string, args: string[], env: Record<string, string> = {}): Promise<string> {
    return stdoutOf(file, args, `${file} ${args.join(" ")}`, { cwd: PROJECT_ROOT, env });
}

/** Fetches each app URL once with curl; fails unless each answers as the app. */
export async function curlAll(urls: string[]): Promise<void> {
    for (const url of urls) {
        const body = await run("curl", ["-fsS", `${url}/`]);
        if (!body.includes('"app":"hellodocker"')) throw new Error(`${url}/ answered ${JSON.stringify(body)}`);
    }
}

/** waitHealthy (the harness' poller) for a container that has no ContainerSpec of its own. */
export const waitHealthyByName = (name: string, like: ContainerSpec) => waitHealthy({ ...like, name }, {});
