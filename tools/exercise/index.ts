import * as fs from "node:fs";
import * as path from "node:path";
import { type CheckResult, PROJECT_ROOT, repoDigestOf, runCheck } from "../../engine";
import {
    type Exercise,
    exerciseCleanupCommand,
    exerciseProgressFile,
    exerciseWorkDir,
    type Lang,
    labExercises,
    type Spec,
    shellQuote,
} from "../../lab";
import { damageHeading, describeDamage, labDamage } from "../labGuard";
import { DEFAULT_STACK } from "../pulumiCli";
import { specForStack } from "../stack";
import { EXERCISE_USAGE, type ExerciseArgs, parseExerciseArgs } from "./args";
import { colorEnabled, doneCount, MARKS, type Palette, palette, renderCheckResult, renderList, renderShow, UI } from "./format";
import { clearProgress, loadProgress, type Progress, progressOf, recordCheck, saveProgress } from "./progress";
import { runShell } from "./run";

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
export { systemLang } from "./lang";
export {
    clearProgress,
    type ExerciseProgress,
    emptyProgress,
    type LoadedProgress,
    loadProgress,
    type Progress,
    progressOf,
    recordCheck,
    saveProgress,
} from "./progress";
export { runShell } from "./run";

/**
 * `npm run exercise`: the learner's exercises on a running lab (lab/exercises/). `list` and `show`
 * read only the exercises and the progress file; `check`, `solve` and `reset` talk to the engine.
 * Checks run through the lab's own check engine (runCheck); nothing here touches an object that
 * `pulumi up` manages.
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

/** One stack's exercises, ready to use. */
export interface ExerciseLab {
    spec: Spec;
    stack: string;
    exercises: Exercise[];
    root: string;
    /** Absolute path of the work folder. */
    workDir: string;
    progressFile: string;
}

export function exerciseLab(stack: string, config: Record<string, string> | undefined, root: string = PROJECT_ROOT): ExerciseLab {
    const spec = specForStack(stack, config);
    return {
        spec,
        stack,
        exercises: labExercises(spec, stack),
        root,
        workDir: path.join(root, exerciseWorkDir(stack)),
        progressFile: path.join(root, exerciseProgressFile(stack)),
    };
}

/** The exercise with `id`, or an error listing the ids. */
export function findExercise(lab: ExerciseLab, id: string): Exercise {
    const found = lab.exercises.find((e) => e.id === id);
    if (found) return found;
    const near = lab.exercises.filter((e) => e.id.startsWith(id) || e.id.includes(id)).map((e) => e.id);
    throw new Error(
        `No exercise ${JSON.stringify(id)}${near.length ? `; did you mean ${near.join(", ")}?` : ""} (npm run exercise lists them: ${lab.exercises
            .map((e) => e.id)
            .join(", ")})`,
    );
}

/** Runs an exercise's check through the lab's check engine, in the project root, with the work folder in place. */
export async function runExerciseCheck(lab: ExerciseLab, exercise: Exercise, imageRef: string): Promise<CheckResult> {
    fs.mkdirSync(lab.workDir, { recursive: true });
    return runCheck(exercise.check, { imageRef }, { cwd: lab.root, env: lab.spec.commandEnv });
}

/** Runs commands one after another (solution steps or resets); stops at the first that fails. */
export async function runCommands(
    lab: ExerciseLab,
    commands: string[],
    onLine?: (line: string) => void,
    onStart?: (command: string, index: number) => void,
): Promise<{ ok: boolean; results: { command: string; status: number | null; output: string }[] }> {
    fs.mkdirSync(lab.workDir, { recursive: true });
    const results = [];
    for (const [index, command] of commands.entries()) {
        onStart?.(command, index);
        const result = await runShell(command, { cwd: lab.root, env: lab.spec.commandEnv, onLine });
        results.push(result);
        if (result.status !== 0) return { ok: false, results };
    }
    return { ok: true, results };
}

/**
 * The commands that remove what one exercise created, or (no exercise) what every exercise
 * created: each exercise's own reset, then every object labelled or named for this lab's exercises
 * and the whole work folder.
 */
export function resetCommands(lab: ExerciseLab, exercise?: Exercise): string[] {
    if (exercise) return exercise.reset;
    return [
        ...lab.exercises.flatMap((e) => e.reset),
        exerciseCleanupCommand(lab.spec.instance),
        `rm -rf ${shellQuote(path.relative(lab.root, lab.workDir))}`,
    ];
}

/** `--stack NAME` as the learner must repeat it in the commands shown (nothing for the default stack). */
function stackArgsOf(args: ExerciseArgs, env: Record<string, string | undefined>): string {
    const fromEnv = env.LAB_STACK && env.LAB_STACK === args.stack;
    return args.stack === DEFAULT_STACK || fromEnv ? "" : ` --stack ${shellQuote(args.stack)}`;
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

/** Where a command's output goes, in which language and colours. */
interface Output {
    io: ExerciseIo;
    lang: Lang;
    p: Palette;
}

/** `npm run exercise [-- COMMAND [ID]] [--lang zh|en] [--stack NAME] [--config JSON]`; returns the exit code. */
export async function exerciseCommand(argv: string[], overrides: Partial<ExerciseIo> = {}): Promise<number> {
    const io: ExerciseIo = { ...defaultIo(), ...overrides };
    const args = parseExerciseArgs(argv, io.env);
    if (args.command === "help") {
        io.out(`${EXERCISE_USAGE}\n`);
        return EXERCISE_EXIT.ok;
    }
    const lab = exerciseLab(args.stack, args.config, io.root);
    const p = palette(io.color);
    const lang = args.lang;
    const ui = UI[lang];
    const out: Output = { io, lang, p };
    const stackArgs = stackArgsOf(args, io.env);

    const loaded = loadProgress(lab.progressFile, lab.stack);
    if (loaded.problem) io.err(`${loaded.problem}\n`);
    const progress: Progress = loaded.progress;

    switch (args.command) {
        case "list":
            io.out(renderList(lab.exercises, progress, { lang, instance: lab.spec.instance, palette: p, stackArgs }));
            return EXERCISE_EXIT.ok;
        case "show": {
            const exercise = findExercise(lab, args.id as string);
            fs.mkdirSync(lab.workDir, { recursive: true });
            io.out(
                renderShow(exercise, progressOf(progress, exercise.id), {
                    lang,
                    palette: p,
                    workDir: exerciseWorkDir(lab.stack),
                    projectRoot: lab.root,
                    stackArgs,
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
    if (result.passed) io.out(`${p.dim(ui.solvedNote)}\n`);
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

/**
 * The image digest the checks resolve against, the way `npm run verify` finds it on the engine;
 * undefined (after saying what is broken and how to restore it) when the lab is not whole.
 */
async function guardedImageRef(lab: ExerciseLab, lang: Lang, io: ExerciseIo, p: Palette): Promise<string | undefined> {
    const damage = await labDamage(lab.spec);
    if (damage.length > 0) {
        const lines = [
            `${p.red(MARKS.failed)} ${damageHeading(lab.spec.instance, lang)}`,
            ...damage.map((d) => `  - ${describeDamage(d, lab.stack, lang)}`),
            `  ${UI[lang].brokenCheck}`,
        ];
        io.out(`${lines.join("\n")}\n`);
        return undefined;
    }
    return repoDigestOf(lab.spec);
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
