import type { CheckResult, ContainerState } from "../../engine";
import type { Exercise, Text } from "../../lab";
import { attemptsOf, type ExerciseLab, type ExerciseProgress, exerciseState } from "../exercise";

/**
 * What the class portal answers with (the student's page's data, a check's answer, its errors) and
 * what it needs from the engine and the stack (PortalBackend; tools/portal/backend.ts is the real one).
 */

/** An error the portal answers with a status and one line naming what went wrong and the fix. */
export class PortalError extends Error {
    constructor(
        readonly status: number,
        message: string,
    ) {
        super(message);
        this.name = "PortalError";
    }
}

/** What the portal needs from the engine and the stack. */
export interface PortalBackend {
    /** Runs an exercise's check where the learner works; throws a PortalError (409) when their lab is not whole. */
    check(lab: ExerciseLab, exercise: Exercise): Promise<CheckResult>;
    /** The seat containers' states, by student (undefined: no such container). */
    seatStates(students: readonly string[]): Promise<Map<string, ContainerState | undefined>>;
    /** Runs the learner's lesson checks again (a class's student, or the one learner). */
    verify(student: string | undefined): Promise<{ passed: number; total: number }>;
    /** Rebuilds a student's seat to a fresh lab, the other seats untouched; `log` gets progress lines. */
    resetSeat(lab: ExerciseLab, log: (line: string) => void): Promise<void>;
}

/** An exercise as the student's page shows it: its texts, and the learner's progress on it. */
export type ExerciseView = Pick<
    Exercise,
    "id" | "section" | "heading" | "title" | "instructions" | "hints" | "expected" | "files" | "teaches"
> & {
    state: "todo" | "failed" | "done";
    attempts: number;
    failedChecks: number;
    doneAt?: string;
};

/** The student's page's data. */
export interface LearnerState {
    lab: string;
    student: string | null;
    terminal: { available: true } | { available: false; reason: Text };
    exercises: ExerciseView[];
    done: number;
    total: number;
}

/** A check's answer to the student's page. */
export interface CheckAnswer {
    id: string;
    passed: boolean;
    expected: Text;
    seen: { lines: string[]; status: number | null };
    hint?: { index: number; count: number; text: Text };
    exercise: ExerciseView;
    done: number;
    total: number;
}

/** Why a learner without a seat has no terminal in the portal. */
export const NO_TERMINAL: Text = {
    en: "No terminal here: only a class of seats gives each student an engine of their own to open one in (a web shell on the host would be a root door). Use a terminal on this machine.",
    zh: "这里没有终端：只有「座位」模式的班级才给每个学生一个自己的引擎（在主机上开网页终端等于开一扇 root 的门）。请使用本机的终端。",
};

/** Pure: an exercise as the student's page shows it, with the learner's progress on it. */
export function exerciseView(e: Exercise, entry: ExerciseProgress): ExerciseView {
    return {
        id: e.id,
        section: e.section,
        heading: e.heading,
        title: e.title,
        instructions: e.instructions,
        hints: e.hints,
        expected: e.expected,
        files: e.files,
        teaches: e.teaches,
        state: exerciseState(entry),
        attempts: attemptsOf(entry),
        failedChecks: entry.failedChecks,
        ...(entry.doneAt ? { doneAt: entry.doneAt } : {}),
    };
}
