import * as path from "node:path";
import { APP_DIR_IN_IMAGE, LABEL } from "../constants";
import { shellQuote } from "../shell";
import type { LabCore } from "../types";
import { type LessonCheck, NOTES_SECTIONS, type RegistryLogin } from "./types";

/** What every section's checks are written with: the lab they run against and the small helpers they share. */
export interface LessonContext {
    /** The lab (everything but its checks). */
    spec: LabCore;
    /** `docker exec` of a command in the app, as the lab's mode runs it. */
    exec: (cmd: string) => string;
    /** The memory limit, in MiB, of what `exec` lands in. */
    appMemoryMb: number;
    /** The mode's checks of 01.02 that list the app's containers. */
    listingChecks: () => LessonCheck[];
    /** The mode's checks of 02: the app answers HTTP where the mode publishes it. */
    httpChecks: () => LessonCheck[];
    /** Quotes one word for the shell. */
    q: (word: string) => string;
    /** An app file on the machine running the lab, relative to the project root (quoted). */
    hostAppFile: (file: string) => string;
    /** An app file inside the image (quoted). */
    inImage: (file: string) => string;
    /** A temporary tag of the lab's repository, for one purpose. */
    lessonTag: (purpose: string) => string;
    /** A temporary container or image name of this lab, for one purpose. */
    scratchName: (purpose: string) => string;
    /** `docker-lab.instance=<instance>`, the label every object of the lab carries. */
    instanceLabel: string;
    /**
     * `--filter label=…` arguments (quoted) that select this lab's containers: the instance label,
     * and in a classroom the student label too, so a student's checks see only their own replicas.
     */
    labFilters: string;
    /** `docker ARGS`, each argument quoted. */
    docker: (args: string[]) => string;
    /** The check's section fields: its number and the notes' heading. */
    section: (id: string) => { section: string; heading: string };
    /**
     * `curl -fsS URL` of the registry API. With registryAuth the basic credentials go in a header that
     * curl reads as its config from stdin (`-K -`), from an environment variable: never on a command line.
     */
    registryCurl: (url: string) => string;
    /** Spread into a check that pushes or pulls: `{ registryLogin }` with registryAuth, else nothing (the check stays as it was). */
    registryLogin: { registryLogin?: RegistryLogin };
}

/** What the lab's mode gives the checks: how to reach into the app, and its own checks of the app. */
export interface AppParts {
    exec: (cmd: string) => string;
    appMemoryMb: number;
    listingChecks: (ctx: LessonContext) => LessonCheck[];
    httpChecks: (ctx: LessonContext) => LessonCheck[];
}

export function lessonContext(spec: LabCore, app: AppParts): LessonContext {
    const q = shellQuote;
    const instanceLabel = `${LABEL.instance}=${spec.instance}`;
    const labLabels = spec.student ? [instanceLabel, `${LABEL.student}=${spec.student.name}`] : [instanceLabel];
    // A student's scratch objects carry their name, so two students' checks never collide.
    const prefix = spec.student?.prefix ?? spec.instance;
    const auth = spec.registry.auth;
    const ctx: LessonContext = {
        spec,
        q,
        exec: app.exec,
        appMemoryMb: app.appMemoryMb,
        listingChecks: () => app.listingChecks(ctx),
        httpChecks: () => app.httpChecks(ctx),
        hostAppFile: (file: string) => q(path.posix.join(spec.image.context, file)),
        inImage: (file: string) => q(`${APP_DIR_IN_IMAGE}/${file}`),
        lessonTag: (purpose: string) => `${spec.image.repository}:${spec.image.tag}-${purpose}`,
        scratchName: (purpose: string) => `${prefix}-lesson-${purpose}`,
        instanceLabel,
        labFilters: labLabels.map((label) => `--filter ${q(`label=${label}`)}`).join(" "),
        docker: (args: string[]) => ["docker", ...args].map(q).join(" "),
        section: (id: string) => ({ section: id, heading: NOTES_SECTIONS[id] }),
        registryCurl: (url: string) =>
            auth
                ? `printf 'header = "Authorization: Basic %s"\\n' "$${auth.basicAuthEnv}" | curl -K - -fsS ${q(url)}`
                : `curl -fsS ${q(url)}`,
        registryLogin: auth ? { registryLogin: { server: auth.server, user: auth.user, passwordEnv: auth.passwordEnv } } : {},
    };
    return ctx;
}

/** `s` as a literal in an extended regular expression. */
export function escapeRegex(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
