import { spawn } from "node:child_process";
import { type CheckContext, type LessonCheck, renderCheckScript, resolveCheck } from "../lab";

/** What one run of a lesson check produced. */
export interface CheckResult {
    id: string;
    section: string;
    title: string;
    passed: boolean;
    /** Exit status of the check script. */
    status: number | null;
    stdout: string;
    /** The failure report (step, command, expected, got) when the check failed. */
    stderr: string;
    durationMs: number;
}

export interface RunCheckOptions {
    /** Extra environment for the docker CLI (DOCKER_HOST). Default: none. */
    env?: Record<string, string>;
    /** Working directory; checks read app files relative to the project root. Default: process.cwd(). */
    cwd?: string;
}

/**
 * Runs one lesson check the way the `local.Command` resource does: its rendered script under
 * /bin/sh. Any runner (live tests, benchmark, a verify command) goes through here.
 */
export function runCheck(check: LessonCheck, ctx: CheckContext, options: RunCheckOptions = {}): Promise<CheckResult> {
    const script = renderCheckScript(resolveCheck(check, ctx));
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
        const child = spawn("/bin/sh", ["-c", script], {
            cwd: options.cwd,
            env: { ...process.env, ...options.env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => {
            stdout += d;
        });
        child.stderr.on("data", (d) => {
            stderr += d;
        });
        child.on("error", reject);
        child.on("close", (status) => {
            resolve({
                id: check.id,
                section: check.section,
                title: check.title,
                passed: status === 0,
                status,
                stdout,
                stderr,
                durationMs: Number(process.hrtime.bigint() - started) / 1e6,
            });
        });
    });
}

/** Runs checks one after another (they share the engine and some inspect the same containers). */
export async function runChecks(checks: LessonCheck[], ctx: CheckContext, options: RunCheckOptions = {}): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    for (const check of checks) results.push(await runCheck(check, ctx, options));
    return results;
}
