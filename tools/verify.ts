import * as path from "node:path";
import { docker, mapInOrder, PROJECT_ROOT, repoDigestOf, runCheck } from "../engine";
import { isClassSpec, type LessonCheck, labImageRef, labsOf, registryAuthEnv, type SharedSpec, type Spec, studentLab } from "../lab";
import { parseArgs, stackAndConfig } from "./args";
import { damageHeading, describeDamage, labDamage } from "./labGuard";
import { probeRegistryLogin, registryPassword } from "./registryLogin";
import { checkTiming, formatDuration, type VerifiedCheck, type VerifyReport, writeLabReport } from "./report";
import { specForStack } from "./stack";
import { stackOutput } from "./stackOutput";
import { checkKey } from "./upChecks";

/**
 * Verifying a running lab: `verifyLab` runs every lesson check against it and collects a report;
 * `verifyCommand` is `npm run verify` around it.
 */

export interface VerifyOptions {
    /** Project root: checks read app files relative to it. */
    cwd: string;
    /** How the engine is described in the report. */
    engine: string;
    /** Called after each check, for progress output. */
    onResult?: (verified: VerifiedCheck) => void;
    /** Clock, injectable for tests. Default: Date.now. */
    now?: () => number;
    /** In a class: check this student's lab only. Default: every student's. */
    student?: string;
    /** With registryAuth: the registry password, given to the checks in their environment (never their text). Default: none. */
    registryPassword?: string;
    /** Checks that already ran (in `pulumi up`), by checkKey: kept as they are, not run again. Default: none. */
    done?: ReadonlyMap<string, VerifiedCheck>;
}

/** Checks of a one-learner lab verified at once: a few at a time keep a small engine responsive and still save most of the wait. */
export const VERIFY_CONCURRENCY = 4;

/**
 * Runs every lesson check of the lab against the running lab, changing nothing that the lab owns.
 * A class's students are verified side by side (each student's checks in order, as `pulumi up` runs
 * them: no student's checks touch another's objects), the results in class order; `imageRef` is the
 * class image, which each student's repository holds under the same digest.
 */
