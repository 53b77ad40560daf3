// lab/lessons/: the lesson checks as data, one file per section of the notes, and their shell renderer; no docker calls (engine/ runs them).
import { MODES } from "../modes";
import type { LabCore } from "../types";
import { architectureChecks } from "./architecture";
import { containersChecks } from "./containers";
import { lessonContext } from "./context";
import { imagesChecks } from "./images";
import { packagingChecks } from "./packaging";
import { registryChecks } from "./registry";
import type { LessonCheck } from "./types";
import { virtualizationChecks } from "./virtualization";

export * from "./render";
export * from "./types";

/** One function per section of the notes, in the notes' order. A new section's checks go in a file of their own, listed here. */
const SECTIONS = [
    virtualizationChecks, // 00
    imagesChecks, // 01.01
    containersChecks, // 01.02
    registryChecks, // 01.03
    architectureChecks, // 01.04
    packagingChecks, // 02
];

/** The lesson checks of one lab, in the order of the notes; its mode says how they reach the app. */
export function lessonChecks(spec: LabCore): LessonCheck[] {
    const mode = MODES[spec.mode];
    const ctx = lessonContext(spec, {
        exec: mode.exec(spec.app),
        appMemoryMb: mode.execContainer(spec.app).memoryMb,
        listingChecks: (c) => mode.listingChecks(c, spec.app),
        httpChecks: (c) => mode.httpChecks(c, spec.app),
    });
    const checks = SECTIONS.flatMap((checksOf) => checksOf(ctx));
    const student = spec.student?.name;
    return student === undefined ? checks : checks.map((check) => ({ ...check, student }));
}
