import * as fs from "node:fs";
import * as path from "node:path";
import { type CheckResult, PROJECT_ROOT, repoDigestOf, runCheck, runScript } from "../../engine";
import {
    type Exercise,
    exerciseCleanupCommand,
    exerciseProgressFile,
    exerciseSite,
    type LabSpec,
    labImageRef,
    type Spec,
    shellQuote,
    type Workplace,
    type WorkplaceContainer,
} from "../../lab";
import { type LabDamage, labDamage } from "../labGuard";
import { specForStack } from "../stack";
import { runShell } from "./run";

/**
 * One learner's exercises on a stack, and running them where the learner works: the project root on
 * this machine, or (with --student, in a class of seats) the student's workstation; lab/exercises.ts says which.
 */

/** One learner's exercises on a stack, ready to use. */
export interface ExerciseLab {
    /** The stack's spec: the one learner's lab, or the class. */
    spec: Spec;
    /** The lab the exercises run on: the spec itself, or the student's in the class. */
    lab: LabSpec;
    stack: string;
    /** The student whose exercises these are, in a class. */
    student?: string;
    /** Where the learner works: paths and addresses as seen from there. */
    place: Workplace;
    exercises: Exercise[];
    root: string;
    /** How commands run where the learner works: in the project root with the lab's engine, or in their workstation. */
    shell: { cwd: string; env: Record<string, string>; container?: WorkplaceContainer };
    progressFile: string;
}

export function exerciseLab(
    stack: string,
    config: Record<string, unknown> | undefined,
    root: string = PROJECT_ROOT,
    student?: string,
): ExerciseLab {
    return exerciseLabOf(specForStack(stack, config), stack, root, student);
}

/** One learner's exercises on a stack whose spec is already built (the portal builds it once for the class). */
export function exerciseLabOf(spec: Spec, stack: string, root: string = PROJECT_ROOT, student?: string): ExerciseLab {
    const { lab, place, exercises } = exerciseSite(spec, stack, student);
    // In a workstation the docker CLI that runs `docker exec` talks to the class's engine; the commands there reach the seat.
    const shell = place.container ? { cwd: root, env: spec.commandEnv, container: place.container } : { cwd: root, env: lab.commandEnv };
    return {
        spec,
        lab,
        stack,
        ...(student === undefined ? {} : { student }),
        place,
        exercises,
        root,
        shell,
        progressFile: path.join(root, exerciseProgressFile(stack, student)),
    };
}

/** Makes the work folder where the learner works, so that their `>` has somewhere to write; throws when that place does not answer. */
export async function ensureWorkDir(lab: ExerciseLab): Promise<void> {
    if (lab.shell.container === undefined) {
        fs.mkdirSync(path.join(lab.root, lab.place.workDir), { recursive: true });
        return;
    }
    const run = await runScript(`mkdir -p ${shellQuote(lab.place.workDir)}`, lab.shell);
    if (run.status !== 0) {
        throw new Error(
            `Cannot make the work folder ${lab.place.workDir} in ${lab.shell.container.name}: ${run.output.trim() || `exit status ${run.status}`} (npm run up restores the workstation)`,
        );
    }
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

/**
 * The image digest the checks resolve against, the way `npm run verify` finds it on the engine (a
 * student's repository holds the class image under the same digest); or, when the lab (in a class,
 * the student's part of it) is not whole, what is broken, and nothing is checked.
 */
export async function checkImage(lab: ExerciseLab): Promise<{ imageRef: string } | { damage: LabDamage[] }> {
    const damage = await labDamage(lab.spec, [lab.lab]);
    if (damage.length > 0) return { damage };
    const classRef = await repoDigestOf(lab.spec);
    return { imageRef: lab.lab === lab.spec ? classRef : labImageRef(lab.lab, classRef) };
}

/** Runs an exercise's check through the lab's check engine where the learner works, with the work folder in place. */
export async function runExerciseCheck(lab: ExerciseLab, exercise: Exercise, imageRef: string): Promise<CheckResult> {
    await ensureWorkDir(lab);
    return runCheck(exercise.check, { imageRef }, lab.shell);
}

/** Runs commands one after another (solution steps or resets); stops at the first that fails. */
export async function runCommands(
    lab: ExerciseLab,
    commands: string[],
    onLine?: (line: string) => void,
    onStart?: (command: string, index: number) => void,
): Promise<{ ok: boolean; results: { command: string; status: number | null; output: string }[] }> {
    await ensureWorkDir(lab);
    const results = [];
    for (const [index, command] of commands.entries()) {
        onStart?.(command, index);
        const result = await runShell(command, { ...lab.shell, onLine });
        results.push(result);
        if (result.status !== 0) return { ok: false, results };
    }
    return { ok: true, results };
}

/**
 * The commands that remove what one exercise created, or (no exercise) what every exercise
 * created: each exercise's own reset, then every object labelled or named for this lab's exercises,
 * and the work folder emptied (the learner's shell in a workstation may stand in it).
 */
export function resetCommands(lab: ExerciseLab, exercise?: Exercise): string[] {
    if (exercise) return exercise.reset;
    return [
        ...lab.exercises.flatMap((e) => e.reset),
        exerciseCleanupCommand(lab.spec.instance, lab.place.shared?.owner),
        emptyWorkDirCommand(lab),
    ];
}

/** Empties the work folder and keeps it (the learner's shell may stand in it). */
export function emptyWorkDirCommand(lab: ExerciseLab): string {
    const workDir = shellQuote(lab.place.workDir);
    return `rm -rf ${workDir} && mkdir -p ${workDir}`;
}