export async function verifyLab(spec: Spec, imageRef: string, options: VerifyOptions): Promise<VerifyReport> {
    const now = options.now ?? Date.now;
    const started = now();
    const labs = options.student === undefined ? labsOf(spec) : [studentLab(spec, options.student)];
    const perLab = await Promise.all(
        labs.map(async (lab) => {
            const ref = lab === spec ? imageRef : labImageRef(lab, imageRef);
            const auth = lab.registry.auth;
            const env =
                auth && options.registryPassword !== undefined
                    ? { ...lab.commandEnv, ...registryAuthEnv(auth.user, options.registryPassword) }
                    : lab.commandEnv;
            const done = (check: LessonCheck) => options.done?.get(checkKey(check));
            for (const check of lab.checks) {
                const earlier = done(check);
                if (earlier) options.onResult?.(earlier);
            }
            const toRun = lab.checks.filter((check) => !done(check));
            // One lab's checks run side by side, as `pulumi up` runs them; a class's students side by side, each
            // student's checks one after another (as up runs them too: a class's checks all at once overload the engine).
            const results = await mapInOrder(
                toRun,
                labs.length === 1 ? VERIFY_CONCURRENCY : 1,
                (check) => runCheck(check, { imageRef: ref }, { cwd: options.cwd, env }),
                (check, result) => options.onResult?.({ check, result, imageRef: ref }),
            );
            const ran = new Map(
                toRun.map((check, i): [LessonCheck, VerifiedCheck] => [check, { check, result: results[i], imageRef: ref }]),
            );
            return lab.checks.map((check) => done(check) ?? (ran.get(check) as VerifiedCheck));
        }),
    );
    const checks = perLab.flat();
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

export interface VerifyArgs {
    stack: string;
    /** In a class: the one student to verify. */
    student?: string;
    /** Raw config values overriding the stack's file (as `pulumi config` holds them). */
    config?: Record<string, string>;
    json: boolean;
    report: boolean;
}

const VERIFY_ARGS = { options: { stack: "NAME", student: "NAME", config: "JSON", json: true, "no-report": true } } as const;

export function parseVerifyArgs(argv: string[], env: Record<string, string | undefined>): VerifyArgs {
    const { options } = parseArgs(argv, VERIFY_ARGS);
    return {
        ...stackAndConfig(options, env),
        ...(options.student === undefined ? {} : { student: options.student }),
        json: options.json === true,
        report: options["no-report"] !== true,
    };
}

/** The image digest the stack exported, if a Pulumi CLI is at hand and the stack has outputs. */
function imageRefFromStackOutputs(stack: string): string | undefined {
    const out = stackOutput(stack, "imageRef");
    return "value" in out && out.value.includes("@sha256:") ? out.value : undefined;
}

async function describeEngine(spec: SharedSpec): Promise<string> {
    const where = spec.dockerHost || process.env.DOCKER_HOST || "the default engine";
    const version = await docker(["version", "--format", "Docker {{.Server.Version}}, API {{.Server.APIVersion}}"], spec.commandEnv);
    return version.status === 0 ? `${where} (${version.stdout.trim()})` : where;
}

export function formatCheckLine(v: VerifiedCheck): string {
    const mark = v.result.passed ? "✓" : "✗";
    const who = v.check.student === undefined ? "" : `${v.check.student}: `;
    return `${mark} ${v.check.section.padEnd(5)} ${who}${v.check.title.en} (${checkTiming(v)})`;
}

/** Where a report's checks ran: here (and how long that took), in `pulumi up`, or some in each. */
export function whereRun(report: VerifyReport): string {
    const inUp = report.checks.filter((v) => v.ranInUp !== undefined).length;
    if (inUp === 0) return `in ${formatDuration(report.durationMs)}`;
    if (inUp === report.checks.length) return "in pulumi up";
    return `in ${formatDuration(report.durationMs)} (${inUp} of them in pulumi up)`;
}

/** The first line of a verify run: which lab (or class, or student), how many checks, which image. */
export function verifyHeading(spec: Spec, imageRef: string, student?: string): string {
    if (student !== undefined) {
        const lab = studentLab(spec, student);
        return `verifying ${student}'s lab in class ${spec.instance} (${lab.checks.length} checks) against ${labImageRef(lab, imageRef)}`;
    }
    if (isClassSpec(spec)) {
        const checks = spec.students.reduce((n, lab) => n + lab.checks.length, 0);
        const students = spec.students.length;
        return `verifying class ${spec.instance}: ${students} student${students === 1 ? "" : "s"} (${checks} checks) against ${imageRef}`;
    }
    return `verifying lab ${spec.instance} (${spec.checks.length} checks) against ${imageRef}`;
}

/**
 * `npm run verify [-- --stack NAME] [--student NAME] [--config JSON] [--json] [--no-report]`: re-runs
 * every lesson check against the running lab without changing it (in a class every student's, or
 * with --student one student's), prints one line per check and a summary, writes the lab report,
 * and exits non-zero when a check fails.
 *
 * The lab is the stack's: its config from Pulumi.<stack>.yaml (or --config, for a lab made by the
 * live harness), its image digest from the stack outputs, else from the engine.
 * A lab broken by hand (a container stopped or removed, the image tag deleted) is reported first,
 * one line per broken object with how to restore it; without its image tag no check can run (exit 2).
 * Returns its exit code (0 all passed, 1 a check failed).
 */
export async function verifyCommand(argv: string[]): Promise<number> {
    return verifyStack(parseVerifyArgs(argv, process.env));
}

/** What `npm run up` hands verify: the checks the update ran, and the image it read from the state. */
export interface AfterUp {
    /** Checks that ran in `pulumi up`, by checkKey: reported as they ran there, not run again. */
    done: ReadonlyMap<string, VerifiedCheck>;
    /** The pushed image, as the stack exports it. */
    imageRef: string;
    /** Print one line per check run here only (the update's own are summed up by the caller). Default: every check's line. */
    quietDone?: boolean;
}

/** `npm run verify` of `args.stack`, or after `npm run up` the checks the update did not run (`afterUp`). */
export async function verifyStack(args: VerifyArgs, afterUp?: AfterUp): Promise<number> {
    const spec = specForStack(args.stack, args.config);
    const log = (line: string) => (args.json ? process.stderr : process.stdout).write(`${line}\n`);
    // What the learner broke by hand, and how to restore it, before checks fail for that reason.
    const damage = await labDamage(spec);
    if (damage.length > 0) {
        log(`✗ ${damageHeading(spec.instance, "en")}`);
        for (const d of damage) log(`  - ${describeDamage(d, args.stack, "en")}`);
        if (damage.some((d) => d.kind === "image-tag-missing")) return 2;
    }
    const toRun = labsOf(spec).flatMap((lab) => lab.checks.filter((check) => !afterUp?.done.has(checkKey(check))));
    // registryAuth: the password (LAB_REGISTRY_PASSWORD, else the stack's secret output), tried once
    // before any check, so a missing or wrong one is one line instead of every registry check failing.
    let password: string | undefined;
    if (spec.registry.auth && toRun.length > 0) {
        const lookup = registryPassword(args.stack);
        const problem = "problem" in lookup ? lookup.problem : await probeRegistryLogin(spec, lookup.password);
        if (problem) {
            log(`✗ ${problem}`);
            return 2;
        }
        password = "password" in lookup ? lookup.password : undefined;
    }
    const imageRef = afterUp?.imageRef ?? imageRefFromStackOutputs(args.stack) ?? (await repoDigestOf(spec));
    if (!afterUp?.quietDone || toRun.length > 0) log(verifyHeading(spec, imageRef, args.student));
    const report: VerifyReport = await verifyLab(spec, imageRef, {
        cwd: PROJECT_ROOT,
        student: args.student,
        registryPassword: password,
        engine: await describeEngine(spec),
        done: afterUp?.done,
        onResult: (v) => {
            if (afterUp?.quietDone && v.ranInUp !== undefined) return;
            log(formatCheckLine(v));
            if (!v.result.passed) log(v.result.stderr.replace(/^/gm, "    ").trimEnd());
        },
    });
    if (args.report) {
        const files = writeLabReport(report, PROJECT_ROOT);
        log(`lab report: ${path.relative(PROJECT_ROOT, files.html)}, ${path.relative(PROJECT_ROOT, files.markdown)}`);
    }
    log(`${report.passed} passed, ${report.failed} failed ${whereRun(report)}`);
    if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.failed === 0 ? 0 : 1;
}
