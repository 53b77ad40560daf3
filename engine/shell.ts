import { spawn } from "node:child_process";
import type { WorkplaceContainer } from "../lab";

/**
 * The one runner of child processes that are waited for: lesson checks, exercise solutions, the lab's
 * shell commands in the harness and the bench's helpers all start here, so they share one way of
 * passing the environment and collecting output.
 */

/** How a process ended and what it printed. */
export interface ProcessRun {
    /** Exit status; null when a signal ended it. */
    status: number | null;
    stdout: string;
    stderr: string;
    /** stdout and stderr, interleaved as they came. */
    output: string;
}

export interface ProcessOptions {
    /** Working directory. Default: this process's. */
    cwd?: string;
    /** Added to this process's environment. Default: none. */
    env?: Record<string, string | undefined>;
    /** Each complete line of the output as soon as it arrives (a build shows its steps while it runs), then an unterminated last one. */
    onLine?: (line: string) => void;
}

/** Runs `file` with `args` (no shell; stdin is /dev/null) to its end. Rejects only when it cannot start. */
export function runProcess(file: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
        const run: Omit<ProcessRun, "status"> = { stdout: "", stderr: "", output: "" };
        let partial = "";
        const take = (stream: "stdout" | "stderr") => (text: string) => {
            run[stream] += text;
            run.output += text;
            partial += text;
            const lines = partial.split(/\r?\n/);
            partial = lines.pop() ?? "";
            for (const line of lines) options.onLine?.(line);
        };
        // A decoder per stream, so a character split across two chunks stays whole.
        child.stdout.setEncoding("utf8").on("data", take("stdout"));
        child.stderr.setEncoding("utf8").on("data", take("stderr"));
        child.on("error", reject);
        child.on("close", (status) => {
            if (partial !== "") options.onLine?.(partial);
            resolve({ status, ...run });
        });
    });
}

/** Runs `command` under /bin/sh -c, as the lab's local.Command resources run theirs. */
export function runShellCommand(command: string, options: ProcessOptions = {}): Promise<ProcessRun> {
    return runProcess("/bin/sh", ["-c", command], options);
}

/**
 * Runs `script` under /bin/sh where a learner works: on this machine (in options.cwd), or in a running
 * `container` with `docker exec`, as its user from its home (options.env is then the docker CLI's, on
 * the engine that runs the container).
 */
export function runScript(script: string, options: ProcessOptions & { container?: WorkplaceContainer } = {}): Promise<ProcessRun> {
    const { container, ...rest } = options;
    if (container === undefined) return runShellCommand(script, rest);
    const exec = ["exec", "--user", container.user, "--workdir", container.home, container.name];
    return runProcess("docker", [...exec, "/bin/sh", "-c", script], rest);
}

/** The stdout of `file args` when it exits 0; otherwise throws `<what> failed: <its stderr, or how it ended>`. */
export async function stdoutOf(file: string, args: readonly string[], what: string, options: ProcessOptions = {}): Promise<string> {
    let run: ProcessRun;
    try {
        run = await runProcess(file, args, options);
    } catch (err) {
        throw new Error(`${what} failed: ${(err as Error).message}`);
    }
    if (run.status === 0) return run.stdout;
    const ended = run.status === null ? "ended by a signal" : `exit status ${run.status}`;
    throw new Error(`${what} failed: ${run.stderr.trim() || ended}`);
}
