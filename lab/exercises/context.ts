import * as path from "node:path";
import { APP_DIR_IN_IMAGE, LABEL } from "../constants";
import type { Expectation, LessonCheck } from "../lessons/types";
import { NOTES_SECTIONS } from "../lessons/types";
import { shellQuote } from "../shell";
import { appContainers, isClassSpec, type LabSpec, type Spec } from "../spec";
import type { ContainerSpec } from "../types";
import { exerciseLabel, exerciseObjectName, exerciseWorkDir } from "./cleanup";
import type { Exercise, SolutionStep, Text } from "./types";

/** What every section's exercises are written with: the lab they run on, its names, and small shell helpers. */
export interface ExerciseContext {
    spec: LabSpec;
    /** The lab's app containers, in replica order. */
    replicas: ContainerSpec[];
    stack: string;
    /** Quotes one word for the shell. */
    q: (word: string) => string;
    /** The lab's image by name (repository:tag), as the learner types it. */
    image: string;
    /** Name of replica `index` (the last one when the lab has fewer). */
    replica: (index: number) => string;
    /** A container or image name of this lab's exercises, for one purpose: `<instance>-ex-<purpose>`. */
    name: (purpose: string) => string;
    /** `docker-lab.exercise=<instance>`, the label of every exercise object. */
    label: string;
    /** The stack's work folder for the learner's files, relative to the project root. */
    workDir: string;
    /** A file in the work folder, relative to the project root. */
    file: (name: string) => string;
    /** An app file on the machine running the lab, relative to the project root (quoted). */
    hostAppFile: (file: string) => string;
    /** An app file inside the image. */
    inImage: (file: string) => string;
    /** Reset command: removes a container if it exists. */
    removeContainer: (name: string) => string;
    /** Reset command: untags an image if the tag exists. */
    removeTag: (ref: string) => string;
    /** Reset command: removes a work file. */
    removeFile: (file: string) => string;
    /**
     * A shell command printing `left behind: NAME (STATUS)` for each stopped container of the lab's
     * image that neither the lab nor an exercise owns (a `docker run` without `--rm`).
     */
    strayContainers: (imageRef: string) => string;
    /** Reset command: removes those stray containers. */
    removeStrayContainers: string;
}

export function exerciseContext(lab: Spec, stack: string): ExerciseContext {
    const replicas = isClassSpec(lab) ? [] : appContainers(lab);
    if (isClassSpec(lab) || replicas.length === 0) {
        throw new Error(`Lab ${lab.instance} has no replicas of its own (a classroom): exercises run on a one-learner lab`);
    }
    const spec = lab;
    const q = shellQuote;
    const workDir = exerciseWorkDir(stack);
    // Stopped containers of the image, minus the lab's (managed) and those named after the lab
    // (the exercises' own, the lesson checks' scratch containers).
    const prefix = `${spec.instance}-`;
    const strays = (imageRef: string, format: string) =>
        `docker ps -a --filter ${q(`ancestor=${imageRef}`)} --filter status=exited --filter status=created --format ${q(`managed={{.Label "${LABEL.managed}"}} {{.Names}} ${format}`)} | awk -v p=${q(prefix)} '$1 != "managed=true" && index($2, p) != 1' | cut -d ' ' -f 3-`;
    return {
        spec,
        replicas,
        stack,
        q,
        image: spec.image.name,
        replica: (index: number) => replicas[Math.min(index, replicas.length - 1)].name,
        name: (purpose: string) => exerciseObjectName(spec.instance, purpose),
        label: exerciseLabel(spec.instance),
        workDir,
        file: (name: string) => `${workDir}/${name}`,
        hostAppFile: (file: string) => q(path.posix.join(spec.image.context, file)),
        inImage: (file: string) => `${APP_DIR_IN_IMAGE}/${file}`,
        removeContainer: (name: string) => `if docker container inspect ${q(name)} >/dev/null 2>&1; then docker rm -f -v ${q(name)}; fi`,
        removeTag: (ref: string) => `if docker image inspect ${q(ref)} >/dev/null 2>&1; then docker image rm ${q(ref)}; fi`,
        removeFile: (file: string) => `rm -f ${q(file)}`,
        strayContainers: (imageRef: string) => strays(imageRef, "left behind: {{.Names}} ({{.Status}})"),
        removeStrayContainers: `ids=$(${strays(spec.image.name, "{{.ID}}")}); [ -z "$ids" ] || docker rm -v $ids`,
    };
}

/** What an exercise's section file gives for each exercise: everything but the check's bookkeeping. */
export interface ExerciseDraft {
    id: string;
    /** Section number in the notes (a key of NOTES_SECTIONS). */
    section: string;
    title: Text;
    instructions: Text;
    hints: Text[];
    expected: Text;
    /** The check's command (may use the image placeholders) and what its output must show. */
    check: { command: string; expect: Expectation; cleanup?: string };
    solution: SolutionStep[];
    reset: string[];
    files: string[];
    teaches: string[];
}

/** The exercise with its LessonCheck: titled and explained like the lab's own checks, in both languages. */
export function exercise(draft: ExerciseDraft): Exercise {
    const check: LessonCheck = {
        id: draft.id,
        section: draft.section,
        heading: NOTES_SECTIONS[draft.section],
        title: `exercise: ${draft.title.en}`,
        titleZh: `练习：${draft.title.zh}`,
        proves: draft.expected.en,
        provesZh: draft.expected.zh,
        command: draft.check.command,
        expect: draft.check.expect,
        ...(draft.check.cleanup ? { cleanup: draft.check.cleanup } : {}),
        teaches: draft.teaches,
    };
    return { ...draft, heading: NOTES_SECTIONS[draft.section], check };
}

/** A Text from its two languages. */
export function t(zh: string, en: string): Text {
    return { zh, en };
}
