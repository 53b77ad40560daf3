import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { type LabSpec, PROJECT_NAME, type Spec, shellQuote } from "../lab";
import { teardownLab } from "../rig";
import { type LabDamage, labDamage } from "../tools/labGuard";
import { copyProject, removeProjectCopy } from "../tools/projectCopy";
import { copyEnv } from "../tools/projectCopyEnv";
import { DEFAULT_PASSPHRASE } from "../tools/pulumiCli";
import type { PulumiToolchain } from "../tools/toolchain";
import { BENCH_CONFIG, log, PULUMI_STACK, secs, TMP_PREFIX } from "./common";
import { type Finished, followLines, runCommand, type SeenLine, tail } from "./processes";
import { type CriticalPath, criticalPath, parseEventLog } from "./pulumiEvents";
import { type CliSummary, type CommandSplit, parseCallLog, parseCliSummary, splitCommand } from "./pulumiTimings";

/**
 * The real `npm run up` / `npm run down` in a throw-away copy of the project. A `pulumi` shim first on
 * PATH logs each pulumi call's start and end, so every part of a command is timed without changing it.
 */

/** Where the run's files go inside the copy (the shim, its logs, the event logs). */
const WORK_DIR = ".bench";
/** The variable naming the shim's log file; unset, the shim logs nothing. */
const CALL_LOG_ENV = "DOCKER_LAB_BENCH_PULUMI_CALLS";

/**
 * The `pulumi` shim (a POSIX shell script): logs `start PID NS ARG1 ARG2`, runs the real CLI with the
 * toolchain's variables, logs `end PID NS` and exits with the CLI's code. NS is ns since the
 * epoch from `date +%s%N`, or from perl where date has no %N (macOS).
 */
export function shimScript(toolchain: Pick<PulumiToolchain, "pulumi" | "env">): string {
    const vars = Object.entries(toolchain.env).map(([k, v]) => `${k}=${shellQuote(v)}`);
    return [
        "#!/bin/sh",
        "# docker-lab bench: logs when this pulumi call starts and ends, then runs the real CLI.",
        `now() { t=$(date +%s%N 2>/dev/null); case "$t" in ''|*[!0-9]*) perl -MTime::HiRes=time -e 'printf "%.0f\\n", time()*1e9' ;; *) echo "$t" ;; esac; }`,
        `log=\${${CALL_LOG_ENV}:-/dev/null}`,
        `echo "start $$ $(now) $1 $2" >>"$log"`,
        ...vars.map((v) => `export ${v}`),
        `${shellQuote(toolchain.pulumi)} "$@"`,
        "code=$?",
        `echo "end $$ $(now)" >>"$log"`,
        "exit $code",
        "",
    ].join("\n");
}

/** One `npm run up|down`: its parts, and what the CLI printed at the end. */
export interface LabCommandRun extends CommandSplit, CliSummary {}

/** The lab guard (what `npm run up` asks the engine before each update) on the deployed lab, timed in-process. */
export interface GuardRun {
    ms: number;
    /** What it found broken: nothing, on the whole lab a no-op up leaves. */
    damage: LabDamage[];
}

/** One run of the Pulumi phase. */
export interface PulumiRun {
    cold: LabCommandRun;
    /** The cold `pulumi up`'s critical path, or why it could not be read. */
    path: CriticalPath | { error: string };
    noop: LabCommandRun;
    /** The lab guard right after the no-op up. */
    guard: GuardRun;
    change: LabCommandRun;
    down: LabCommandRun;
}

export type PulumiPhase =
    | { available: true; cli: string; version: string; runs: PulumiRun[]; error?: string }
    | { available: false; reason: string };

/** A raw config as `pulumi config` holds it: plain values, and lists (such as `students`). */
export type BenchConfig = Record<string, string | number | readonly string[]>;

/** A config as `pulumi config set-all --json` takes it: a list as an object value (the type Pulumi.yaml declares), the rest as text. */
export function configSetAllJson(config: BenchConfig): string {
    const values = Object.entries(config).map(([key, value]) => [
        `${PROJECT_NAME}:${key}`,
        Array.isArray(value)
            ? { value: JSON.stringify(value), objectValue: value, secret: false }
            : { value: String(value), secret: false },
    ]);
    return JSON.stringify(Object.fromEntries(values));
}

/** A config's keys as `pulumi config set-all` arguments (BENCH_CONFIG by default): `--plaintext KEY=VALUE`s, or `--json` with a list among them. */
const configArgs = (config: BenchConfig = BENCH_CONFIG) =>
    Object.values(config).some((value) => Array.isArray(value))
        ? ["--json", configSetAllJson(config)]
        : Object.entries(config).flatMap(([key, value]) => ["--plaintext", `${key}=${String(value)}`]);

/** Another stack than the Pulumi phase's, for another phase: its name, config, copy prefix and clean-up. */
export interface PulumiBenchOptions<S extends Spec = LabSpec> {
    /** The stack (default PULUMI_STACK). */
    stack?: string;
    /** Its config, set with `pulumi config set-all` (default BENCH_CONFIG). */
    config?: BenchConfig;
    /** Prefix of the copy's temp folder (default docker-lab-bench-pulumi-). */
    prefix?: string;
    /** The labelled clean-up of `spec` that `close` runs (default teardownLab). */
    cleanup?: (spec: S) => Promise<unknown>;
}

