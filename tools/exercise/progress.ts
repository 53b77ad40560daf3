import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The learner's progress on one stack's exercises, in a small JSON file (exerciseProgressFile:
 * `.docker-lab/progress-<stack>.json`, in a class one per student; git-ignored). It records only
 * what the learner did; the lab itself is never read or changed here.
 */

export interface ExerciseProgress {
    /** The last check passed (and no reset since). */
    done: boolean;
    /** Checks that failed since the last reset: the next failure shows hint number failedChecks + 1. */
    failedChecks: number;
    /** ISO time of the first passing check. */
    doneAt?: string;
    /** Set when `solve` (not the learner) made the check pass. */
    solvedByReference?: boolean;
    /** Checks run since the last reset, passed or not (files from before it was kept: failures plus a pass). */
    attempts?: number;
}

export interface Progress {
    version: 1;
    stack: string;
    /** The student whose progress it is, in a class. */
    student?: string;
    exercises: Record<string, ExerciseProgress>;
}

export interface LoadedProgress {
    progress: Progress;
    /** One line saying the file was unreadable and has been started afresh; undefined when it was fine or absent. */
    problem?: string;
}

export function emptyProgress(stack: string, student?: string): Progress {
    return { version: 1, stack, ...(student === undefined ? {} : { student }), exercises: {} };
}

/** An exercise's entry, or a fresh one. */
export function progressOf(progress: Progress, id: string): ExerciseProgress {
    return progress.exercises[id] ?? { done: false, failedChecks: 0 };
}

/** Why `value` is not a progress file of `stack` (and `student`), or undefined when it is one. */
function invalidReason(value: unknown, stack: string, student: string | undefined): string | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
    const p = value as Partial<Progress>;
    if (p.version !== 1) return `unknown version ${JSON.stringify(p.version)}`;
    if (p.stack !== stack) return `it belongs to stack ${JSON.stringify(p.stack)}`;
    if (p.student !== student)
        return p.student === undefined ? "it is not a student's" : `it belongs to student ${JSON.stringify(p.student)}`;
    if (typeof p.exercises !== "object" || p.exercises === null || Array.isArray(p.exercises)) return "no exercises object";
    for (const [id, entry] of Object.entries(p.exercises)) {
        const e = entry as Partial<ExerciseProgress> | null;
        if (typeof e !== "object" || e === null || typeof e.done !== "boolean") return `entry ${id} has no done flag`;
        if (typeof e.failedChecks !== "number" || !Number.isInteger(e.failedChecks) || e.failedChecks < 0) {
            return `entry ${id} has no valid failedChecks count`;
        }
        if (e.attempts !== undefined && (typeof e.attempts !== "number" || !Number.isInteger(e.attempts) || e.attempts < 0)) {
            return `entry ${id} has an invalid attempts count`;
        }
    }
    return undefined;
}

/**
 * Reads the progress file. A missing file is an empty progress. A corrupt one (not JSON, wrong
 * shape, another stack's) is reported in one line and rebuilt empty on disk at once.
 */
export function loadProgress(file: string, stack: string, student?: string): LoadedProgress {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return { progress: emptyProgress(stack, student) };
        throw err;
    }
    let reason: string | undefined;
    try {
        reason = invalidReason(JSON.parse(text), stack, student);
    } catch (err) {
        reason = `not valid JSON: ${(err as Error).message}`;
    }
    if (reason === undefined) return { progress: JSON.parse(text) as Progress };
    const progress = emptyProgress(stack, student);
    saveProgress(file, progress);
    return {
        progress,
        problem: `progress file ${file} was unreadable (${reason}); started a new one (the lab was not touched)`,
    };
}

/** Writes the progress file atomically (a temporary file renamed over it). */
export function saveProgress(file: string, progress: Progress): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(progress, null, 2)}\n`);
    fs.renameSync(tmp, file);
}

/** Where the learner stands on an exercise: its last check passed, it has been checked and not passed, or never checked (since the last reset). */
export function exerciseState(entry: ExerciseProgress): "done" | "failed" | "todo" {
    if (entry.done) return "done";
    return entry.failedChecks > 0 ? "failed" : "todo";
}

/** How many checks an entry has seen: its count, or for an entry written before counts were kept, its failures and a pass. */
export function attemptsOf(entry: ExerciseProgress): number {
    return entry.attempts ?? entry.failedChecks + (entry.done ? 1 : 0);
}

/** The progress after a check: done on a pass (keeping the first time), one more failure otherwise; one more attempt either way. */
export function recordCheck(progress: Progress, id: string, passed: boolean, now: Date, byReference = false): Progress {
    const before = progressOf(progress, id);
    const attempts = attemptsOf(before) + 1;
    const after: ExerciseProgress = passed
        ? {
              ...before,
              done: true,
              doneAt: before.doneAt ?? now.toISOString(),
              ...(byReference || before.solvedByReference ? { solvedByReference: true } : {}),
              attempts,
          }
        : { ...before, done: false, failedChecks: before.failedChecks + 1, attempts };
    return { ...progress, exercises: { ...progress.exercises, [id]: after } };
}

/** The progress with the given exercises (all when `ids` is undefined) back to todo. */
export function clearProgress(progress: Progress, ids?: string[]): Progress {
    if (ids === undefined) return { ...progress, exercises: {} };
    const exercises = { ...progress.exercises };
    for (const id of ids) delete exercises[id];
    return { ...progress, exercises };
}
