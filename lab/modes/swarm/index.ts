import { LIMITS } from "../../config/keys";
import { LABEL } from "../../constants";
import { appContainerSpec } from "../../hardening";
import { hostUrl } from "../../names";
import { shellQuote } from "../../shell";
import type { AppSpec, RegistrySpec } from "../../types";
import type { LabModeModel } from "../types";
import { swarmContainerListingChecks, swarmHttpChecks } from "./checks";
import {
    appServiceName,
    SERVICE_NAME_LABEL,
    type SwarmApp,
    type SwarmRegistryRun,
    swarmAppService,
    swarmRegistryService,
    taskHostname,
    taskHostnameTemplate,
} from "./services";

/**
 * Swarm mode: the app as one Docker Swarm service of `replicas` tasks, the registry as a service
 * pinned to a manager, both on an attachable overlay network. The services are derived from the
 * very container specs of containers mode (see services.ts).
 */

/**
 * Where the registry service reads its htpasswd file: a Docker secret the engine mounts into the
 * task (an in-memory file under /run/secrets, even with a read-only root), never on the volume.
 */
export const REGISTRY_SWARM_HTPASSWD_PATH = "/run/secrets/docker-lab-registry-htpasswd";

/** The app of a lab in swarm mode; throws for another mode's. */
export function swarmApp(app: AppSpec): SwarmApp {
    if (app.mode !== "swarm") throw new Error(`A lab in mode ${app.mode} has no app service`);
    return app as SwarmApp;
}

/** The registry's service of a lab in swarm mode; throws for another mode's. */
export function swarmRegistry(registry: RegistrySpec): SwarmRegistryRun {
    if (registry.run.mode !== "swarm") throw new Error(`A lab in mode ${registry.run.mode} has no registry service`);
    return registry.run as SwarmRegistryRun;
}

/**
 * `docker exec` into a healthy task of the app on this engine. A task's container has a generated
 * name (<service>.<slot>.<task id>), and swarm may place every task on other nodes (fewer replicas
 * than nodes): then the check says so, rather than docker exec's "value is empty".
 */
function execInTask(app: AppSpec): (command: string) => string {
    const q = shellQuote;
    const { name } = swarmApp(app).service;
    return (command) =>
        `task=$(docker ps --quiet --filter ${q(`label=${SERVICE_NAME_LABEL}=${name}`)} --filter health=healthy | head -n 1); ` +
        `[ -n "$task" ] || { echo ${q(`no healthy task of service ${name} runs on this engine, the only one docker exec reaches: docker service ps ${name} shows where swarm placed them (with publishMode host, replicas equal to the number of nodes puts one on every node)`)}; exit 1; }; ` +
        `docker exec "$task" ${command}`;
}

export const swarmMode: LabModeModel = {
    // One service publishes one app port (on every node, or on each node that runs a task).
    appPortCount: () => 1,
    portProblems: (config) =>
        config.registryPort === config.appPort
            ? [
                  `registryPort = ${config.registryPort}: equals appPort, the port the app service publishes; choose another registryPort (npm run config -- set registryPort ${config.appPort === LIMITS.port.max ? config.appPort - 1 : config.appPort + 1})`,
              ]
            : [],
    // An overlay that services and `docker run` containers (the checks' scratch ones) can both join.
    network: (name, labels) => ({ name, labels, driver: "overlay", attachable: true }),
    // A service publishes on every interface, so the registry is localhost:<registryPort> to its node.
    registryServer: (config) => `localhost:${config.registryPort}`,
    htpasswdPath: REGISTRY_SWARM_HTPASSWD_PATH,
    registryRun: (config, container, labels): SwarmRegistryRun => ({
        mode: "swarm",
        service: swarmRegistryService(config, container, labels),
    }),
    app(config, input) {
        const name = appServiceName(input.prefix);
        const labels = { ...input.labels, [LABEL.role]: "app" };
        const container = appContainerSpec(config, { name, port: input.firstPort, labels, env: input.env, inClass: input.inClass });
        const service = swarmAppService(config, { ...container, hostname: taskHostnameTemplate(name) }, labels);
        const taskHostnames = Array.from({ length: service.replicas }, (_, i) => taskHostname(service.name, i + 1));
        const app: SwarmApp = { mode: "swarm", service, publishMode: config.publishMode, taskHostnames };
        return { app, appUrls: [hostUrl(config.bindAddress, input.firstPort)] };
    },
    appContainers: () => [],
    appServices: (app) => [swarmApp(app).service.name],
    registryServices: (registry) => [swarmRegistry(registry).service.name],
    exec: execInTask,
    execContainer: (app) => swarmApp(app).service.task,
    listingChecks: (ctx, app) => swarmContainerListingChecks(ctx, swarmApp(app)),
    httpChecks: (ctx, app) => swarmHttpChecks(ctx, swarmApp(app)),
    // Swarm replaces a task container that stops or is removed by itself; only a removed service needs Pulumi.
    guarded: (shared, labs) => [
        { kind: "service", role: "registry-service", name: swarmRegistry(shared.registry).service.name },
        ...labs.map((lab) => ({ kind: "service" as const, role: "app-service" as const, name: swarmApp(lab.app).service.name })),
    ],
    appPorts: (lab) => [
        {
            port: swarmApp(lab.app).service.task.ports[0].external,
            role: lab.student ? `app service of ${lab.student.name}` : "app service, appPort",
        },
    ],
    portsOnEveryInterface: true,
    portHolders: ["container", "service"],
};
