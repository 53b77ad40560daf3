import type { Text } from "./text";

/**
 * Lesson checks and exercises are data. A check: an id, the notes' section, the command the notes
 * teach and what its output must show; `renderCheckScript` (render.ts) turns one into a POSIX shell
 * script, which the Pulumi `local.Command` resources, verify and the exercises all run. An exercise:
 * a step of the notes the learner does by hand, checked by a LessonCheck.
 */

/** What a check's output must satisfy. */
export type Expectation =
    /** The whole output (trailing newlines aside) equals `value`. */
    | { kind: "equals"; value: string }
    /** Every string appears somewhere in the output. */
    | { kind: "containsAll"; values: string[] }
    /** Every extended regular expression matches at least one line of the output. */
    | { kind: "matchesAll"; patterns: string[] }
    /** The output equals the output of `command` run on the machine running the lab. */
    | { kind: "sameOutputAs"; command: string };

export interface LessonCheck {
    /** Stable id, e.g. `00-shared-kernel`; unique within a lab. */
    id: string;
    /** Section number in the notes, e.g. `01.02`. */
    section: string;
    /** The section heading as the notes write it. */
    heading: string;
    /** Short title. */
    title: Text;
    /** One sentence on what passing proves. */
    proves: Text;
    /** POSIX shell command; may use the image placeholders. */
    command: string;
    expect: Expectation;
    /** Runs after the check whatever its result, to remove what it created. */
    cleanup?: string;
    /**
     * Set when the notes' own command cannot run here as written (it needs Docker Hub or a
     * terminal): why, and that this check runs the nearest local equivalent instead.
     */
    substitutes?: { notesCommand: string; reason: Text };
    /** The commands of the notes this check runs, as the notes spell them (e.g. `docker rmi`, `head`). */
    teaches: string[];
    /** In a classroom: the student whose lab the check runs against; its pass and failure lines name them. */
    student?: string;
    /**
     * With registryAuth, for checks that push or pull: the script logs in to `server` as `user` first
     * (`docker login --password-stdin`, the password read from the environment variable `passwordEnv`,
     * with a private DOCKER_CONFIG) and logs out at exit. Undefined without registryAuth.
     */
    registryLogin?: RegistryLogin;
}

/** How a check script logs in to the lab's registry: the password is never in the script, only its variable's name. */
export interface RegistryLogin {
    server: string;
    user: string;
    passwordEnv: string;
}

/** Values known only once the image is pushed. */
export interface CheckContext {
    /** repository@sha256:..., the pushed image's digest reference. */
    imageRef: string;
}

/** One command of a reference solution, with what it does. */
export interface SolutionStep {
    /** POSIX shell command, run in the project root (where the learner runs `npm run exercise`). */
    command: string;
    explain: Text;
}

export interface Exercise {
    /** Stable id, e.g. `01.01-tag-push`: the notes section first, so ids sort in the notes' order. */
    id: string;
    /** Section number in the notes, e.g. `01.02`. */
    section: string;
    /** The section heading as the notes write it. */
    heading: string;
    title: Text;
    /** What to do, with every name filled in (image, containers, files). */
    instructions: Text;
    /** Hints, from a nudge to the full command; `check` shows the next one after each failed check. */
    hints: Text[];
    /** What the check wants to see, in words (the failure output shows it beside what was seen). */
    expected: Text;
    /** The check, run by the lab's check engine. Its id is the exercise's. */
    check: LessonCheck;
    /** The reference solution: `solve` prints, explains and runs each command in order. */
    solution: SolutionStep[];
    /**
     * Commands that remove what the exercise (or its solution) created: its containers, image tags
     * and files. Each is safe to run when there is nothing to remove. They never touch an object
     * that `pulumi up` manages.
     */
    reset: string[];
    /** Files the learner writes, relative to where they work (all in the work folder of their workplace). */
    files: string[];
    /** The commands of the notes the exercise practises, as the notes spell them. */
    teaches: string[];
}

/**
 * Where a learner does the exercises, as seen from there: the project root on the machine running the
 * lab (the one learner, and each student of a class sharing one engine, in a work folder of their
 * own), or a student's workstation beside their seat. The exercises name paths and addresses through
 * it, and the tools run their commands there.
 */
export interface Workplace {
    /** The folder the learner's files go in, relative to where commands start. */
    workDir: string;
    /** The app's source folder (the Dockerfile's), relative to where commands start. */
    appDir: string;
    /** The registry's HTTP API as reached from there. */
    registryUrl: string;
    /** The address a container's port is published on so that curl reaches it from there. */
    publishAddress: string;
    /** Where commands run: undefined for this machine (the project root), else a running container, as its user. */
    container?: WorkplaceContainer;
    /**
     * On an engine the learner shares with other students: what their exercise objects' names start with
     * (`<instance>-<student>`), and their image by name, so that their checks and resets see only their own.
     * Default: none (the engine is the learner's alone; names start with the lab's instance).
     */
    shared?: { owner: string; image: string };
}

/** A running container that is a learner's workplace: commands run there with `docker exec` on the class's engine. */
export interface WorkplaceContainer {
    name: string;
    /** The user commands run as (uid:gid). */
    user: string;
    /** The folder commands start in (the student's home). */
    home: string;
}
