import * as path from "node:path";
import type { LabConfig } from "../config";
import { APP_DIR_IN_IMAGE, LABEL } from "../constants";
import { shellQuote } from "../shell";
import { SERVICE_NAME_LABEL } from "../swarm";
import type { LabSpec } from "../types";
import { NOTES_SECTIONS, type RegistryLogin } from "./types";

/** What every section's checks are written with: the lab they run against and the small helpers they share. */
export interface LessonContext {
    /** The lab (everything but its checks). */
    spec: Omit<LabSpec, "checks">;
    config: LabConfig;
    /** Quotes one word for the shell. */
    q: (word: string) => string;
    /** `docker exec` of a command in the first replica, or (swarm mode) in a healthy task container of the app on this engine. */
    exec: (cmd: string) => string;
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

export function lessonContext(spec: Omit<LabSpec, "checks">, config: LabConfig): LessonContext {
    const q = shellQuote;
    const app = spec.swarm?.app;
    const instanceLabel = `${LABEL.instance}=${spec.instance}`;
    const labLabels = spec.student ? [instanceLabel, `${LABEL.student}=${spec.student.name}`] : [instanceLabel];
    // A student's scratch objects carry their name, so two students' checks never collide.
    const prefix = spec.student?.prefix ?? spec.instance;
    const auth = spec.registry.auth;
    return {
        spec,
        config,
        q,
        exec: app
            ? // A task's container has a generated name (<service>.<slot>.<task id>): one running here, healthy.
              // The docker CLI reaches only this engine's containers, and swarm may place every task on other
              // nodes (fewer replicas than nodes): then say so, rather than docker exec's "value is empty".
              (cmd: string) =>
                  `task=$(docker ps --quiet --filter ${q(`label=${SERVICE_NAME_LABEL}=${app.name}`)} --filter health=healthy | head -n 1); ` +
                  `[ -n "$task" ] || { echo ${q(`no healthy task of service ${app.name} runs on this engine, the only one docker exec reaches: docker service ps ${app.name} shows where swarm placed them (with publishMode host, replicas equal to the number of nodes puts one on every node)`)}; exit 1; }; ` +
                  `docker exec "$task" ${cmd}`
            : (cmd: string) => `docker exec ${q(spec.replicas[0].name)} ${cmd}`,
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
}

/** `s` as a literal in an extended regular expression. */
export function escapeRegex(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
