import { MODES } from "./modes";
import { exerciseWorkDir } from "./names";
import { notesExercises } from "./notes";
import type { Exercise, Workplace } from "./notes/types";
import { appContainers, isClassSpec, type LabSpec, type Spec, studentLab } from "./spec";

/**
 * The exercises the learner does by hand on a running lab (`npm run exercise`), checked by the lab's
 * own check engine. They name the lab's replicas, so they run on a lab whose app runs as containers:
 * the one learner's, done on this machine; a student's in a class of seats, done in their workstation;
 * a student's in a class sharing one engine, done on this machine in a work folder of their own, their
 * exercise objects named for them.
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
 * A student's workplace in a class sharing one engine: this machine, a work folder of their own, and
 * their exercise objects named `<instance>-<student>-ex-…`, so that each student's checks and resets
 * see only their own.
 */
export function sharedWorkplace(lab: LabSpec, stack: string): Workplace {
    const student = lab.student;
    if (!student) throw new Error(`sharedWorkplace needs a student's lab, not ${lab.instance}`);
    return {
        ...hostWorkplace(lab, stack),
        workDir: `${exerciseWorkDir(stack)}/${student.name}`,
        shared: { owner: student.prefix, image: lab.image.name },
    };
}

/**
 * The exercises of the one learner's lab (no `student`), or of `student`'s lab in a class: in their
 * mode's workplace (a seat's workstation), else on this machine (sharedWorkplace). Throws, naming
 * what to do, for a lab whose app runs as services (no containers to exercise on) and for a wrong or
 * missing student.
 */
export function exerciseSite(spec: Spec, stack: string, student?: string): ExerciseSite {
    const probe = isClassSpec(spec) ? spec.students[0] : spec;
    if (probe !== undefined && appContainers(probe).length === 0) {
        throw new Error(
            `Lab ${spec.instance} runs its app as ${spec.mode} services, with no containers of its own: exercises run on a lab in mode containers or seats (npm run config -- set mode containers)`,
        );
    }
    if (!isClassSpec(spec)) {
        if (student !== undefined) {
            throw new Error(
                `The lab ${spec.instance} has no students, so there is no student ${JSON.stringify(student)}: leave out --student to do the exercises on this lab`,
            );
        }
        return workplaceExercises(spec, hostWorkplace(spec, stack));
    }
    if (student === undefined) {
        throw new Error(
            `Lab ${spec.instance} is a class of ${spec.students.length} students: name whose exercises these are (--student ${spec.students[0].student?.name ?? "NAME"})`,
        );
    }
    const lab = studentLab(spec, student);
    const workplace = MODES[spec.mode].workplace;
    return workplaceExercises(lab, workplace ? workplace(lab) : sharedWorkplace(lab, stack));
}

/** The exercises of `lab` as done at `place` (a student's: their seat's workstation). */
export function workplaceExercises(lab: LabSpec, place: Workplace): ExerciseSite {
    return { lab, place, exercises: notesExercises(lab, appContainers(lab), place) };
}

/** The exercises of the one learner's lab, or of `student`'s in a class of seats, in the order of the notes. */
export function labExercises(spec: Spec, stack: string, student?: string): Exercise[] {
    return exerciseSite(spec, stack, student).exercises;
}
