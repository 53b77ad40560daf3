// lab/notes/: the notes as data, one file per section holding its lesson checks and its exercises, and the checks' shell renderer; no docker calls (engine/ runs them).
import { MODES } from "../modes";
import type { ContainerSpec, LabCore } from "../types";
import { architectureSection } from "./architecture";
import { containersSection } from "./containers";
import { exerciseContext, type Headings, lessonContext, type NotesSection } from "./context";
import { imagesSection } from "./images";
import { packagingSection } from "./packaging";
import { registrySection } from "./registry";
import type { Exercise, LessonCheck, Workplace } from "./types";
import { virtualizationSection } from "./virtualization";

/** The sections of the notes, in the notes' order. A new section is a file of its own, registered here with one line. */
export const SECTIONS: readonly NotesSection[] = [
    virtualizationSection,
    imagesSection,
    containersSection,
    registrySection,
    architectureSection,
    packagingSection,
];

/** The notes' section headings by number, as written there (00 虚拟化容器介绍, 01.01 镜像 Image …), in the notes' order. */
export const NOTES_SECTIONS: Headings = Object.fromEntries(SECTIONS.map((s) => [s.id, s.heading]));

/** The lesson checks of one lab, in the order of the notes; its mode says how they reach the app. */
export function lessonChecks(spec: LabCore): LessonCheck[] {
    const mode = MODES[spec.mode];
    const ctx = lessonContext(
        spec,
        {
            exec: mode.exec(spec.app),
            appMemoryMb: mode.execContainer(spec.app).memoryMb,
            listingChecks: (c) => mode.listingChecks(c, spec.app),
            httpChecks: (c) => mode.httpChecks(c, spec.app),
        },
        NOTES_SECTIONS,
    );
    const checks = SECTIONS.flatMap((section) => section.checks(ctx));
    const student = spec.student?.name;
    return student === undefined ? checks : checks.map((check) => ({ ...check, student }));
}

/** The exercises of the notes on a lab whose app runs as `replicas`, done at `place`, in the order of the notes. */
export function notesExercises(spec: LabCore, replicas: ContainerSpec[], place: Workplace): Exercise[] {
    const ctx = exerciseContext(spec, replicas, place, NOTES_SECTIONS);
    return SECTIONS.flatMap((section) => section.exercises(ctx));
}

export {
    type AppParts,
    type ExerciseContext,
    type ExerciseDraft,
    escapeRegex,
    exerciseContext,
    type Headings,
    type LessonContext,
    lessonContext,
    type NotesContext,
    type NotesSection,
} from "./context";
export { describeExpectation, FAIL_MARKER, PASS_MARKER, renderCheckScript, resolveCheck, resolveImageCommand } from "./render";
export { LANGS, type Lang, type Text, t } from "./text";
export type { CheckContext, Exercise, Expectation, LessonCheck, RegistryLogin, SolutionStep, Workplace, WorkplaceContainer } from "./types";
