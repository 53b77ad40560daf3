import { type CheckContext, type LessonCheck, renderCheckScript, resolveCheck, type WorkplaceContainer } from "../lab";
import { runScript } from "./shell";

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
    /** A learner's workplace container to run the check in (docker exec; env is then the docker CLI's on its engine). Default: this machine. */
    container?: WorkplaceContainer;
}

/**
 * Runs one lesson check the way the `local.Command` resource does: its rendered script under
 * /bin/sh, on this machine or in a learner's workplace container. Any runner (live tests, benchmark,
 * a verify command, the exercises) goes through here.
 */
export function runCheck(check: LessonCheck, ctx: CheckContext, options: RunCheckOptions = {}): Promise<CheckResult> {
    const script = renderCheckScript(resolveCheck(check, ctx));
    const started = process.hrtime.bigint();
    return runScript(script, { cwd: options.cwd, env: options.env, container: options.container }).then(({ status, stdout, stderr }) => ({
        id: check.id,
        section: check.section,
        title: check.title.en,
        passed: status === 0,
        status,
        stdout,
        stderr,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
    }));
}

/** Runs checks one after another (they share the engine and some inspect the same containers). */
export async function runChecks(checks: LessonCheck[], ctx: CheckContext, options: RunCheckOptions = {}): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    for (const check of checks) results.push(await runCheck(check, ctx, options));
    return results;
}

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, and hands each result to
 * `onResult` in the items' order (a result waits for the ones before it), so a caller that prints
 * as it goes prints in order. Resolves to the results in order.
 */
export async function mapInOrder<T, R>(
    items: readonly T[],
    limit: number,
    fn: (item: T) => Promise<R>,
    onResult: (item: T, result: R) => void = () => {},
): Promise<R[]> {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit ${limit}: must be a whole number of at least 1`);
    const results: R[] = new Array(items.length);
    const done: boolean[] = new Array(items.length).fill(false);
    let next = 0;
    let reported = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            results[i] = await fn(items[i]);
            done[i] = true;
            while (reported < items.length && done[reported]) {
                onResult(items[reported], results[reported]);
                reported++;
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}
