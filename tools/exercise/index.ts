import { type CheckResult, PROJECT_ROOT } from "../../engine";
import { type Exercise, type Lang, shellQuote } from "../../lab";
import { damageHeading, describeDamage } from "../labGuard";
import { DEFAULT_STACK } from "../pulumiCli";
import { EXERCISE_USAGE, type ExerciseArgs, parseExerciseArgs } from "./args";
import {
    colorEnabled,
    doneCount,
    MARKS,
    npmExercise,
    type Palette,
    palette,
    renderCheckResult,
    renderList,
    renderShow,
    UI,
} from "./format";
import {
    checkImage,
    type ExerciseLab,
    ensureWorkDir,
    exerciseLab,
    findExercise,
    resetCommands,
    runCommands,
    runExerciseCheck,
} from "./lab";
import { clearProgress, loadProgress, type Progress, progressOf, recordCheck, saveProgress } from "./progress";

export { parseExerciseArgs } from "./args";
export {
    colorEnabled,
    displayWidth,
    doneCount,
    hintFor,
    MARKS,
    npmExercise,
    type Palette,
    palette,
    renderCheckResult,
    renderList,
    renderShow,
    seenOutput,
    UI,
} from "./format";
export {
    checkImage,
    type ExerciseLab,
    emptyWorkDirCommand,
    ensureWorkDir,
    exerciseLab,
    exerciseLabOf,
    findExercise,
    resetCommands,
    runCommands,
    runExerciseCheck,
} from "./lab";
export { systemLang } from "./lang";
export {
    attemptsOf,
    clearProgress,
    type ExerciseProgress,
    emptyProgress,
    exerciseState,
    type LoadedProgress,
    loadProgress,
    type Progress,
    progressOf,
    recordCheck,
    saveProgress,
} from "./progress";
export { runShell } from "./run";

/**
 * `npm run exercise`: the learner's exercises on a running lab (lab/exercises.ts), or with --student a
 * student's in a class of seats. `list` reads only the exercises and the progress file, and `show`
 * also makes the work folder; `check`, `solve` and `reset` talk to the engine. Checks, solutions and resets run where the learner
 * works (the project root, or the student's workstation) through the lab's own check engine
 * (runCheck); nothing here touches an object that `pulumi up` manages.
 */

/** Exit codes of `npm run exercise`. */
export const EXERCISE_EXIT = { ok: 0, failed: 1, error: 2, labBroken: 3 } as const;

export interface ExerciseIo {
    /** Where normal output goes. Default: process.stdout. */
    out: (text: string) => void;
    /** Where problems go. Default: process.stderr. */
    err: (text: string) => void;
    /** Colours on `out`. Default: when stdout is a terminal and NO_COLOR is not set. */
    color: boolean;
    env: Record<string, string | undefined>;
    /** Project root: where the work folder and the progress file live and every command runs. Default: PROJECT_ROOT. */
    root: string;
    now: () => Date;
}

/** `--stack NAME` and `--student NAME` as the learner must repeat them in the commands shown (no --stack for the default stack). */
function labArgsOf(args: ExerciseArgs, env: Record<string, string | undefined>): string {
    const fromEnv = env.LAB_STACK && env.LAB_STACK === args.stack;
    const stack = args.stack === DEFAULT_STACK || fromEnv ? "" : ` --stack ${shellQuote(args.stack)}`;
    return `${stack}${args.student === undefined ? "" : ` --student ${shellQuote(args.student)}`}`;
}

/** Where the learner's files go, as `show` says it: the work folder, and the project root or the student's workstation. */
function workFolderOf(lab: ExerciseLab, lang: Lang): string {
    const { container } = lab.place;
    if (container === undefined) return `${lab.place.workDir}/ (${lab.root})`;
    const shell = `npm run seat -- shell ${lab.student}`;
    return lang === "zh"
        ? `${lab.place.workDir}/（${UI.zh.inWorkstation}${container.home}；${shell}）`
        : `${lab.place.workDir}/ (${UI.en.inWorkstation}${container.home}; ${shell})`;
}

function defaultIo(): ExerciseIo {
    return {
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
        color: colorEnabled(process.stdout, process.env),
        env: process.env,
        root: PROJECT_ROOT,
        now: () => new Date(),
    };
}

/** Where a command's output goes, in which language and colours, and the arguments its commands shown repeat. */
interface Output {
    io: ExerciseIo;
    lang: Lang;
    p: Palette;
    labArgs: string;
}

/** The lab as the list's header names it: its instance, and the student in a class. */
function labName(lab: ExerciseLab): string {
    return lab.student === undefined ? lab.spec.instance : `${lab.spec.instance} · ${lab.student}`;
}

