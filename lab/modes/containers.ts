import { type LabConfig, LIMITS } from "../config/keys";
import { LABEL } from "../constants";
import { appContainerSpec } from "../hardening";
import { hostUrl, registryServer, replicaName } from "../names";
import { escapeRegex, type LessonContext } from "../notes/context";
import { t } from "../notes/text";
import type { LessonCheck } from "../notes/types";
import { REGISTRY_HTPASSWD_PATH } from "../registry";
import { shellQuote } from "../shell";
import type { AppSpec, ContainerSpec } from "../types";
import type { LabModeModel } from "./types";

/**
 * Containers mode, the default: the app as `replicas` containers of the image, each published on
 * its own port from the lab's first app port on, and the registry as a container beside them.
 */

/** The app in containers mode: one container per replica, in replica order. */
export interface ContainersApp extends AppSpec {
    mode: "containers";
    replicas: ContainerSpec[];
}

/** The app of a lab in containers mode; throws for another mode's. */
export function containersApp(app: AppSpec): ContainersApp {
    if (app.mode !== "containers") throw new Error(`A lab in mode ${app.mode} has no app replicas`);
    return app as ContainersApp;
}

/** Section 01.02: docker ps and docker container ls list every replica. */
function listingChecks(ctx: LessonContext, app: AppSpec): LessonCheck[] {
    const { q, section, labFilters } = ctx;
    const { replicas } = containersApp(app);
    return [
        {
            id: "01.02-ps",
            teaches: ["docker ps"],
            ...section("01.02"),
            title: t("docker ps 列出每个正在运行且健康的副本", "docker ps lists every replica running and healthy"),
            proves: t(
                "由镜像创建的每个容器都在运行，并且通过了健康检查。",
                "Each container made from the image is running and its healthcheck passes.",
            ),
            command: `docker ps ${labFilters} --filter ${q(`label=${LABEL.role}=app`)} --format '{{.Names}} {{.Status}}'`,
            expect: {
                kind: "matchesAll",
                patterns: replicas.map((r) => `^${escapeRegex(r.name)} Up .*\\(healthy\\)$`),
            },
        },
        {
            id: "01.02-container-ls",
            teaches: ["docker container ls"],
            ...section("01.02"),
            title: t("docker container ls 就是 docker ps", "docker container ls is docker ps"),
            proves: t(
                "docker container ls 和 docker ps 列出同样的运行中容器：本实验的每个副本。",
                "docker container ls lists the same running containers as docker ps: every replica of the lab.",
            ),
            command: `docker container ls ${labFilters} --filter ${q(`label=${LABEL.role}=app`)} --format '{{.Names}}'`,
            expect: { kind: "matchesAll", patterns: replicas.map((r) => `^${escapeRegex(r.name)}$`) },
        },
    ];
}

/** Section 02: every replica of the packaged app answers HTTP on its published port. */
function httpChecks(ctx: LessonContext, app: AppSpec): LessonCheck[] {
    const { q, section, spec } = ctx;
    return containersApp(app).replicas.map(
        (replica, index): LessonCheck => ({
            id: `02-http-${index}`,
            teaches: [],
            ...section("02"),
            title: t(`副本 ${index} 在它发布的端口上响应 HTTP`, `Replica ${index} answers HTTP on its published port`),
            proves: t(
                `打包好的应用作为 ${replica.name} 运行，并在 ${spec.appUrls[index]} 上响应。`,
                `The packaged app runs as ${replica.name} and answers on ${spec.appUrls[index]}.`,
            ),
            command: `curl -fsS ${q(`${spec.appUrls[index]}/`)}`,
            expect: {
                kind: "containsAll",
                values: [`"app":"hellodocker"`, `"hostname":"${replica.hostname}"`, `"lab":"${spec.instance}"`],
            },
        }),
    );
}

/** The one lab's app ports appPort..appPort+replicas-1: below 65536 and clear of the registry port. */
function portProblems(config: LabConfig): string[] {
    const problems: string[] = [];
    const lastAppPort = config.appPort + config.replicas - 1;
    if (lastAppPort > LIMITS.port.max) {
        problems.push(
            `appPort = ${config.appPort} with replicas = ${config.replicas}: the app ports ${config.appPort}..${lastAppPort} go past 65535; choose appPort <= ${LIMITS.port.max - config.replicas + 1}`,
        );
    }
    if (config.registryPort >= config.appPort && config.registryPort <= lastAppPort) {
        problems.push(
            `registryPort = ${config.registryPort}: overlaps the app ports ${config.appPort}..${lastAppPort}; choose a registryPort outside that range`,
        );
    }
    return problems;
}

export const containersMode: LabModeModel = {
    appPortCount: (config) => config.replicas,
    portProblems,
    network: (name, labels) => ({ name, labels }),
    registryServer: (config) => registryServer(config.bindAddress, config.registryPort),
    htpasswdPath: REGISTRY_HTPASSWD_PATH,
    registryRun: () => ({ mode: "containers" }),
    app(config, input) {
        const replicas = Array.from({ length: config.replicas }, (_, index) =>
            appContainerSpec(config, {
                name: replicaName(input.prefix, index),
                port: input.firstPort + index,
                labels: { ...input.labels, [LABEL.role]: "app", [LABEL.replica]: String(index) },
                env: input.env,
                inClass: input.inClass,
            }),
        );
        const app: ContainersApp = { mode: "containers", replicas };
        return { app, appUrls: replicas.map((r) => hostUrl(config.bindAddress, r.ports[0].external)) };
    },
    appContainers: (app) => containersApp(app).replicas,
    appServices: () => [],
    registryServices: () => [],
    exec: (app) => {
        const first = containersApp(app).replicas[0];
        return (command) => `docker exec ${shellQuote(first.name)} ${command}`;
    },
    execContainer: (app) => containersApp(app).replicas[0],
    listingChecks,
    httpChecks,
    guarded: (shared, labs) => [
        { kind: "container", role: "registry", name: shared.registry.container.name },
        ...labs.flatMap((lab) =>
            containersApp(lab.app).replicas.map((r) => ({ kind: "container" as const, role: "replica" as const, name: r.name })),
        ),
    ],
    appPorts: (lab) =>
        containersApp(lab.app).replicas.map((r, i) => ({
            port: r.ports[0].external,
            role: lab.student
                ? `app replica ${i} of ${lab.student.name}`
                : i === 0
                  ? "app replica 0, appPort"
                  : `app replica ${i}, appPort + ${i}`,
        })),
    portsOnEveryInterface: false,
    portHolders: ["container"],
};
