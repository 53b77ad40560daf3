import { notesExercises } from "./notes";
import type { Exercise } from "./notes/types";
import { appContainers, isClassSpec, type Spec } from "./spec";

/**
 * The exercises the learner does by hand on a running lab (`npm run exercise`), checked by the lab's
 * own check engine. They name the lab's replicas, so they run on a one-learner lab whose app runs as containers.
 */
export function labExercises(spec: Spec, stack: string): Exercise[] {
    const replicas = isClassSpec(spec) ? [] : appContainers(spec);
    if (isClassSpec(spec) || replicas.length === 0) {
        throw new Error(`Lab ${spec.instance} has no replicas of its own (a classroom): exercises run on a one-learner lab`);
    }
    return notesExercises(spec, replicas, stack);
}
