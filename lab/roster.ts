import { MODES } from "./modes";
import { isClassSpec, type Spec } from "./spec";

/** A class's roster: who is in it and where their lab is. The `roster` stack output, the lab report and the tools list students from it. */

/** One student's row of the class roster. */
export interface RosterEntry {
    student: string;
    /** The student's app URLs, in replica order. */
    urls: string[];
    /** The student's containers, in replica order (none where the engine names them: a service's tasks). */
    containers: string[];
    /** The student's app service, where the mode runs one. */
    service?: string;
    /** The student's repository in the class registry, e.g. localhost:5000/docker-lab-dev/alice/hellodocker. */
    repository: string;
}

/** One entry per student of a class, in config order; empty for the one-learner lab. */
export function rosterOf(spec: Spec): RosterEntry[] {
    if (!isClassSpec(spec)) return [];
    const mode = MODES[spec.mode];
    return spec.students.map((lab) => {
        const [service] = mode.appServices(lab.app);
        return {
            student: lab.student?.name ?? lab.instance,
            urls: lab.appUrls,
            containers: mode.appContainers(lab.app).map((c) => c.name),
            ...(service !== undefined ? { service } : {}),
            repository: lab.image.repository,
        };
    });
}