/**
 * A copy of the project with the shim, ready for runs; `close` destroys the stack (when anything is
 * deployed) and removes the copy, and runs the labelled clean-up of `spec` (the stack's lab) as a safety net.
 */
export class PulumiBench<S extends Spec = LabSpec> {
    private deployed = false;
    private readonly appJs: string;
    private readonly appJsOriginal: string;
    private readonly work: string;
    private calls = 0;

    private readonly stack: string;
    private readonly config: BenchConfig;
    private readonly cleanup: (spec: S) => Promise<unknown>;

    private constructor(
        readonly copy: string,
        readonly toolchain: PulumiToolchain,
        private readonly spec: S,
        private readonly baseEnv: Record<string, string | undefined>,
        options: PulumiBenchOptions<S>,
    ) {
        this.stack = options.stack ?? PULUMI_STACK;
        this.config = options.config ?? BENCH_CONFIG;
        this.cleanup = options.cleanup ?? teardownLab;
        this.work = path.join(copy, WORK_DIR);
        this.appJs = path.join(copy, "app", "app.js");
        this.appJsOriginal = fs.readFileSync(this.appJs, "utf8");
    }

    /** Copies the project and writes the shim. `spec` is the stack's lab (or class), for the lab guard and the labelled clean-up. */
    static open<S extends Spec = LabSpec>(toolchain: PulumiToolchain, spec: S, options: PulumiBenchOptions<S> = {}): PulumiBench<S> {
        // The caller's environment without anything that would pick another backend, stack or passphrase.
        const baseEnv = copyEnv(process.env, ["PULUMI_DEBUG_COMMANDS", CALL_LOG_ENV]);
        const copy = copyProject(options.prefix ?? `${TMP_PREFIX}pulumi-`);
        try {
            const bin = path.join(copy, WORK_DIR, "bin");
            fs.mkdirSync(bin, { recursive: true });
            fs.writeFileSync(path.join(bin, "pulumi"), shimScript(toolchain), { mode: 0o755 });
            fs.mkdirSync(path.join(copy, ".pulumi-state"), { recursive: true });
            return new PulumiBench(copy, toolchain, spec, baseEnv, options);
        } catch (err) {
            removeProjectCopy(copy);
            throw err;
        }
    }

    /** `pulumi version`, as the CLI prints it. */
    async version(): Promise<string> {
        return (await this.pulumi(["version"])).output.trim();
    }

