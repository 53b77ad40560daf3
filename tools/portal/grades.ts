import type { Exercise } from "../../lab";
import { attemptsOf, exerciseState, type Progress, progressOf } from "../exercise";

/**
 * The grades export: one row per learner and exercise, in CSV (RFC 4180, for a spreadsheet or an
 * LMS import) and JSON. The columns are stated in the README; changing one is a breaking change.
 */

/** The name a one-learner lab's rows carry in the student column. */
export const ONE_LEARNER = "learner";

export interface GradeRow {
    student: string;
    /** The exercise's id, e.g. 01.02-ps-file. */
    exercise: string;
    /** The notes section, e.g. 01.02. */
    section: string;
    /** done: the last check passed; attempted: checked, not passed; todo: never checked (since the last reset). */
    state: "done" | "attempted" | "todo";
    /** ISO time of the first passing check, or "" when it never passed. */
    firstPassedAt: string;
    /** Checks run since the last reset. */
    attempts: number;
    /** The pass came from `npm run exercise -- solve` (the reference solution), not the learner. */
    solvedByReference: boolean;
}

/** The export's word for each state of an exercise (an LMS reads "attempted" better than "failed"). */
const GRADE_STATES = { done: "done", failed: "attempted", todo: "todo" } as const;

/** The columns, in order: the CSV's header line and the JSON rows' keys. */
export const GRADE_COLUMNS: readonly (keyof GradeRow)[] = [
    "student",
    "exercise",
    "section",
    "state",
    "firstPassedAt",
    "attempts",
    "solvedByReference",
];

/** Pure: every learner's row for every exercise, in class order, then in the notes' order. */
export function gradeRows(learners: readonly { student?: string; exercises: readonly Exercise[]; progress: Progress }[]): GradeRow[] {
    return learners.flatMap(({ student, exercises, progress }) =>
        exercises.map((e) => {
            const entry = progressOf(progress, e.id);
            return {
                student: student ?? ONE_LEARNER,
                exercise: e.id,
                section: e.section,
                state: GRADE_STATES[exerciseState(entry)],
                firstPassedAt: entry.doneAt ?? "",
                attempts: attemptsOf(entry),
                solvedByReference: entry.solvedByReference === true,
            };
        }),
    );
}

/** A CSV field: quoted when it holds a comma, a quote or a line break; a leading =, +, - or @ is prefixed with ' so no spreadsheet runs it. */
function csvField(value: string | number | boolean): string {
    let text = String(value);
    if (/^[=+\-@]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Pure: the rows as CSV, a header line first, lines ending in CRLF. */
export function gradesCsv(rows: readonly GradeRow[]): string {
    const lines = [GRADE_COLUMNS.join(","), ...rows.map((row) => GRADE_COLUMNS.map((c) => csvField(row[c])).join(","))];
    return `${lines.join("\r\n")}\r\n`;
}

/** Pure: the rows as JSON, with the lab, the stack and when it was exported. */
export function gradesJson(rows: readonly GradeRow[], about: { lab: string; stack: string; exportedAt: string }): string {
    return `${JSON.stringify({ ...about, columns: GRADE_COLUMNS, rows }, null, 2)}\n`;
}
