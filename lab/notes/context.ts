import * as path from "node:path";
import { APP_DIR_IN_IMAGE, LABEL } from "../constants";
import { exerciseLabel, exerciseObjectName } from "../names";
import { shellQuote } from "../shell";
import type { ContainerSpec, LabCore } from "../types";
import type { Text } from "./text";
import type { Exercise, Expectation, LessonCheck, RegistryLogin, SolutionStep, Workplace } from "./types";

/**
 * What a section of the notes is written with: one base context (the lab and the helpers checks
 * and exercises share) that the checks' and the exercises' contexts extend.
 */

/** The notes' headings by section number, e.g. `01.02` → `01.02 容器 container`. */
export type Headings = Readonly<Record<string, string>>;

export interface NotesContext {
    /** The lab (everything but its checks). */
    spec: LabCore;
    /** Quotes one word for the shell. */
    q: (word: string) => string;
    /** An app file inside the image (quoted). */
    inImage: (file: string) => string;
    /** A check's section fields: its number and the notes' heading. */
    section: (id: string) => { section: string; heading: string };
}

/** What every section's checks are written with. */
export interface LessonContext extends NotesContext {
    /** An app file on the machine running the lab, relative to the project root (quoted): the checks run there. */
    hostAppFile: (file: string) => string;
    /** `docker exec` of a command in the app, as the lab's mode runs it. */
    exec: (cmd: string) => string;
    /** The memory limit, in MiB, of what `exec` lands in. */
    appMemoryMb: number;
    /** The mode's checks of 01.02 that list the app's containers. */
    listingChecks: () => LessonCheck[];
    /** The mode's checks of 02: the app answers HTTP where the mode publishes it. */
    httpChecks: () => LessonCheck[];
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
    /**
     * `curl -fsS URL` of the registry API. With registryAuth the basic credentials go in a header that
     * curl reads as its config from stdin (`-K -`), from an environment variable: never on a command line.
     */
    registryCurl: (url: string) => string;
    /** Spread into a check that pushes or pulls: `{ registryLogin }` with registryAuth, else nothing (the check stays as it was). */
    registryLogin: { registryLogin?: RegistryLogin };
}

/**
 * What every section's exercises are written with: the lab they run on, its names, where the learner
 * works (paths and addresses as seen from there), and small shell helpers.
 */
export interface ExerciseContext extends NotesContext {
    /** An app file where the learner works, relative to where commands start (quoted). */
    appFile: (file: string) => string;
    /** The app's source folder where the learner works (the Dockerfile's), relative to where commands start. */
    appDir: string;
    /** The registry's HTTP API as the learner reaches it. */
    registryUrl: string;
    /** The address to publish a container's port on so that the learner's curl reaches it. */
    publishAddress: string;
    /** The lab's app containers, in replica order. */
    replicas: ContainerSpec[];
    /** The lab's image by name (repository:tag), as the learner types it. */
    image: string;
    /** Name of replica `index` (the last one when the lab has fewer). */
    replica: (index: number) => string;
    /** A container or image name of this lab's exercises, for one purpose: `<instance>-ex-<purpose>`. */
    name: (purpose: string) => string;
    /** `docker-lab.exercise=<instance>`, the label of every exercise object. */
    label: string;
    /** The work folder for the learner's files, relative to where commands start. */
    workDir: string;
    /** A file in the work folder, relative to where commands start. */
    file: (name: string) => string;
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
    /** The exercise with its LessonCheck, titled and explained like the lab's own checks. */
    exercise: (draft: ExerciseDraft) => Exercise;
}

/** One section of the notes: its checks and its exercises. A new section is one such file and one line in index.ts. */
export interface NotesSection {
    /** Section number in the notes, e.g. `01.02`. */
    id: string;
    /** The section heading as the notes write it, e.g. `01.02 容器 container`. */
    heading: string;
    checks(ctx: LessonContext): LessonCheck[];
    exercises(ctx: ExerciseContext): Exercise[];
}

function notesContext(spec: LabCore, headings: Headings): NotesContext {
    const q = shellQuote;
    return {
        spec,
        q,
        inImage: (file: string) => q(`${APP_DIR_IN_IMAGE}/${file}`),
        section: (id: string) => ({ section: id, heading: headings[id] }),
    };
}

/** What the lab's mode gives the checks: how to reach into the app, and its own checks of the app. */
export interface AppParts {
    exec: (cmd: string) => string;
    appMemoryMb: number;
    listingChecks: (ctx: LessonContext) => LessonCheck[];
    httpChecks: (ctx: LessonContext) => LessonCheck[];
}

