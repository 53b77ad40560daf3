import { type CheckResult, runCheck } from "../engine";
import type { LabSpec, LessonCheck } from "../lab";

/** One check's outcome with the check's own data, as `npm run verify` and the lab report show it. */
export interface VerifiedCheck {
    check: LessonCheck;
    result: CheckResult;
}

/** The result of verifying one running lab. */
export interface VerifyReport {
    /** Instance id of the lab, e.g. docker-lab-dev. */
    instance: string;
    /** ISO time the verification started. */
    startedAt: string;
    /** Engine address and server version, e.g. "unix:///var/run/docker.sock (Docker 20.10.24)". */
    engine: string;
    /** repository@sha256:... of the image the checks ran against. */
    imageRef: string;
    passed: number;
    failed: number;
    durationMs: number;
    checks: VerifiedCheck[];
    /** The lab the checks ran against (names, ports, URLs), for the report's picture. */
    spec: LabSpec;
}

export interface VerifyOptions {
    /** Project root: checks read app files relative to it. */
    cwd: string;
    /** How the engine is described in the report. */
    engine: string;
    /** Called after each check, for progress output. */
    onResult?: (verified: VerifiedCheck) => void;
    /** Clock, injectable for tests. Default: Date.now. */
    now?: () => number;
}

/** Runs every lesson check of the lab against the running lab, changing nothing that the lab owns. */
export async function verifyLab(spec: LabSpec, imageRef: string, options: VerifyOptions): Promise<VerifyReport> {
    const now = options.now ?? Date.now;
    const started = now();
    const checks: VerifiedCheck[] = [];
    for (const check of spec.checks) {
        const result = await runCheck(check, { imageRef }, { cwd: options.cwd, env: spec.commandEnv });
        const verified = { check, result };
        checks.push(verified);
        options.onResult?.(verified);
    }
    const passed = checks.filter((c) => c.result.passed).length;
    return {
        instance: spec.instance,
        startedAt: new Date(started).toISOString(),
        engine: options.engine,
        imageRef,
        passed,
        failed: checks.length - passed,
        durationMs: now() - started,
        checks,
        spec,
    };
}
