// lab/lessons/: the lesson checks as data, one file per section of the notes, and their shell renderer; no docker calls (engine/ runs them).
import type { LabConfig } from "../config";
import type { LabSpec } from "../types";
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

/** The lesson checks of one lab, in the order of the notes. */
export function lessonChecks(spec: Omit<LabSpec, "checks">, config: LabConfig): LessonCheck[] {
    const ctx = lessonContext(spec, config);
    const checks = SECTIONS.flatMap((checksOf) => checksOf(ctx));
    const student = spec.student?.name;
    return student === undefined ? checks : checks.map((check) => ({ ...check, student }));
}