export function lessonContext(spec: LabCore, app: AppParts, headings: Headings): LessonContext {
    const base = notesContext(spec, headings);
    const { q } = base;
    const instanceLabel = `${LABEL.instance}=${spec.instance}`;
    const labLabels = spec.student ? [instanceLabel, `${LABEL.student}=${spec.student.name}`] : [instanceLabel];
    // A student's scratch objects carry their name, so two students' checks never collide.
    const prefix = spec.student?.prefix ?? spec.instance;
    const auth = spec.registry.auth;
    const ctx: LessonContext = {
        ...base,
        hostAppFile: (file: string) => q(path.posix.join(spec.image.context, file)),
        exec: app.exec,
        appMemoryMb: app.appMemoryMb,
        listingChecks: () => app.listingChecks(ctx),
        httpChecks: () => app.httpChecks(ctx),
        lessonTag: (purpose: string) => `${spec.image.repository}:${spec.image.tag}-${purpose}`,
        scratchName: (purpose: string) => `${prefix}-lesson-${purpose}`,
        instanceLabel,
        labFilters: labLabels.map((label) => `--filter ${q(`label=${label}`)}`).join(" "),
        docker: (args: string[]) => ["docker", ...args].map(q).join(" "),
        registryCurl: (url: string) =>
            auth
                ? `printf 'header = "Authorization: Basic %s"\\n' "$${auth.basicAuthEnv}" | curl -K - -fsS ${q(url)}`
                : `curl -fsS ${q(url)}`,
        registryLogin: auth ? { registryLogin: { server: auth.server, user: auth.user, passwordEnv: auth.passwordEnv } } : {},
    };
    return ctx;
}

export function exerciseContext(spec: LabCore, replicas: ContainerSpec[], place: Workplace, headings: Headings): ExerciseContext {
    const base = notesContext(spec, headings);
    const { q } = base;
    const { workDir } = place;
    // Stopped containers of the image, minus the lab's (managed) and those named after the lab
    // (the exercises' own, the lesson checks' scratch containers); on a shared engine, only those run
    // from the learner's own image by name (the other students' run the same image under theirs).
    const prefix = `${spec.instance}-`;
    const own = place.shared ? { var: ` -v own=${q(place.shared.image)}`, test: " && $3 == own" } : { var: "", test: "" };
    const strays = (imageRef: string, format: string) =>
        `docker ps -a --filter ${q(`ancestor=${imageRef}`)} --filter status=exited --filter status=created --format ${q(`managed={{.Label "${LABEL.managed}"}} {{.Names}} {{.Image}} ${format}`)} | awk -v p=${q(prefix)}${own.var} '$1 != "managed=true" && index($2, p) != 1${own.test}' | cut -d ' ' -f 4-`;
    const owner = place.shared?.owner ?? spec.instance;
    return {
        ...base,
        appFile: (file: string) => q(path.posix.join(place.appDir, file)),
        appDir: place.appDir,
        registryUrl: place.registryUrl,
        publishAddress: place.publishAddress,
        replicas,
        image: spec.image.name,
        replica: (index: number) => replicas[Math.min(index, replicas.length - 1)].name,
        name: (purpose: string) => exerciseObjectName(owner, purpose),
        label: exerciseLabel(spec.instance),
        workDir,
        file: (name: string) => `${workDir}/${name}`,
        removeContainer: (name: string) => `if docker container inspect ${q(name)} >/dev/null 2>&1; then docker rm -f -v ${q(name)}; fi`,
        removeTag: (ref: string) => `if docker image inspect ${q(ref)} >/dev/null 2>&1; then docker image rm ${q(ref)}; fi`,
        removeFile: (file: string) => `rm -f ${q(file)}`,
        strayContainers: (imageRef: string) => strays(imageRef, "left behind: {{.Names}} ({{.Status}})"),
        removeStrayContainers: `ids=$(${strays(spec.image.name, "{{.ID}}")}); [ -z "$ids" ] || docker rm -v $ids`,
        exercise: (draft) => exerciseOf(draft, headings[draft.section]),
    };
}

/** What an exercise's section file gives for each exercise: everything but the check's bookkeeping. */
export interface ExerciseDraft {
    id: string;
    /** Section number in the notes. */
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
function exerciseOf(draft: ExerciseDraft, heading: string): Exercise {
    const check: LessonCheck = {
        id: draft.id,
        section: draft.section,
        heading,
        title: { zh: `练习：${draft.title.zh}`, en: `exercise: ${draft.title.en}` },
        proves: draft.expected,
        command: draft.check.command,
        expect: draft.check.expect,
        ...(draft.check.cleanup ? { cleanup: draft.check.cleanup } : {}),
        teaches: draft.teaches,
    };
    return { ...draft, heading, check };
}

/** `s` as a literal in an extended regular expression. */
export function escapeRegex(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
