import { spawn } from "node:child_process";

/** Runs the shell commands of solutions and resets, showing their output as it comes. */

export interface ShellResult {
    command: string;
    status: number | null;
    /** stdout and stderr, interleaved as they came. */
    output: string;
}

/**
 * Runs `command` under /bin/sh in `cwd` with the lab's environment added. Each complete line of
 * its output goes to `onLine` as soon as it arrives (a build shows its steps while it runs).
 */
export function runShell(
    command: string,
    options: { cwd: string; env: Record<string, string>; onLine?: (line: string) => void },
): Promise<ShellResult> {
    return new Promise((resolve, reject) => {
        const child = spawn("/bin/sh", ["-c", command], {
            cwd: options.cwd,
            env: { ...process.env, ...options.env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        let partial = "";
        const take = (chunk: Buffer) => {
            const text = chunk.toString("utf8");
            output += text;
            partial += text;
            const lines = partial.split(/\r?\n/);
            partial = lines.pop() ?? "";
            for (const line of lines) options.onLine?.(line);
        };
        child.stdout.on("data", take);
        child.stderr.on("data", take);
        child.on("error", reject);
        child.on("close", (status) => {
            if (partial !== "") options.onLine?.(partial);
            resolve({ command, status, output });
        });
    });
}
