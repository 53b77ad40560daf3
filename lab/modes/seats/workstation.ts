import * as path from "node:path";
import { untagRepositoryCommand } from "../../commands";
import { IMAGE_DIGEST_PLACEHOLDER, IMAGE_REF_PLACEHOLDER, LABEL } from "../../constants";
import { LAB_CPU_SHARES, LAB_RESTART_POLICY, lockedDown, TMP_TMPFS } from "../../hardening";
import { hostnameFor } from "../../names";
import type { Exercise, LessonCheck, Workplace } from "../../notes/types";
import { shellQuote } from "../../shell";
import type { HealthcheckSpec, ImageSpec } from "../../types";
import type { SeatSpec } from "./seat";
import { SEAT_ENGINE_PORT } from "./seat";

/**
 * A seat's workstation: where the student works, a container on the seat's own network only, of an
 * image built once per class from workstation/Dockerfile (the seat image's shell and docker CLI,
 * and the user `student`). It runs as the student with every capability dropped and a read-only
 * root; their home is a volume of its own, with the docker CLI pointed at the seat with the
 * student's TLS files, the app's source and the lessons in it, and their work kept there.
 */

/** The student's user in a workstation, and their home. */
export const WORKSTATION_USER = "student";
export const WORKSTATION_UID = 1000;
export const WORKSTATION_HOME = `/home/${WORKSTATION_USER}`;
/** The student's login shell there: bash where the seat image has it (Debian's), else sh (Alpine's docker:dind). */
export const WORKSTATION_LOGIN_SHELL = ["/bin/sh", "-c", "if command -v bash >/dev/null; then exec bash -l; else exec sh -l; fi"] as const;

/** Where the workstation image is built from, relative to the project root. */
export const WORKSTATION_CONTEXT = "workstation";

/** The workstation image of a class: workstation/Dockerfile on the seat image, pushed to the class registry as `<instance>/workstation:lab`. */
export function workstationImageSpec(classImage: ImageSpec, instance: string, seatImage: string): ImageSpec {
    const registryPath = `${instance}/workstation`;
    const repository = `${classImage.registryServer}/${registryPath}`;
    return {
        repository,
        registryPath,
        tag: "lab",
        name: `${repository}:lab`,
        context: WORKSTATION_CONTEXT,
        dockerfile: `${WORKSTATION_CONTEXT}/Dockerfile`,
        buildArgs: { SEAT_IMAGE: seatImage, STUDENT_UID: String(WORKSTATION_UID) },
        registryServer: classImage.registryServer,
        removeCommand: untagRepositoryCommand(repository),
        platformCommand: classImage.platformCommand,
    };
}

export interface WorkstationSpec {
    name: string;
    hostname: string;
    /** The class's workstation image, built once and run by digest. */
    image: ImageSpec;
    labels: Record<string, string>;
    /** The seat's network: the workstation's only one. */
    network: string;
    /** The student, as the image made them: every process of the workstation is theirs. */
    user: string;
    /** The student's home: a volume of its own (the root is read-only), which keeps their work when the workstation is replaced. */
    home: { volume: string; path: string; labels: Record<string, string> };
    tmpfs: Record<string, string>;
    /** The docker CLI's environment: the seat's engine by its name on the seat network, with TLS. */
    env: Record<string, string>;
    /** Where the student's TLS files go (ca.pem, cert.pem, key.pem: DOCKER_CERT_PATH). */
    certDir: string;
    /** Where the app's source goes. */
    appDir: string;
    /** Where the student's exercise files go (npm run exercise -- --student). */
    workDir: string;
    /** The lessons: every lesson check's section, title and command. */
    lessonsFile: string;
    /** The exercises the student does here: each one's instructions and what its check wants to see. */
    exercisesFile: string;
    capDrop: string[];
    securityOpts: string[];
    memoryMb: number;
    cpuShares: number;
    pidsLimit: number;
    restartPolicy: typeof LAB_RESTART_POLICY;
    /** Healthy while the student's docker CLI reaches their seat: the door works. */
    healthcheck: HealthcheckSpec;
}

/** Memory of a workstation in MiB: a shell and the docker CLI. */
export const WORKSTATION_MEMORY_MB = 128;
export const WORKSTATION_PIDS_LIMIT = 256;

