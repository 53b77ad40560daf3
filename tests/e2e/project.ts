import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { copyProject, removeProjectCopy } from "../../tools/projectCopy";
import { copyEnv, copyPulumiEnv, forgetWorkspace } from "../../tools/projectCopyEnv";
import { DEFAULT_PASSPHRASE } from "../../tools/pulumiCli";
import { findPulumi } from "../../tools/toolchain";
import { type CommandRun, describeRun, expectSuccess, type RunOptions, runCommand } from "./processes";

/**
 * A throw-away copy of the project driven as a user drives it, for every e2e file: `npm run …` with
 * LAB_STACK, plain `pulumi …` with the lab's passphrase (DEFAULT_PASSPHRASE, the one the README
 * names), both with the environment of tools/projectCopyEnv.ts (the test's own, cleaned of the
 * variables that would change what they do), and the stack's outputs and state as JSON. `remove()`
 * deletes the copy and the workspace file the CLI kept for it.
 */

/** A resource in a stack's state: `pulumi stack export` and the checkpoint the local backend keeps. */
export interface StateResource {
    urn: string;
    type: string;
    id?: string;
    /** When the resource was last created or updated (an update in place keeps the id). */
    modified?: string;
    outputs?: Record<string, unknown>;
}
/** A stack's state: `pulumi stack export`'s `deployment`, a checkpoint's `latest`. */
export interface Deployment {
    resources?: StateResource[];
    pending_operations?: { type: string; resource: StateResource }[];
}

/** The resource name at the end of a URN (`…::lab-app-0`). */
export const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
/** Pulumi's marker of a secret value in a state file. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/**
 * URN → what changes when a resource is replaced or updated in place: its id, outputs and modification time.
 * A secret output counts by its place only: Pulumi re-encrypts it (a new ciphertext) whenever it writes
 * the state, changed or not (docker.Image's __inputs).
 */
export const fingerprintsOf = (deployment: Deployment) =>
    new Map(
        (deployment.resources ?? [])
            .filter((r) => r.id)
            .map((r) => [
                r.urn,
                JSON.stringify({ id: r.id, modified: r.modified, outputs: r.outputs }, (_, v) =>
                    v instanceof Object && SECRET_SIG in v ? "[secret]" : v,
                ),
            ]),
    );
/** The names of the resources `after` adds to `before`, and of those it removes. */
export function stateChanges(before: Deployment, after: Deployment): { added: string[]; removed: string[] } {
    const [b, a] = [new Set((before.resources ?? []).map((r) => r.urn)), new Set((after.resources ?? []).map((r) => r.urn))];
    return { added: [...a].filter((u) => !b.has(u)).map(nameOf), removed: [...b].filter((u) => !a.has(u)).map(nameOf) };
}
/** The names of the resources both states hold that were replaced or updated in between (see fingerprintsOf). */
export function changedInBoth(before: Deployment, after: Deployment): string[] {
    const fpAfter = fingerprintsOf(after);
    return [...fingerprintsOf(before)].filter(([urn, fp]) => fpAfter.has(urn) && fpAfter.get(urn) !== fp).map(([urn]) => nameOf(urn));
}
/** What `leftovers` finds of a lab that left nothing on the engine. */
export const NOTHING_LEFT = { containers: [], networks: [], volumes: [], images: [], tags: [] };
/** URN → id of every resource that has an id (custom resources and providers), of one type when given. */
export const idsOf = (deployment: Deployment, type?: string) =>
    new Map((deployment.resources ?? []).filter((r) => r.id && (!type || r.type === type)).map((r) => [r.urn, r.id as string]));

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
    /** `LAB_STACK=<stack> npm run SCRIPT [-- ARGS]` in the copy (`detached` and `onStart`: for a kill of its whole tree). */
    npm(
        script: string,
        args?: string[],
        extraEnv?: Record<string, string>,
        options?: Pick<RunOptions, "detached" | "onStart">,
    ): Promise<CommandRun>;
    /** `pulumi ARGS` in the copy, with the passphrase. */
    pulumi(args: string[], extraEnv?: Record<string, string>): Promise<CommandRun>;
    /** `sh -c COMMAND` in the copy with plain `pulumi`'s environment and LAB_STACK, as a user pastes a command the doctor names. */
    shell(command: string): Promise<CommandRun>;
    /** `sh -c COMMAND` in the copy in a new user's shell: no LAB_STACK, no passphrase, nothing of Pulumi's; `extraEnv` added. */
    paste(command: string, extraEnv?: Record<string, string>): Promise<CommandRun>;
    /** `pulumi stack init` and one `pulumi config set` per key, as the README has a user do. */
    configure(config: Record<string, string>): Promise<void>;
    /** `pulumi config set KEY VALUE` on the stack. */
    setConfig(key: string, value: string): Promise<void>;
    /** `pulumi stack output --json`. */
    stackOutputs(): Promise<any>;
    /** `pulumi stack export`'s deployment. */
    deployment(): Promise<Deployment>;
    /** The stack's checkpoint in the copy's `.pulumi-state` (it may not exist). */
    checkpointFile(): string;
    /** Whether the stack has a checkpoint (something to `npm run down`). */
    hasState(): boolean;
    /** Every file under the copy's `.pulumi-state` (checkpoints, their backups and history), recursively, with its text (a gzipped one unzipped). */
    stateFiles(): { file: string; text: string }[];
    /** Removes the copy and the CLI's workspace file of it. */
    remove(): void;
}

