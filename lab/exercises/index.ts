// lab/exercises/: exercises the learner does by hand on a running lab, as data, one file per notes section; checked by the lab's own check engine (lab/lessons/render.ts, engine/checkRunner.ts).
import type { Spec } from "../spec";
import { architectureExercises } from "./architecture";
import { containersExercises } from "./containers";
import { exerciseContext } from "./context";
import { imagesExercises } from "./images";
import { packagingExercises } from "./packaging";
import { registryExercises } from "./registry";
import type { Exercise } from "./types";
import { virtualizationExercises } from "./virtualization";

export * from "./cleanup";
export { type ExerciseContext, exerciseContext } from "./context";
export * from "./types";

/** One function per section of the notes, in the notes' order. */
const SECTIONS = [
    virtualizationExercises, // 00
    imagesExercises, // 01.01
    containersExercises, // 01.02
    registryExercises, // 01.03
    architectureExercises, // 01.04
    packagingExercises, // 02
];

/** The exercises on the lab of `stack`, in the order of the notes. */
export function labExercises(spec: Spec, stack: string): Exercise[] {
    const ctx = exerciseContext(spec, stack);
    return SECTIONS.flatMap((exercisesOf) => exercisesOf(ctx));
}
