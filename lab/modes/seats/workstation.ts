import { IMAGE_DIGEST_PLACEHOLDER, IMAGE_REF_PLACEHOLDER, LABEL } from "../../constants";
import { LAB_CPU_SHARES, LAB_RESTART_POLICY } from "../../hardening";
import { hostnameFor } from "../../names";
import type { LessonCheck } from "../../notes/types";
import type { HealthcheckSpec } from "../../types";
import type { SeatSpec } from "./seat";
import { SEAT_ENGINE_PORT } from "./seat";

/**
 * A seat's workstation: where the student works, a container of the seat image (it has the docker
 * CLI) on the seat's own network only, with a non-root user `student` whose docker CLI is pointed at
 * the seat with the student's TLS files, and the app's source and the lessons in their home folder.
 */

/** The student's user in a workstation, and their home. */
export const WORKSTATION_USER = "student";
export const WORKSTATION_UID = 1000;
export const WORKSTATION_HOME = `/home/${WORKSTATION_USER}`;

/**
 * The workstation's first process: makes the student's user (Debian's useradd, or busybox's adduser
 * in an Alpine image) and gives them their home, then waits, and ends at once when stopped.
 */
export const WORKSTATION_INIT = [
    `id -u ${WORKSTATION_USER} >/dev/null 2>&1 || useradd -m -u ${WORKSTATION_UID} -s /bin/sh ${WORKSTATION_USER} 2>/dev/null || adduser -D -u ${WORKSTATION_UID} -s /bin/sh ${WORKSTATION_USER}`,
    `mkdir -p ${WORKSTATION_HOME}/work`,
    `chown -R ${WORKSTATION_UID}:${WORKSTATION_UID} ${WORKSTATION_HOME}`,
    "trap 'exit 0' TERM INT",
    "while :; do sleep 1; done",
].join("; ");

export interface WorkstationSpec {
    name: string;
    hostname: string;
    image: string;
    labels: Record<string, string>;
    /** The seat's network: the workstation's only one. */
    network: string;
    entrypoint: string[];
    /** The docker CLI's environment: the seat's engine by its name on the seat network, with TLS. */
    env: Record<string, string>;
    /** Where the student's TLS files go (ca.pem, cert.pem, key.pem: DOCKER_CERT_PATH). */
    certDir: string;
    /** Where the app's source goes. */
    appDir: string;
    /** The lessons: every lesson check's section, title and command. */
    lessonsFile: string;
    /** Only what the first process needs to make the user: every other capability dropped. */
    capAdd: string[];
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

/** The workstation of `seat`. Pure. */
export function workstationSpec(seat: SeatSpec, labels: Record<string, string>): WorkstationSpec {
    const name = seat.name.replace(/-seat$/, "-workstation");
    const certDir = `${WORKSTATION_HOME}/.docker`;
    return {
        name,
        hostname: hostnameFor(name),
        image: seat.image,
        labels: { ...labels, [LABEL.role]: "workstation" },
        network: seat.network.name,
        entrypoint: ["/bin/sh", "-c", WORKSTATION_INIT, "workstation"],
        env: {
            HOME: WORKSTATION_HOME,
            DOCKER_HOST: `tcp://${seat.name}:${SEAT_ENGINE_PORT}`,
            DOCKER_TLS_VERIFY: "1",
            DOCKER_CERT_PATH: certDir,
        },
        certDir,
        appDir: `${WORKSTATION_HOME}/app`,
        lessonsFile: `${WORKSTATION_HOME}/LESSONS.md`,
        capAdd: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID"],
        capDrop: ["ALL"],
        securityOpts: ["no-new-privileges:true"],
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