    /** Plain `pulumi …` in the copy, as a user types it (backend from Pulumi.yaml, the lab's passphrase); throws on failure. */
    private async pulumi(args: string[]): Promise<Finished> {
        const env = { ...this.baseEnv, ...this.toolchain.env, PULUMI_CONFIG_PASSPHRASE: DEFAULT_PASSPHRASE };
        const run = await runCommand(this.toolchain.pulumi, args, this.copy, env);
        if (run.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed (exit ${run.code ?? run.signal}):\n${tail(run.output)}`);
        return run;
    }

    /** `npm run <script> [-- args]` in the copy with the shim first on PATH; its parts; throws on failure. */
    private async npm(
        script: "up" | "down",
        args: string[] = [],
        extraEnv: Record<string, string> = {},
        eventLog?: string,
    ): Promise<{ run: LabCommandRun; events?: SeenLine[]; upStartMs: number; upEndMs: number }> {
        const callLog = path.join(this.work, `calls-${++this.calls}.log`);
        const follower = eventLog ? followLines(eventLog) : undefined;
        let events: SeenLine[] | undefined;
        let finished: Finished;
        try {
            finished = await this.npmScript(script, args, { ...extraEnv, [CALL_LOG_ENV]: callLog });
        } finally {
            events = follower?.stop();
        }
        const shown = `LAB_STACK=${this.stack} npm run ${script}${args.length ? ` -- ${args.join(" ")}` : ""}`;
        if (finished.code !== 0) throw new Error(`${shown} failed (exit ${finished.code ?? finished.signal}):\n${tail(finished.output)}`);
        const calls = parseCallLog(fs.existsSync(callLog) ? fs.readFileSync(callLog, "utf8") : "");
        const main = script === "up" ? "up" : "destroy";
        const split = splitCommand(finished.spawnMs, finished.exitMs, calls, main);
        const mainCall = calls.find((c) => c.command.split(" ")[0] === main)!;
        return {
            run: { ...split, ...parseCliSummary(finished.output) },
            events,
            upStartMs: mainCall.startMs,
            upEndMs: mainCall.endMs!,
        };
    }

    /**
     * `npm run <script> [-- args]` in the copy, as a user runs it there (LAB_STACK set, the shim first on
     * PATH, logging only with CALL_LOG_ENV in `extraEnv`); resolves whatever its exit code.
     */
    npmScript(
        script: string,
        args: string[] = [],
        extraEnv: Record<string, string> = {},
        onSpawn?: (pid: number) => void,
    ): Promise<Finished> {
        const env = {
            ...this.baseEnv,
            ...extraEnv,
            LAB_STACK: this.stack,
            PATH: [path.join(this.work, "bin"), this.baseEnv.PATH ?? ""].filter(Boolean).join(path.delimiter),
        };
        return runCommand("npm", ["run", script, ...(args.length ? ["--", ...args] : [])], this.copy, env, onSpawn);
    }

    /** A stack output's value (`pulumi stack output NAME --show-secrets --json`), parsed. */
    async stackOutput(name: string): Promise<unknown> {
        return JSON.parse((await this.pulumi(["stack", "output", name, "--show-secrets", "--json", "--stack", this.stack])).output);
    }

    /** One run: fresh stack, cold up (with its event log), no-op up, one-line change and up, down; the stack removed. */
    async run(index: number): Promise<PulumiRun> {
        const n = index + 1;
        fs.writeFileSync(this.appJs, this.appJsOriginal);
        await this.initStack();
        const eventLog = path.join(this.work, `cold-up-${n}.events.jsonl`);
        // --event-log is one of the CLI's debug flags: PULUMI_DEBUG_COMMANDS turns it on.
        const cold = await this.npm("up", ["--event-log", eventLog], { PULUMI_DEBUG_COMMANDS: "true" }, eventLog);
        let coldPath: PulumiRun["path"];
        try {
            const lines = (cold.events ?? []).map((l) => ({ atMs: l.atMs - cold.upStartMs, line: l.line }));
            coldPath = criticalPath(parseEventLog(lines), cold.upEndMs - cold.upStartMs);
        } catch (err) {
            coldPath = { error: (err as Error).message };
        }
        log(`pulumi run ${n}: cold npm run up ${secs(cold.run.totalMs)} (pulumi ${secs(cold.run.pulumiMs)}, ${cold.run.resources ?? "?"})`);

        const noop = (await this.npm("up")).run;
        log(`pulumi run ${n}: no-op npm run up ${secs(noop.totalMs)} (pulumi up ${secs(noop.mainMs)}, ${noop.resources ?? "?"})`);
        const guard = await this.guard();
        log(`pulumi run ${n}: lab guard ${secs(guard.ms)} (${guard.damage.length} broken)`);

        const sep = this.appJsOriginal.endsWith("\n") ? "" : "\n";
        fs.writeFileSync(this.appJs, `${this.appJsOriginal}${sep}// bench: one-line change ${n} (${new Date().toISOString()})\n`);
        const change = (await this.npm("up")).run;
        log(
            `pulumi run ${n}: one-line change npm run up ${secs(change.totalMs)} (pulumi up ${secs(change.mainMs)}, ${change.resources ?? "?"})`,
        );

        const down = await this.down();
        log(`pulumi run ${n}: npm run down ${secs(down.totalMs)} (pulumi destroy ${secs(down.mainMs)}, ${down.resources ?? "?"})`);
        await this.removeStack();
        return { cold: cold.run, path: coldPath, noop, guard, change, down };
    }

    /** `labDamage` on the stack's lab, as `npm run up` runs it before the update: its time and what it found. */
    async guard(): Promise<GuardRun> {
        const start = performance.now();
        const damage = await labDamage(this.spec);
        return { ms: performance.now() - start, damage };
    }

    /** `pulumi stack init` of the stack and its config; from then on `close` destroys it. */
    async initStack(): Promise<void> {
        await this.pulumi(["stack", "init", this.stack]);
        await this.pulumi(["config", "set-all", "--stack", this.stack, ...configArgs(this.config)]);
        this.deployed = true;
    }

    /** `npm run up [-- args]` in the copy: its parts and summary; throws on failure. */
    async up(args: string[] = []): Promise<LabCommandRun> {
        return (await this.npm("up", args)).run;
    }

    /** `npm run down` in the copy: its parts and summary; throws on failure. */
    async down(): Promise<LabCommandRun> {
        const down = (await this.npm("down")).run;
        this.deployed = false;
        return down;
    }

    /** `pulumi stack rm` of the (destroyed) stack. */
    async removeStack(): Promise<void> {
        await this.pulumi(["stack", "rm", "--yes", this.stack]);
    }

    /** Destroys what a failed run left (never throws), runs the labelled clean-up, removes the copy. */
    async close(): Promise<void> {
        if (this.deployed) {
            try {
                await this.pulumi(["cancel", "--yes", "--stack", this.stack]).catch(() => undefined);
                await this.pulumi(["destroy", "--yes", "--stack", this.stack]);
                this.deployed = false;
            } catch (err) {
                process.stderr.write(`bench: WARNING: pulumi destroy of stack ${this.stack} failed: ${(err as Error).message}\n`);
            }
        }
        try {
            await this.cleanup(this.spec);
        } catch (err) {
            process.stderr.write(`bench: WARNING: clean-up of the ${this.spec.instance} lab failed: ${(err as Error).message}\n`);
        }
        removeProjectCopy(this.copy);
    }
}
