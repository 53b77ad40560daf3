import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";

/** The bench's child processes: run in their own process group, stoppable on a signal, and a file followed as it grows. */

/** A command that has not ended by then is stopped (its process group), and the run fails. */
const COMMAND_TIMEOUT_MS = 15 * 60 * 1000;

export interface Finished {
    code: number | null;
    signal: NodeJS.Signals | null;
    /** stdout and stderr as they arrived. */
    output: string;
    /** ms since the epoch. */
    spawnMs: number;
    exitMs: number;
}

/** Children running now, each in its own process group (pid = group id), so a signal can stop the whole tree. */
const running = new Map<number, Promise<Finished>>();

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
    if (pid === undefined) return;
    try {
        process.kill(-pid, signal);
    } catch {
        // already gone
    }
}

/**
 * Runs a command in its own process group with its output collected; resolves when it ends, whatever its exit code.
 * `onSpawn` gets its pid, for a server the caller stops itself (stopCommand).
 */
export function runCommand(
    file: string,
    args: string[],
    cwd: string,
    env: Record<string, string | undefined>,
    onSpawn?: (pid: number) => void,
): Promise<Finished> {
    return new Promise((resolve, reject) => {
        const spawnMs = Date.now();
        let child: ChildProcess;
        try {
            child = spawn(file, args, { cwd, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
        } catch (err) {
            reject(err);
            return;
        }
        let output = "";
        child.stdout?.on("data", (chunk: Buffer) => {
            output += chunk;
        });
        child.stderr?.on("data", (chunk: Buffer) => {
            output += chunk;
        });
        const timer = setTimeout(() => {
            output += `\n[bench: stopped after ${COMMAND_TIMEOUT_MS / 60_000} min]\n`;
            signalGroup(child.pid, "SIGTERM");
        }, COMMAND_TIMEOUT_MS);
        const done = new Promise<Finished>((res) => {
            child.on("close", (code, signal) => {
                clearTimeout(timer);
                res({ code, signal, output, spawnMs, exitMs: Date.now() });
            });
        });
        child.on("error", (err) => {
            clearTimeout(timer);
            reject(err);
        });
        if (child.pid !== undefined) {
            const pid = child.pid;
            onSpawn?.(pid);
            running.set(pid, done);
            void done.finally(() => running.delete(pid));
        }
        done.then(resolve);
    });
}

/**
 * Stops the commands still running (on SIGINT/SIGTERM of the bench): SIGINT to each one's process
 * group, as Ctrl-C would, so Pulumi cancels cleanly; SIGKILL after 20 s.
 */
export async function stopRunningCommands(): Promise<void> {
    const pids = [...running.keys()];
    for (const pid of pids) signalGroup(pid, "SIGINT");
    const timeout = new Promise((res) => setTimeout(res, 20_000).unref());
    await Promise.race([Promise.all(pids.map((pid) => running.get(pid))), timeout]);
    for (const pid of running.keys()) signalGroup(pid, "SIGKILL");
}

/** Stops a command started with runCommand, as Ctrl-C would (SIGINT to its process group), and waits for its end. */
export async function stopCommand(pid: number, finished: Promise<Finished>): Promise<Finished> {
    signalGroup(pid, "SIGINT");
    return finished;
}

/** The end of a command's output, for an error message. */
export const tail = (output: string, lines = 25) => output.trimEnd().split("\n").slice(-lines).join("\n");

/** One line of a followed file, stamped with the time it was seen (ms since the epoch). */
export interface SeenLine {
    atMs: number;
    line: string;
}

/**
 * Follows a file as another process appends lines to it, stamping each complete line when it is seen
 * (polled every 20 ms); `stop` reads what is left and returns the lines.
 */
export function followLines(file: string): { stop: () => SeenLine[] } {
    const lines: SeenLine[] = [];
    let offset = 0;
    let partial = "";
    const read = () => {
        let fd: number;
        try {
            fd = fs.openSync(file, "r");
        } catch {
            return; // not created yet
        }
        try {
            const size = fs.fstatSync(fd).size;
            if (size <= offset) return;
            const buf = Buffer.alloc(size - offset);
            const n = fs.readSync(fd, buf, 0, buf.length, offset);
            offset += n;
            const atMs = Date.now();
            const text = partial + buf.subarray(0, n).toString("utf8");
            const parts = text.split("\n");
            partial = parts.pop() ?? "";
            for (const line of parts) lines.push({ atMs, line });
        } finally {
            fs.closeSync(fd);
        }
    };
    const timer = setInterval(read, 20);
    return {
        stop: () => {
            clearInterval(timer);
            read();
            if (partial) lines.push({ atMs: Date.now(), line: partial });
            return lines;
        },
    };
}
