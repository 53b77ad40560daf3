import * as path from "node:path";
import { PROJECT_ROOT } from "../engine";

/**
 * How the lab drives the Pulumi CLI: a local file state backend inside the project, a documented
 * default passphrase, the stack created on first use. Pure planning and lookup; labCommand.ts runs it.
 */

export { PROJECT_ROOT };

/** Where the local backend keeps state (git-ignored). */
export const STATE_DIR = path.join(PROJECT_ROOT, ".pulumi-state");
/** Default stack; LAB_STACK overrides it (one stack per lab instance). */
export const DEFAULT_STACK = "dev";
/** Default passphrase of the local secrets provider; set PULUMI_CONFIG_PASSPHRASE to use your own. */
export const DEFAULT_PASSPHRASE = "docker-lab";

/** The stack every lab command works on: LAB_STACK, else DEFAULT_STACK. */
export function labStack(env: Record<string, string | undefined>): string {
    return env.LAB_STACK || DEFAULT_STACK;
}

const COMMANDS = {
    // `--yes` means nobody reads a preview before the update: skip it (the no-op `up` takes half the time).
    up: ["up", "--yes", "--skip-preview"],
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
    const stack = labStack(env);
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
