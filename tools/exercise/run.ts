import { runScript } from "../../engine";
import type { WorkplaceContainer } from "../../lab";

/** Runs the shell commands of solutions and resets, showing their output as it comes. */

export interface ShellResult {
    command: string;
    status: number | null;
    /** stdout and stderr, interleaved as they came. */
    output: string;
}

/**
 * Runs `command` under /bin/sh where the learner works: in `cwd` with the lab's environment added,
 * or in their workplace `container` (env is then the docker CLI's). Each complete line of its output
 * goes to `onLine` as soon as it arrives (a build shows its steps while it runs).
 */
export async function runShell(
    command: string,
    options: { cwd: string; env: Record<string, string>; container?: WorkplaceContainer; onLine?: (line: string) => void },
): Promise<ShellResult> {
    const { status, output } = await runScript(command, options);
    return { command, status, output };
}