/** `npm run exercise [-- COMMAND [ID]] [--lang zh|en] [--stack NAME] [--student NAME] [--config JSON]`; returns the exit code. */
export async function exerciseCommand(argv: string[], overrides: Partial<ExerciseIo> = {}): Promise<number> {
    const io: ExerciseIo = { ...defaultIo(), ...overrides };
    const args = parseExerciseArgs(argv, io.env);
    if (args.command === "help") {
        io.out(`${EXERCISE_USAGE}\n`);
        return EXERCISE_EXIT.ok;
    }
    const lab = exerciseLab(args.stack, args.config, io.root, args.student);
    const p = palette(io.color);
    const lang = args.lang;
    const ui = UI[lang];
    const labArgs = labArgsOf(args, io.env);
    const out: Output = { io, lang, p, labArgs };

    const loaded = loadProgress(lab.progressFile, lab.stack, lab.student);
    if (loaded.problem) io.err(`${loaded.problem}\n`);
    const progress: Progress = loaded.progress;

    switch (args.command) {
        case "list":
            io.out(renderList(lab.exercises, progress, { lang, lab: labName(lab), palette: p, labArgs }));
            return EXERCISE_EXIT.ok;
        case "show": {
            const exercise = findExercise(lab, args.id as string);
            await ensureWorkDir(lab);
            io.out(
                renderShow(exercise, progressOf(progress, exercise.id), {
                    lang,
                    palette: p,
                    workFolder: workFolderOf(lab, lang),
                    labArgs,
                }),
            );
            return EXERCISE_EXIT.ok;
        }
        case "check": {
            const exercise = findExercise(lab, args.id as string);
            const imageRef = await guardedImageRef(lab, lang, io, p);
            if (imageRef === undefined) return EXERCISE_EXIT.labBroken;
            const result = await runExerciseCheck(lab, exercise, imageRef);
            const next = recordCheck(progress, exercise.id, result.passed, io.now());
            saveProgress(lab.progressFile, next);
            printResult(lab, exercise, result, next, out);
            return result.passed ? EXERCISE_EXIT.ok : EXERCISE_EXIT.failed;
        }
        case "solve": {
            const exercise = findExercise(lab, args.id as string);
            const imageRef = await guardedImageRef(lab, lang, io, p);
            if (imageRef === undefined) return EXERCISE_EXIT.labBroken;
            return solveExercise(lab, exercise, imageRef, progress, out);
        }
        case "reset": {
            const exercise = args.id === undefined ? undefined : findExercise(lab, args.id);
            const run = await runCommands(lab, resetCommands(lab, exercise), (line) => io.out(`    ${line}\n`));
            if (!run.ok) return reportFailedStep(io, p, ui, run.results, false);
            saveProgress(lab.progressFile, clearProgress(progress, exercise ? [exercise.id] : undefined));
            io.out(
                exercise
                    ? `${p.green(MARKS.done)} ${ui.resetOne} ${exercise.id}: ${ui.resetDone}\n`
                    : `${p.green(MARKS.done)} ${ui.resetAll}: ${ui.resetAllDone}\n`,
            );
            return EXERCISE_EXIT.ok;
        }
    }
}

/**
 * `solve`: clears what the exercise left, runs the reference solution step by step with each step's
 * explanation and output, then checks it; the result is recorded as solved by the reference.
 */
async function solveExercise(lab: ExerciseLab, exercise: Exercise, imageRef: string, progress: Progress, out: Output): Promise<number> {
    const { io, lang, p } = out;
    const ui = UI[lang];
    io.out(`${p.bold(`${ui.solving} ${exercise.id}`)}  ${exercise.title[lang]}\n`);
    io.out(`${p.dim(`# ${ui.cleanSlate}`)}\n`);
    const cleared = await runCommands(lab, exercise.reset);
    if (!cleared.ok) return reportFailedStep(io, p, ui, cleared.results, true);
    const steps = exercise.solution;
    const solved = await runCommands(
        lab,
        steps.map((s) => s.command),
        (line) => io.out(`    ${line}\n`),
        (command, index) => io.out(`\n${p.cyan(`$ ${command}`)}\n${p.dim(`  # ${steps[index].explain[lang]}`)}\n`),
    );
    if (!solved.ok) return reportFailedStep(io, p, ui, solved.results, false);
    const result = await runExerciseCheck(lab, exercise, imageRef);
    const next = recordCheck(progress, exercise.id, result.passed, io.now(), true);
    saveProgress(lab.progressFile, next);
    io.out("\n");
    printResult(lab, exercise, result, next, out);
    if (result.passed) io.out(`${p.dim(`${ui.solvedNote}${npmExercise("reset", out.labArgs)}`)}\n`);
    return result.passed ? EXERCISE_EXIT.ok : EXERCISE_EXIT.failed;
}

/** Prints a check's result with the learner's progress on it and the count of exercises done. */
function printResult(lab: ExerciseLab, exercise: Exercise, result: CheckResult, progress: Progress, out: Output): void {
    out.io.out(
        renderCheckResult(exercise, result, progressOf(progress, exercise.id), {
            lang: out.lang,
            palette: out.p,
            count: doneCount(lab.exercises, progress, out.lang),
        }),
    );
}

/** The image the checks resolve against (checkImage); undefined, after saying what is broken and how to restore it, when the lab is not whole. */
async function guardedImageRef(lab: ExerciseLab, lang: Lang, io: ExerciseIo, p: Palette): Promise<string | undefined> {
    const image = await checkImage(lab);
    if ("imageRef" in image) return image.imageRef;
    const lines = [
        `${p.red(MARKS.failed)} ${damageHeading(lab.spec.instance, lang)}`,
        ...image.damage.map((d) => `  - ${describeDamage(d, lab.stack, lang)}`),
        `  ${UI[lang].brokenCheck}`,
    ];
    io.out(`${lines.join("\n")}\n`);
    return undefined;
}

function reportFailedStep(
    io: ExerciseIo,
    p: Palette,
    ui: Record<string, string>,
    results: { command: string; status: number | null; output: string }[],
    showOutput: boolean,
): number {
    const last = results[results.length - 1];
    io.out(`${p.red(MARKS.failed)} ${ui.stepFailed} (${ui.exitStatus} ${last.status}): ${last.command}\n`);
    if (showOutput && last.output.trim() !== "") io.out(`${last.output.replace(/^/gm, "    ").trimEnd()}\n`);
    return EXERCISE_EXIT.failed;
}
