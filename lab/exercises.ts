import { MODES } from "./modes";
import { exerciseWorkDir } from "./names";
import { notesExercises } from "./notes";
import type { Exercise, Workplace } from "./notes/types";
import { appContainers, isClassSpec, type LabSpec, type Spec, studentLab } from "./spec";

/**
 * The exercises the learner does by hand on a running lab (`npm run exercise`), checked by the lab's
 * own check engine. They name the lab's replicas, so they run on a lab whose app runs as containers:
 * the one learner's, done on this machine, or a student's in a class of seats, done in their workstation.
 */

/** One learner's exercises: their lab, where they do them, and the exercises as seen from there. */
export interface ExerciseSite {
    lab: LabSpec;
    place: Workplace;
    exercises: Exercise[];
}

/** The one learner's workplace: the project root on this machine, with the stack's work folder in it. */
export function hostWorkplace(lab: LabSpec, stack: string): Workplace {
    return { workDir: exerciseWorkDir(stack), appDir: lab.image.context, registryUrl: lab.registry.url, publishAddress: "127.0.0.1" };
}

/**
 * The exercises of the one learner's lab (no `student`), or of `student`'s lab in a class whose mode
 * gives each student a workplace of their own (seats). Throws, naming what to do, for anything else.
 */
export function exerciseSite(spec: Spec, stack: string, student?: string): ExerciseSite {
    if (!isClassSpec(spec)) {
        if (student !== undefined) {
            throw new Error(
                `The lab ${spec.instance} has no students, so there is no student ${JSON.stringify(student)}: leave out --student to do the exercises on this lab`,
            );
        }
        if (appContainers(spec).length === 0) {
            throw new Error(
                `Lab ${spec.instance} runs its app as ${spec.mode} services, with no containers of its own: exercises run on a lab in mode containers (npm run config -- set mode containers)`,
            );
        }
        return workplaceExercises(spec, hostWorkplace(spec, stack));
    }
    const workplace = MODES[spec.mode].workplace;
    if (workplace === undefined) {
        throw new Error(
            `Lab ${spec.instance} is a class whose students share one engine (mode ${spec.mode}): a student's exercises would see and remove the others' objects, so they run in a class of seats (npm run config -- set mode seats) or on a one-learner lab`,
        );
    }
    if (student === undefined) {
        throw new Error(
            `Lab ${spec.instance} is a class of ${spec.students.length} students: name whose exercises these are (--student ${spec.students[0].student?.name ?? "NAME"})`,
        );
    }
    const lab = studentLab(spec, student);
    return workplaceExercises(lab, workplace(lab));
}

/** The exercises of `lab` as done at `place` (a student's: their seat's workstation). */
export function workplaceExercises(lab: LabSpec, place: Workplace): ExerciseSite {
    return { lab, place, exercises: notesExercises(lab, appContainers(lab), place) };
}

/** The exercises of the one learner's lab, or of `student`'s in a class of seats, in the order of the notes. */
export function labExercises(spec: Spec, stack: string, student?: string): Exercise[] {
    return exerciseSite(spec, stack, student).exercises;
}
