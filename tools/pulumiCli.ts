import * as path from "node:path";
import { PROJECT_ROOT } from "../engine";
import { shellQuote } from "../lab";

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
    /**
     * Pulumi arguments of each step, in order: selecting the stack (creating it, with the lab's
     * passphrase, when it is new), then the command. The first runs before the preflight, so a fix
     * line it prints (`npm run config -- set …`) works as pasted on a fresh clone.
     */
    steps: string[][];
    /** Heal what the lab guard finds broken before the update, and after it the image tags (up only). */
    heal: boolean;
    /** Run the doctor's preflight first and stop on any problem (up only; LAB_SKIP_PREFLIGHT=1 skips it). */
    preflight: boolean;
    /** Run `verify` afterwards: every lesson check again, and the lab report (up only). */
    verifyAfter: boolean;
}

/** Pulumi arguments of the refresh that lets an update recreate what was removed by hand. */
export function refreshArgs(stack: string): string[] {
    return ["refresh", "--yes", "--skip-preview", "--stack", stack];
}

/** Pulumi arguments of the export the lab reads its checks' last runs from. */
export function exportArgs(stack: string): string[] {
    return ["stack", "export", "--stack", stack];
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
    const stack = labStack(env);
    // `npm run config -- …` and `npm run pulumi -- …`: the lab's CLI, backend and passphrase on the lab's
    // stack (selected, and created when new), so the fix lines that name them work as pasted.
    if (command === "config" || command === "pulumi") {
        if (command === "pulumi" && extraArgs.length === 0) {
            throw new Error("npm run pulumi needs the pulumi command to run: npm run pulumi -- stack output");
        }
        const main = command === "config" ? ["config", ...extraArgs] : extraArgs;
        return {
            env: pulumiEnv(env),
            stack,
            preflight: false,
            verifyAfter: false,
            heal: false,
            steps: [["stack", "select", "--create", stack], main],
        };
    }
    if (!(command in COMMANDS)) {
        throw new Error(
            `Unknown lab command ${JSON.stringify(command)}: use one of ${[...Object.keys(COMMANDS), "config", "pulumi"].join(", ")}`,
        );
    }
    return {
        env: pulumiEnv(env),
        stack,
        preflight: command === "up" && env.LAB_SKIP_PREFLIGHT !== "1",
        verifyAfter: command === "up",
        heal: command === "up",
        steps: [
            ["stack", "select", "--create", stack],
            [...COMMANDS[command as LabCommand], "--stack", stack, ...extraArgs],
        ],
    };
}

/**
 * The shell line that runs `npm run <script> [-- args]` on `stack`: `LAB_STACK=<stack>` first for any
 * but the default stack, so a fix line works as pasted, whatever the shell's environment.
 */
export function labScript(stack: string, script: string, args?: string): string {
    const prefix = stack === DEFAULT_STACK ? "" : `LAB_STACK=${shellQuote(stack)} `;
    return `${prefix}npm run ${script}${args ? ` -- ${args}` : ""}`;
}

/** `text` with every `npm run config|pulumi -- …` it names run on `stack` (see labScript). */
export function forStack(text: string, stack: string): string {
    if (stack === DEFAULT_STACK) return text;
    return text.replace(/(?<!LAB_STACK=\S+ )npm run (-s )?(config|pulumi) --/g, (found) => `LAB_STACK=${shellQuote(stack)} ${found}`);
}
