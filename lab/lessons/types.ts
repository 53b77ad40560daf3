/**
 * Lesson checks are data: an id, the notes' section, the command the notes teach and what its
 * output must show. `renderCheckScript` (render.ts) turns one into a POSIX shell script; the Pulumi
 * `local.Command` resources, the live tests and any other runner execute that same script.
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
    /** Short English title. */
    title: string;
    /** The title in Chinese, in the notes' own terms (镜像, 容器, 仓库 …). */
    titleZh: string;
    /** One sentence on what passing proves. */
    proves: string;
    /** What passing proves, in Chinese. */
    provesZh: string;
    /** POSIX shell command; may use the image placeholders. */
    command: string;
    expect: Expectation;
    /** Runs after the check whatever its result, to remove what it created. */
    cleanup?: string;
    /**
     * Set when the notes' own command cannot run here as written (it needs Docker Hub or a
     * terminal): why, and that this check runs the nearest local equivalent instead.
     */
    substitutes?: { notesCommand: string; reason: string; reasonZh: string };
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

/** The notes' section headings, as written there. */
export const NOTES_SECTIONS: Record<string, string> = {
    "00": "00 虚拟化容器介绍",
    "01.01": "01.01 镜像 Image",
    "01.02": "01.02 容器 container",
    "01.03": "01.03 仓库 Repository",
    "01.04": "01.04 Docker架构",
    "02": "02 打包程序",
};

/** Values known only once the image is pushed. */
export interface CheckContext {
    /** repository@sha256:..., the pushed image's digest reference. */
    imageRef: string;
}
