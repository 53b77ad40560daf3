import type { CheckResult } from "../../engine";
import {
    appContainers,
    type ContainerSpec,
    isClassSpec,
    type LessonCheck,
    labsOf,
    NOTES_SECTIONS,
    PASS_MARKER,
    type RosterEntry,
    resolveCheck,
    rosterOf,
    type Spec,
} from "../../lab";

/** What the report shows, computed from a verify run: per-check output, sections in the notes' order, durations and times. */

/** One check's outcome with the check's own data, as `npm run verify` and the lab report show it. */
export interface VerifiedCheck {
    check: LessonCheck;
    result: CheckResult;
    /** The image reference the check ran against: in a class, the class digest in its student's repository. */
    imageRef: string;
    /** Set when the check ran in `pulumi up` (whose run is not timed one check at a time): when, as an ISO time. */
    ranInUp?: string;
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
    spec: Spec;
}

/** Output shown per check: at most this many lines and characters; the rest is cut with a note. */
const REPORT_OUTPUT_MAX_LINES = 15;
const REPORT_OUTPUT_MAX_CHARS = 2000;

export interface TrimmedOutput {
    text: string;
    /** Lines left out (0 when nothing was cut). */
    omittedLines: number;
    /** Characters left out (0 when nothing was cut). */
    omittedChars: number;
}

/** The first `maxLines` lines and at most `maxChars` characters of `text`, trailing blank lines dropped. */
export function trimOutput(text: string, maxLines = REPORT_OUTPUT_MAX_LINES, maxChars = REPORT_OUTPUT_MAX_CHARS): TrimmedOutput {
    const all = text.replace(/\r\n/g, "\n").replace(/\s+$/, "");
    const lines = all === "" ? [] : all.split("\n");
    let kept = lines.slice(0, maxLines).join("\n");
    if (kept.length > maxChars) kept = kept.slice(0, maxChars);
    const keptLines = kept === "" ? 0 : kept.split("\n").length;
    return { text: kept, omittedLines: lines.length - keptLines, omittedChars: all.length - kept.length };
}

/** What a check printed: stdout without the pass marker line, or the failure report for a failed check. */
export function checkOutput(verified: VerifiedCheck): TrimmedOutput {
    const { result } = verified;
    if (result.passed) {
        const lines = result.stdout.replace(/\r\n/g, "\n").split("\n");
        const body = lines[0]?.startsWith(PASS_MARKER) ? lines.slice(1) : lines;
        return trimOutput(body.join("\n"));
    }
    const report = result.stderr.trim() !== "" ? result.stderr : result.stdout;
    return trimOutput(report === "" ? `exit status ${result.status}, no output` : report);
}

/** The check's command with the image reference filled in, as it ran; the template when the reference is not usable. */
export function checkCommand(check: LessonCheck, imageRef: string): string {
    try {
        return resolveCheck(check, { imageRef }).command;
    } catch {
        return check.command;
    }
}

/** `sha256:` and the first 12 hex digits of a digest, from a digest or a `repository@sha256:...` reference. */
export function shortDigest(refOrDigest: string): string | undefined {
    const m = /sha256:([0-9a-f]{12})[0-9a-f]*/i.exec(refOrDigest);
    return m ? `sha256:${m[1].toLowerCase()}` : undefined;
}

export interface ReportSection {
    /** Section number in the notes, e.g. `01.02`. */
    id: string;
    /** The notes' heading, e.g. `01.02 容器 container`. */
    heading: string;
    checks: VerifiedCheck[];
    passed: number;
    failed: number;
}

/** The report's checks grouped by notes section, in the order of the notes; sections the notes lack come last. */
export function reportSections(report: VerifyReport): ReportSection[] {
    const ids = Object.keys(NOTES_SECTIONS);
    for (const v of report.checks) if (!ids.includes(v.check.section)) ids.push(v.check.section);
    return ids.map((id) => {
        const checks = report.checks.filter((v) => v.check.section === id);
        const passed = checks.filter((v) => v.result.passed).length;
        return { id, heading: NOTES_SECTIONS[id] ?? checks[0]?.check.heading ?? id, checks, passed, failed: checks.length - passed };
    });
}

/** How long a check took, or, for one that ran in `pulumi up`, when it ran there. */
export function checkTiming(v: VerifiedCheck): string {
    return v.ranInUp === undefined ? formatDuration(v.result.durationMs) : `ran in pulumi up at ${formatTime(v.ranInUp)}`;
}

/** "412 ms" or "3.2 s". */
export function formatDuration(ms: number): string {
    if (!Number.isFinite(ms) || ms < 0) return "n/a";
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `2025-11-28 03:57:12 UTC` from an ISO time; the input unchanged when it is not a date. */
export function formatTime(iso: string): string {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return iso;
    return `${new Date(t).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function overall(report: VerifyReport): "PASS" | "FAIL" {
    return report.failed === 0 ? "PASS" : "FAIL";
}

export function countText(passed: number, failed: number): string {
    const total = passed + failed;
    return `${passed} of ${total} passed${failed > 0 ? `, ${failed} failed` : ""}`;
}

export function cutNote(out: TrimmedOutput): string | undefined {
    if (out.omittedLines === 0 && out.omittedChars === 0) return undefined;
    return out.omittedLines > 0
        ? `… ${out.omittedLines} more line${out.omittedLines === 1 ? "" : "s"} not shown`
        : `… ${out.omittedChars} more characters not shown`;
}

/** One student's row of a class report's roster: where their lab is, what it ran, how its checks went. */
export interface RosterRow extends RosterEntry {
    /** What the student's app ran: the class digest in the student's repository, as verify used it. */
    imageRef: string;
    passed: number;
    failed: number;
}

/** The roster of a class report: one row per student whose checks ran, in class order; empty for one learner. */
export function reportRoster(report: VerifyReport): RosterRow[] {
    return rosterOf(report.spec).flatMap((entry) => {
        const checks = report.checks.filter((v) => v.check.student === entry.student);
        if (checks.length === 0) return [];
        const passed = checks.filter((v) => v.result.passed).length;
        return [{ ...entry, imageRef: checks[0].imageRef, passed, failed: checks.length - passed }];
    });
}

/** The one learner's app containers, in replica order; none for a class (each student's are in the roster) or where the mode names none. */
export function reportReplicas(spec: Spec): ContainerSpec[] {
    return isClassSpec(spec) ? [] : appContainers(spec);
}

/** Every app URL of the lab: its own, or in a class every student's. */
export function reportAppUrls(report: VerifyReport): string[] {
    return labsOf(report.spec).flatMap((lab) => lab.appUrls);
}

/** How a check is named in the report: its title, after its student's name in a class. */
export function checkHeading(check: LessonCheck): string {
    return check.student === undefined ? check.title.en : `${check.student}: ${check.title.en}`;
}
