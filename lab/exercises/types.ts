import type { LessonCheck } from "../lessons/types";

/**
 * Exercises are data: steps of the notes the learner does by hand on a running lab. Each one is
 * checked by a LessonCheck, rendered and run by the same engine as the lab's own lesson checks
 * (renderCheckScript, runCheck); there is no second checker.
 */

/** Languages of every learner-facing text. */
export const LANGS = ["zh", "en"] as const;
export type Lang = (typeof LANGS)[number];

/** One text in Chinese (in the notes' own terms: 镜像, 容器, 仓库 …) and in English. */
export type Text = Record<Lang, string>;

/** One command of a reference solution, with what it does. */
export interface SolutionStep {
    /** POSIX shell command, run in the project root (where the learner runs `npm run exercise`). */
    command: string;
    explain: Text;
}

export interface Exercise {
    /** Stable id, e.g. `01.01-tag-push`: the notes section first, so ids sort in the notes' order. */
    id: string;
    /** Section number in the notes, e.g. `01.02`. */
    section: string;
    /** The section heading as the notes write it. */
    heading: string;
    title: Text;
    /** What to do, with every name filled in (image, containers, files). */
    instructions: Text;
    /** Hints, from a nudge to the full command; `check` shows the next one after each failed check. */
    hints: Text[];
    /** What the check wants to see, in words (the failure output shows it beside what was seen). */
    expected: Text;
    /** The check, run by the lab's check engine. Its id is the exercise's. */
    check: LessonCheck;
    /** The reference solution: `solve` prints, explains and runs each command in order. */
    solution: SolutionStep[];
    /**
     * Commands that remove what the exercise (or its solution) created: its containers, image tags
     * and files. Each is safe to run when there is nothing to remove. They never touch an object
     * that `pulumi up` manages.
     */
    reset: string[];
    /** Files the learner writes, relative to the project root (all in the stack's work folder). */
    files: string[];
    /** The commands of the notes the exercise practises, as the notes spell them. */
    teaches: string[];
}
