import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";

/**
 * Running commands as a user does (npm run …, pulumi …) for the e2e suite: capture their output,
 * describe a failure with the command, its exit code and the end of its output, and kill a whole
 * process tree the way a dying laptop does.
 */

export interface CommandRun {
    /** The command line as a user would type it, with the variables that differ from the test's own environment. */
    command: string;
    /** Exit code; null when a signal ended it. */
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    /** stdout and stderr interleaved as they arrived. */
    output: string;
    ms: number;
}

export interface RunOptions {
    cwd: string;
    env: Record<string, string | undefined>;
    /** Shown before the command in messages, e.g. "LAB_STACK=e2e". */
    shownEnv?: string;
    /** Killed (whole tree) after this long. Default 280 s. */
    timeoutMs?: number;
    /** Its own process group, for a kill in the middle of it. */
    detached?: boolean;
    /** Called with the pid right after the start. */
    onStart?: (pid: number) => void;
}

/** Runs `file args…` to the end; never rejects for a non-zero exit. */
export function runCommand(file: string, args: string[], options: RunOptions): Promise<CommandRun> {
    const command = [options.shownEnv, file, ...args].filter(Boolean).join(" ");
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, {
            cwd: options.cwd,
            env: options.env as NodeJS.ProcessEnv,
            stdio: ["ignore", "pipe", "pipe"],
            detached: options.detached ?? false,
        });
        let stdout = "";
        let stderr = "";
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => {
            stdout += chunk;
            output += chunk;
        });
        child.stderr.on("data", (chunk: Buffer) => {
            stderr += chunk;
            output += chunk;
        });
        const timer = setTimeout(() => {
            output += `\n[e2e: ${command} still running after ${(options.timeoutMs ?? 280_000) / 1000} s: killed]\n`;
            if (child.pid) killTree(child.pid);
        }, options.timeoutMs ?? 280_000);
        child.on("error", (err) => {
            clearTimeout(timer);
            reject(new Error(`could not start ${command}: ${err.message}`));
        });
        child.on("spawn", () => child.pid && options.onStart?.(child.pid));
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ command, code, signal, stdout, stderr, output, ms: Date.now() - started });
        });
    });
}

/** The last `n` lines of a command's output. */
export function tail(text: string, n = 40): string {
    return text.trimEnd().split("\n").slice(-n).join("\n");
}

/** One message for a command that did not end as expected: the command, its exit and the last 40 lines of its output. */
export function describeRun(run: CommandRun, expected: string): string {
    const ended = run.code !== null ? `exited ${run.code}` : `was killed by ${run.signal}`;
    // Pulumi prints a failed resource's error far above its summary: the error lines first, each once.
    const errors = [
        ...new Set(
            run.output
                .split("\n")
                .filter((line) => /\berror:/.test(line))
                .map((line) => line.trim()),
        ),
    ].slice(0, 10);
    const errorLines = errors.length > 0 ? `; its error lines:\n${errors.join("\n")}\n` : "";
    return `${run.command} ${ended} (expected ${expected}) after ${(run.ms / 1000).toFixed(1)} s${errorLines}; last 40 lines of its output:\n${tail(run.output)}`;
}

/** Throws with describeRun unless the command exited 0. */
export function expectSuccess(run: CommandRun): CommandRun {
    if (run.code !== 0) throw new Error(describeRun(run, "exit 0"));
    return run;
}

/** Throws with describeRun unless the command exited with `code`. */
export function expectExitCode(run: CommandRun, code: number): CommandRun {
    if (run.code !== code) throw new Error(describeRun(run, `exit ${code}`));
    return run;
}

/** Throws with describeRun unless the command failed and its output matches `pattern`. */
export function expectFailure(run: CommandRun, pattern: RegExp): CommandRun {
    if (run.code === 0 || run.code === null) throw new Error(describeRun(run, `a non-zero exit, with output matching ${pattern}`));
    if (!pattern.test(run.output)) throw new Error(describeRun(run, `output matching ${pattern}`));
    return run;
}

/** Throws with describeRun unless the command's output matches `pattern`. */
export function expectOutput(run: CommandRun, pattern: RegExp): RegExpMatchArray {
    const match = run.output.match(pattern);
    if (!match) throw new Error(describeRun(run, `output matching ${pattern}`));
    return match;
}

/** Parent pid of every process, from /proc/<pid>/stat (field 4, after the command name in parentheses). */
export function parentPids(): Map<number, number> {
    const parents = new Map<number, number>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            // The name may hold spaces and parentheses: the fields after it start after the last ')'.
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            parents.set(Number(entry), Number(fields[1]));
        } catch {
            // Gone while we looked.
        }
    }
    return parents;
}

/** `root` and every process below it, root first (walks ppid links, so it crosses process groups and sessions). */
export function processTree(root: number, parents: Map<number, number> = parentPids()): number[] {
    const children = new Map<number, number[]>();
    for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    const tree: number[] = [];
    const queue = [root];
    while (queue.length > 0) {
        const pid = queue.shift()!;
        if (tree.includes(pid)) continue;
        tree.push(pid);
        queue.push(...(children.get(pid) ?? []));
    }
    return tree;
}

/**
 * Kills `root` and every descendant with SIGKILL, as when the machine dies: the tree is collected
 * first (a killed parent's children are re-parented and could not be found any more). Returns the pids killed.
 */
export function killTree(root: number): number[] {
    const tree = processTree(root);
    const killed: number[] = [];
    for (const pid of tree) {
        try {
            process.kill(pid, "SIGKILL");
            killed.push(pid);
        } catch {
            // Already gone.
        }
    }
    return killed;
}

/** Whether a process still exists (a zombie counts as gone). */
export function alive(pid: number): boolean {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
    } catch {
        return false;
    }
}

/** GET a URL; status and body. */
export function httpGet(url: string, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = http.get(url, { timeout: timeoutMs }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
                body += chunk;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
        req.on("error", reject);
    });
}

export { sleep } from "../../rig";