/** `file args` started under `prefix` (its first word the command) when there is one. */
const withPrefix = (prefix: string[], file: string, args: string[]): [string, string[]] =>
    prefix.length ? [prefix[0], [...prefix.slice(1), file, ...args]] : [file, args];

/**
 * A project copy for stack `stack`, its folder named from `prefix`; npm runs are killed after `npmTimeoutMs` (default 280 s).
 * `npmPrefix` gives a command the npm runs start under, e.g. `nsenter --net=…` to run them in an engine node's network.
 */
export function e2eProject(stack: string, prefix: string, npmTimeoutMs?: number, npmPrefix: () => string[] = () => []): E2eProject {
    const cli = findPulumi(process.env);
    const base = copyEnv(process.env);
    const pulumiEnv = copyPulumiEnv(base, cli.env);
    const shown = (env: Record<string, string>) => Object.entries(env).map(([k, v]) => `${k}=${v}`);
    let dir = "";

    const project: E2eProject = {
        get dir() {
            return dir;
        },
        create() {
            dir = copyProject(prefix);
        },
        npm: (script, args = [], extraEnv = {}, options = {}) =>
            runCommand(...withPrefix(npmPrefix(), "npm", ["run", script, ...(args.length ? ["--", ...args] : [])]), {
                cwd: dir,
                env: { ...base, LAB_STACK: stack, ...extraEnv },
                shownEnv: shown({ LAB_STACK: stack, ...extraEnv }).join(" "),
                ...(npmTimeoutMs ? { timeoutMs: npmTimeoutMs } : {}),
                ...options,
            }),
        pulumi: (args, extraEnv = {}) =>
            runCommand(cli.argv[0], [...cli.argv.slice(1), ...args], {
                cwd: dir,
                env: { ...pulumiEnv, ...extraEnv },
                shownEnv: shown({ PULUMI_CONFIG_PASSPHRASE: DEFAULT_PASSPHRASE, ...extraEnv }).join(" "),
            }),
        shell: (command) =>
            runCommand("sh", ["-c", command], {
                cwd: dir,
                env: { ...pulumiEnv, LAB_STACK: stack },
                shownEnv: `${shown({ LAB_STACK: stack, PULUMI_CONFIG_PASSPHRASE: DEFAULT_PASSPHRASE }).join(" ")} sh -c`,
            }),
        paste: (command, extraEnv = {}) => runCommand("sh", ["-c", command], { cwd: dir, env: { ...base, ...extraEnv } }),
        async configure(config) {
            expectSuccess(await project.pulumi(["stack", "init", stack]));
            for (const [key, value] of Object.entries(config)) await project.setConfig(key, value);
        },
        async setConfig(key, value) {
            expectSuccess(await project.pulumi(["config", "set", "--stack", stack, key, value]));
        },
        stackOutputs: async () => jsonOf(expectSuccess(await project.pulumi(["stack", "output", "--json", "--stack", stack]))),
        deployment: async () => jsonOf(expectSuccess(await project.pulumi(["stack", "export", "--stack", stack]))).deployment,
        checkpointFile: () => path.join(dir, ".pulumi-state", ".pulumi", "stacks", "docker-lab", `${stack}.json`),
        hasState: () => dir !== "" && fs.existsSync(project.checkpointFile()),
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
            forgetWorkspace(dir, cli.env);
            dir = "";
        },
    };
    return project;
}
