import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { preflight } from "../components";
import { verifyCommand } from "./verify";

/**
 * `npm run up | down | preview`: drives the Pulumi CLI with a local file state backend inside
 * the project, a documented default passphrase, and the stack created on first use.
 */

export const PROJECT_ROOT = path.join(__dirname, "..");
/** Where the local backend keeps state (git-ignored). */
export const STATE_DIR = path.join(PROJECT_ROOT, ".pulumi-state");
/** Default stack; LAB_STACK overrides it (one stack per lab instance). */
export const DEFAULT_STACK = "dev";
/** Default passphrase of the local secrets provider; set PULUMI_CONFIG_PASSPHRASE to use your own. */
export const DEFAULT_PASSPHRASE = "docker-lab";

const COMMANDS = {
    up: ["up", "--yes"],
    down: ["destroy", "--yes"],
    preview: ["preview"],
} as const;
export type LabCommand = keyof typeof COMMANDS;

export interface Invocation {
    /** Environment to run Pulumi with. */
    env: Record<string, string | undefined>;
    stack: string;
    /** Pulumi arguments of each step, in order. */
    steps: string[][];
    /** Run the doctor's preflight first and stop on any problem (up only; LAB_SKIP_PREFLIGHT=1 skips it). */
    preflight: boolean;
    /** Run `verify` afterwards: every lesson check again, and the lab report (up only). */
    verifyAfter: boolean;
}

/** Pure: the environment every Pulumi call of the lab runs with (local backend, default passphrase). */
export function pulumiEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
    const hasPassphrase = env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined;
    return {
        ...env,
        PULUMI_BACKEND_URL: env.PULUMI_BACKEND_URL || `file://${STATE_DIR}`,
        PULUMI_CONFIG_PASSPHRASE: hasPassphrase ? env.PULUMI_CONFIG_PASSPHRASE : DEFAULT_PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
}

/** Pure: what to run for a lab command, given the caller's environment and extra arguments. */
export function planInvocation(command: string, env: Record<string, string | undefined>, extraArgs: string[] = []): Invocation {
    if (!(command in COMMANDS)) {
        throw new Error(`Unknown lab command ${JSON.stringify(command)}: use one of ${Object.keys(COMMANDS).join(", ")}`);
    }
    const stack = env.LAB_STACK || DEFAULT_STACK;
    return {
        env: pulumiEnv(env),
        stack,
        preflight: command === "up" && env.LAB_SKIP_PREFLIGHT !== "1",
        verifyAfter: command === "up",
        steps: [
            ["stack", "select", "--create", stack],
            [...COMMANDS[command as LabCommand], "--stack", stack, ...extraArgs],
        ],
    };
}

/**
 * A `pulumi` already on PATH (outside node_modules) is used as is; otherwise the `pulumi` npm
 * package's launcher, which downloads the CLI once into ~/.pulumi/versions.
 */
export function findPulumi(
    pathEnv: string | undefined,
    isFile: (p: string) => boolean = (p) => fs.existsSync(p) && fs.statSync(p).isFile(),
): string[] {
    for (const dir of (pathEnv ?? "").split(path.delimiter)) {
        if (!dir || dir.split(path.sep).includes("node_modules")) continue;
        const candidate = path.join(dir, process.platform === "win32" ? "pulumi.exe" : "pulumi");
        if (isFile(candidate)) return [candidate];
    }
    return [process.execPath, require.resolve("pulumi/run.js")];
}

async function main(): Promise<number> {
    const [command, ...extra] = process.argv.slice(2);
    const plan = planInvocation(command, process.env, extra);
    if (plan.preflight) {
        const code = await preflight({ stack: plan.stack, projectDir: PROJECT_ROOT, onProgress: (m) => console.error(m) });
        if (code !== 0) return code;
    }
    fs.mkdirSync(STATE_DIR, { recursive: true });
    const [bin, ...binArgs] = findPulumi(process.env.PATH);
    for (const step of plan.steps) {
        const result = spawnSync(bin, [...binArgs, ...step], { cwd: PROJECT_ROOT, env: plan.env, stdio: "inherit" });
        if (result.error) {
            console.error(`Could not run pulumi (${bin}): ${result.error.message}`);
            return 1;
        }
        if (result.status !== 0) return result.status ?? 1;
    }
    return plan.verifyAfter ? verifyCommand(["--stack", plan.stack]) : 0;
}

if (require.main === module) {
    main().then(
        (code) => {
            process.exitCode = code;
        },
        (err: Error) => {
            console.error(err.message);
            process.exitCode = 1;
        },
    );
}
