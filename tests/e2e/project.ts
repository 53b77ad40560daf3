import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { copyProject, removeProjectCopy } from "../../tools/projectCopy";
import { findPulumi } from "../../tools/toolchain";
import { type CommandRun, describeRun, expectSuccess, runCommand } from "./processes";

/**
 * A throw-away copy of the project driven as a user drives it, for the e2e files: `npm run …` with
 * LAB_STACK, plain `pulumi …` with the lab's passphrase, both with an environment cleaned of the
 * variables that would change what they do, and the stack's outputs as JSON. `remove()` deletes the
 * copy and the workspace file the CLI kept for it.
 */

/** The lab's default secrets passphrase, which a user's plain `pulumi` commands need (README). */
export const PASSPHRASE = "docker-lab";

/** Variables of the test's environment that would change what `npm run` or `pulumi` do. */
const CLEARED = ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE", "LAB_SKIP_PREFLIGHT", "LAB_STACK"];

/** A JSON document that a command printed after npm's `> docker-lab@… script` banner. */
export function jsonOf(run: CommandRun): any {
    const start = run.stdout.search(/^[[{]/m);
    try {
        return JSON.parse(run.stdout.slice(Math.max(start, 0)));
    } catch (err) {
        throw new Error(describeRun(run, `JSON on stdout (${(err as Error).message})`));
    }
}

/** Runs steps and keeps their durations (figures to log, never to assert on). */
export interface StepLogger {
    /** Runs fn and records how long it took, pass or fail. */
    (name: string, fn: () => Promise<void>): Promise<void>;
    /** `<label> steps: "<name>" <seconds> s; …`: every step so far, in one line. */
    summary(): string;
}

/**
 * `step(name, fn)`: runs fn and logs `<label> step "<name>": <seconds> s`, pass or fail; with
 * `oneLine` it logs nothing by itself, and the caller logs `summary()` once (e.g. in afterAll).
 */
export function stepLogger(label: string, options: { oneLine?: boolean } = {}): StepLogger {
    const timings: string[] = [];
    const step = async (name: string, fn: () => Promise<void>) => {
        const started = Date.now();
        try {
            await fn();
        } finally {
            const seconds = ((Date.now() - started) / 1000).toFixed(1);
            timings.push(`"${name}" ${seconds} s`);
            if (!options.oneLine) console.log(`${label} step "${name}": ${seconds} s`);
        }
    };
    return Object.assign(step, { summary: () => `${label} steps: ${timings.join("; ")}` });
}

export interface E2eProject {
    /** The copy's folder; empty until create(). */
    readonly dir: string;
    /** Copies the project into a new temp folder. */
    create(): void;
    /** `LAB_STACK=<stack> npm run SCRIPT [-- ARGS]` in the copy. */
    npm(script: string, args?: string[], extraEnv?: Record<string, string>): Promise<CommandRun>;
    /** `pulumi ARGS` in the copy, with the passphrase. */
    pulumi(args: string[], extraEnv?: Record<string, string>): Promise<CommandRun>;
    /** `pulumi stack init` and one `pulumi config set` per key, as the README has a user do. */
    configure(config: Record<string, string>): Promise<void>;
    /** `pulumi config set KEY VALUE` on the stack. */
    setConfig(key: string, value: string): Promise<void>;
    /** `pulumi stack output --json`. */
    stackOutputs(): Promise<any>;
    /** Whether the stack has a checkpoint (something to `npm run down`). */
    hasState(): boolean;
    /** Every file under the copy's `.pulumi-state` (checkpoints, their backups and history), recursively, with its text (a gzipped one unzipped). */
    stateFiles(): { file: string; text: string }[];
    /** Removes the copy and the CLI's workspace file of it. */
    remove(): void;
}

/** A project copy for stack `stack`, its folder named from `prefix`; npm runs are killed after `npmTimeoutMs` (default 280 s). */
export function e2eProject(stack: string, prefix: string, npmTimeoutMs?: number): E2eProject {
    const cli = findPulumi(process.env);
    const base: Record<string, string | undefined> = {
        ...process.env,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        npm_config_update_notifier: "false",
    };
    for (const key of CLEARED) delete base[key];
    let dir = "";

    const project: E2eProject = {
        get dir() {
            return dir;
        },
        create() {
            dir = copyProject(prefix);
        },
        npm: (script, args = [], extraEnv = {}) =>
            runCommand("npm", ["run", script, ...(args.length ? ["--", ...args] : [])], {
                cwd: dir,
                env: { ...base, LAB_STACK: stack, ...extraEnv },
                shownEnv: [`LAB_STACK=${stack}`, ...Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`)].join(" "),
                ...(npmTimeoutMs ? { timeoutMs: npmTimeoutMs } : {}),
            }),
        pulumi: (args, extraEnv = {}) =>
            runCommand(cli.argv[0], [...cli.argv.slice(1), ...args], {
                cwd: dir,
                env: { ...base, ...cli.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, ...extraEnv },
                shownEnv: `PULUMI_CONFIG_PASSPHRASE=${PASSPHRASE}`,
            }),
        async configure(config) {
            expectSuccess(await project.pulumi(["stack", "init", stack]));
            for (const [key, value] of Object.entries(config)) await project.setConfig(key, value);
        },
        async setConfig(key, value) {
            expectSuccess(await project.pulumi(["config", "set", "--stack", stack, key, value]));
        },
        stackOutputs: async () => jsonOf(expectSuccess(await project.pulumi(["stack", "output", "--json", "--stack", stack]))),
        hasState: () => dir !== "" && fs.existsSync(path.join(dir, ".pulumi-state", ".pulumi", "stacks", "docker-lab", `${stack}.json`)),
        stateFiles() {
            const state = path.join(dir, ".pulumi-state");
            if (!dir || !fs.existsSync(state)) return [];
            return (fs.readdirSync(state, { recursive: true }) as string[])
                .map((f) => path.join(state, f))
                .filter((f) => fs.statSync(f).isFile())
                .sort()
                .map((file) => ({
                    file,
                    text: (file.endsWith(".gz") ? zlib.gunzipSync(fs.readFileSync(file)) : fs.readFileSync(file)).toString("utf8"),
                }));
        },
        remove() {
            if (!dir) return;
            removeProjectCopy(dir);
            const home = cli.env.PULUMI_HOME || process.env.PULUMI_HOME || path.join(os.homedir(), ".pulumi");
            const key = crypto.createHash("sha1").update(path.join(dir, "Pulumi.yaml")).digest("hex");
            fs.rmSync(path.join(home, "workspaces", `docker-lab-${key}-workspace.json`), { force: true });
            dir = "";
        },
    };
    return project;
}