/** The workstation of `seat`, run from the class's workstation image. Pure. */
export function workstationSpec(seat: SeatSpec, labels: Record<string, string>, image: ImageSpec): WorkstationSpec {
    const name = seat.name.replace(/-seat$/, "-workstation");
    const certDir = `${WORKSTATION_HOME}/.docker`;
    const { capDrop, securityOpts } = lockedDown();
    return {
        name,
        hostname: hostnameFor(name),
        image,
        labels: { ...labels, [LABEL.role]: "workstation" },
        network: seat.network.name,
        user: `${WORKSTATION_UID}:${WORKSTATION_UID}`,
        home: { volume: `${name}-home`, path: WORKSTATION_HOME, labels: { ...labels, [LABEL.role]: "workstation-home" } },
        tmpfs: { ...TMP_TMPFS },
        env: {
            HOME: WORKSTATION_HOME,
            DOCKER_HOST: `tcp://${seat.name}:${SEAT_ENGINE_PORT}`,
            DOCKER_TLS_VERIFY: "1",
            DOCKER_CERT_PATH: certDir,
        },
        certDir,
        appDir: `${WORKSTATION_HOME}/app`,
        workDir: `${WORKSTATION_HOME}/work`,
        lessonsFile: `${WORKSTATION_HOME}/LESSONS.md`,
        exercisesFile: `${WORKSTATION_HOME}/EXERCISES.md`,
        capDrop,
        securityOpts,
        memoryMb: WORKSTATION_MEMORY_MB,
        cpuShares: LAB_CPU_SHARES,
        pidsLimit: WORKSTATION_PIDS_LIMIT,
        restartPolicy: LAB_RESTART_POLICY,
        healthcheck: {
            command: "docker version --format '{{.Server.Version}}' >/dev/null",
            intervalSeconds: 30,
            timeoutSeconds: 10,
            retries: 3,
            startPeriodSeconds: 30,
        },
    };
}

/**
 * The student's workplace for the exercises: their workstation, as the student, from their home; the
 * registry by its name on the seat's network, and ports published on the seat's own address (the
 * seat's loopback is not the workstation's).
 */
export function workstationWorkplace(seat: Pick<SeatSpec, "registryServer" | "address">, workstation: WorkstationSpec): Workplace {
    const home = workstation.home.path;
    return {
        workDir: path.posix.relative(home, workstation.workDir),
        appDir: path.posix.relative(home, workstation.appDir),
        registryUrl: `http://${seat.registryServer}`,
        publishAddress: seat.address,
        container: { name: workstation.name, user: workstation.user, home },
    };
}

/**
 * The lessons as a workstation shows them: per section of the notes, each check's title (zh, en) and
 * the command it runs, with the student's image by name where the check uses its digest.
 */
export function lessonSheet(student: string, image: string, checks: LessonCheck[]): string {
    const lines = [`# docker-lab: ${student}'s lessons`, ""];
    let section = "";
    for (const check of checks) {
        if (check.heading !== section) {
            section = check.heading;
            lines.push(`## ${section}`, "");
        }
        const command = check.command.replaceAll(IMAGE_REF_PLACEHOLDER, image).replaceAll(IMAGE_DIGEST_PLACEHOLDER, "sha256:…");
        lines.push(`- ${check.title.zh} / ${check.title.en}`, "", "  ```sh", `  ${command.replace(/\n/g, "\n  ")}`, "  ```", "");
    }
    return `${lines.join("\n").trimEnd()}\n`;
}

/**
 * The exercises as a workstation shows them, in both languages: per section of the notes, each one's id,
 * title, instructions and what its check wants to see, as the student's own names and folders give
 * them (the hints stay with the checks: each failed check shows the next). The teacher checks one
 * with `npm run exercise -- check ID --student <student>`.
 */
export function exerciseSheet(student: string, exercises: Exercise[]): string {
    const lines = [
        `# docker-lab: ${student}'s exercises`,
        "",
        `在这里（你的工作站里）做每一个练习；检查：npm run exercise -- check ID --student ${student}`,
        `Do each one here, in your workstation; check it with: npm run exercise -- check ID --student ${student}`,
        "",
    ];
    let section = "";
    for (const e of exercises) {
        if (e.heading !== section) {
            section = e.heading;
            lines.push(`## ${section}`, "");
        }
        lines.push(
            `### ${e.id}: ${e.title.zh} / ${e.title.en}`,
            "",
            e.instructions.zh,
            "",
            e.instructions.en,
            "",
            `- 期望：${e.expected.zh}`,
            `- expected: ${e.expected.en}`,
            "",
        );
    }
    return `${lines.join("\n").trimEnd()}\n`;
}

/** The environment variable that hands the home files' command the text of file `index`: never on a command line. */
export const homeFileEnv = (index: number) => `LAB_HOME_FILE_${index}`;

/**
 * The command that writes files into a running workstation's home (absolute paths under it, their
 * folders made by the image), each from its environment variable (homeFileEnv), with `docker cp` on
 * the class's engine: the workstation's root is read-only, and the provider's uploads go through it.
 * docker cp writes a file as root, and no process of the workstation is root: each is readable by
 * all, which there is the student alone. One file at a time, so the folders keep their owner.
 */
export function homeFilesCommand(
    workstation: Pick<WorkstationSpec, "name">,
    paths: string[],
): { create: string; environment: (texts: string[]) => Record<string, string> } {
    const q = shellQuote;
    return {
        create: [
            "set -eu",
            "umask 077",
            "dir=$(mktemp -d)",
            `trap 'rm -rf "$dir"' EXIT`,
            ...paths.map(
                (file, i) =>
                    `printf '%s' "$${homeFileEnv(i)}" > "$dir/${i}" && chmod 0644 "$dir/${i}" && docker cp "$dir/${i}" ${q(`${workstation.name}:${file}`)}`,
            ),
        ].join("\n"),
        environment: (texts) => {
            if (texts.length !== paths.length) throw new Error(`${paths.length} home files, ${texts.length} texts`);
            return Object.fromEntries(texts.map((text, i) => [homeFileEnv(i), text]));
        },
    };
}
