import type { LabConfig } from "./config";
import { fitWithHash } from "./names";
import type { ContainerSpec, HealthcheckSpec, ServiceRolloutSpec, ServiceSpec, SwarmSpec } from "./types";

/**
 * Swarm mode: the app and the registry as Docker Swarm services. Pure: the services are derived
 * from the very ContainerSpecs the containers mode runs, so both modes share one healthcheck, one
 * set of limits and one set of security settings; what a service cannot express is listed, with why.
 */

/** Label the engine puts on every task container of a service: the service's name. */
export const SERVICE_NAME_LABEL = "com.docker.swarm.service.name";
/** The registry's volume is local to one node: pinned to the managers (the lab's engine is one). */
export const MANAGER_CONSTRAINT = "node.role==manager";
/**
 * CPU limit of each task: one CPU. A service has no CPU-share weight (the containers' cpuShares),
 * so each task gets a hard limit instead: it can never take more than one core of a node.
 */
export const LAB_NANO_CPUS = 1_000_000_000;
/** SIGTERM to SIGKILL for a task; with it set, `down` waits until the tasks are gone. The app stops within 2 s. */
export const TASK_STOP_GRACE_SECONDS = 10;
/** How often `up` polls a service until it has converged (the provider's default, 7 s, slows every up). */
export const CONVERGE_POLL_SECONDS = 2;

/**
 * URL of the registry API from the machine that runs the lab's checks: `http://<registryAddress>`
 * when registryAddress is set (the address every node, and so the machine that deploys to them,
 * reaches the registry at: on a swarm of several machines the registry publishes on its manager,
 * not on this machine), else `fallback` (the registry published on this machine's bindAddress).
 */
export function registryApiUrl(config: Pick<LabConfig, "registryAddress">, fallback: string): string {
    return config.registryAddress ? `http://${config.registryAddress}` : fallback;
}

/** Name of a lab's app service: `<prefix>-app`, the prefix being the instance (or, in a class, `<instance>-<student>`). */
export function appServiceName(prefix: string): string {
    return `${prefix}-app`;
}

/** Longest hostname base: a slot number (up to 2 digits, replicas <= 20) and a dash still fit a DNS label (63). */
const TASK_HOSTNAME_BASE_MAX = 60;

/**
 * The part of a task's hostname before its slot: the service name when it fits, else its first
 * characters and a hash of the whole name, so every lab's tasks keep distinct hostnames.
 */
export function taskHostnameBase(serviceName: string): string {
    return fitWithHash(serviceName, TASK_HOSTNAME_BASE_MAX);
}

/** Hostname of the app task in `slot` (1-based, as swarm numbers the tasks of a replicated service). */
export function taskHostname(serviceName: string, slot: number): string {
    return `${taskHostnameBase(serviceName)}-${slot}`;
}

/** The hostname every task of the service is given: a Go template the engine fills with the task's slot. */
export function taskHostnameTemplate(serviceName: string): string {
    return `${taskHostnameBase(serviceName)}-{{.Task.Slot}}`;
}

/**
 * Seconds a rollout watches each new task once it is running. Swarm reports a task with a
 * healthcheck as running only once it is healthy (one interval, 2 s, after the start); the monitor
 * then covers interval × retries, the time a task that breaks right after needs to be marked
 * unhealthy, so such a task fails the update (and rolls it back) instead of slipping through.
 */
export function monitorSeconds(h: HealthcheckSpec): number {
    return Math.max(h.intervalSeconds, h.intervalSeconds * h.retries);
}

/** The container settings of the lab that a service cannot express here (API 1.41 and @pulumi/docker 5.x), each with why. */
export function inexpressibleSettings(task: ContainerSpec): ServiceSpec["inexpressible"] {
    return [
        {
            setting: `memorySwapMb ${task.memorySwapMb} (no swap)`,
            reason: "a service has no memory-swap setting: the engine lets each task use as much swap again as its memory limit",
        },
        {
            setting: `cpuShares ${task.cpuShares}`,
            reason: "a service has no CPU-share weight: each task gets a hard CPU limit (nanoCpus) instead",
        },
        {
            setting: `pidsLimit ${task.pidsLimit}`,
            reason: "the engine has a PIDs limit for services (docker service create --limit-pids), but @pulumi/docker 5.x's Service has no field for it, and one set by hand is undone by the next update",
        },
        ...task.securityOpts.map((opt) => ({
            setting: `securityOpts ${opt}`,
            reason: "a service's container spec has no security options in API 1.41 (its privileges hold only credential spec and SELinux context)",
        })),
        {
            setting: `ports on ${task.ports.map((p) => p.ip).join(", ")}`,
            reason: "a service publishes its ports on every interface: of every node (ingress) or of the node that runs the task (host)",
        },
    ];
}

function rollout(failureAction: ServiceRolloutSpec["failureAction"], order: ServiceRolloutSpec["order"], h: HealthcheckSpec) {
    return { parallelism: 1, delaySeconds: 0, failureAction, monitorSeconds: monitorSeconds(h), order };
}

/** One service running `task`, replicated `replicas` times, with a one-at-a-time rollout that rolls back on failure. */
function service(
    task: ContainerSpec,
    options: Pick<ServiceSpec, "replicas" | "publishMode" | "maxReplicasPerNode" | "constraints"> & {
        labels: Record<string, string>;
        order: ServiceRolloutSpec["order"];
    },
): ServiceSpec {
    const monitor = monitorSeconds(task.healthcheck);
    return {
        name: task.name,
        labels: options.labels,
        task,
        replicas: options.replicas,
        publishMode: options.publishMode,
        maxReplicasPerNode: options.maxReplicasPerNode,
        constraints: options.constraints,
        nanoCpus: LAB_NANO_CPUS,
        update: rollout("rollback", options.order, task.healthcheck),
        rollback: rollout("pause", options.order, task.healthcheck),
        // Each task: healthy within its wait timeout, then watched for the monitor period; plus one wait for the pulls.
        converge: {
            delaySeconds: CONVERGE_POLL_SECONDS,
            timeoutSeconds: task.waitTimeoutSeconds + options.replicas * (task.waitTimeoutSeconds + monitor),
        },
        stopGracePeriodSeconds: TASK_STOP_GRACE_SECONDS,
        inexpressible: inexpressibleSettings(task),
    };
}

/**
 * The app service of a lab in swarm mode: `replicas` tasks of `task` (the container the containers
 * mode would run, with a slot-templated hostname). With publishMode host each node can publish the
 * port once, so at most one task per node, and stop-first updates (the old task frees the port);
 * through the ingress mesh tasks may share a node and start-first updates keep every old task until
 * its replacement is healthy.
 */
export function swarmAppService(
    config: Pick<LabConfig, "replicas" | "publishMode">,
    task: ContainerSpec,
    labels: Record<string, string>,
): ServiceSpec {
    const host = config.publishMode === "host";
    return service(task, {
        labels,
        replicas: config.replicas,
        publishMode: config.publishMode,
        maxReplicasPerNode: host ? 1 : 0,
        constraints: [],
        order: host ? "stop-first" : "start-first",
    });
}

/**
 * The registry service: one task of `task`, pinned to a manager since its volume is local to the
 * node; always stop-first, so two registries never share the volume.
 */
export function swarmRegistryService(
    config: Pick<LabConfig, "publishMode">,
    task: ContainerSpec,
    labels: Record<string, string>,
): ServiceSpec {
    return service(task, {
        labels,
        replicas: 1,
        publishMode: config.publishMode,
        maxReplicasPerNode: 0,
        constraints: [MANAGER_CONSTRAINT],
        order: "stop-first",
    });
}

/** The swarm part of a lab: the registry service, and the lab's app service when it runs one (not a class itself). */
export function swarmSpec(config: Pick<LabConfig, "publishMode">, registry: ServiceSpec, app?: ServiceSpec): SwarmSpec {
    return {
        publishMode: config.publishMode,
        registry,
        ...(app ? { app } : {}),
        taskHostnames: app ? Array.from({ length: app.replicas }, (_, i) => taskHostname(app.name, i + 1)) : [],
    };
}

/** Lists the swarm's nodes, one per line: hostname, address, state (ready/down) and availability (active/pause/drain). Needs a manager. */
export const SWARM_NODES_COMMAND =
    "docker node inspect --format '{{.Description.Hostname}} {{.Status.Addr}} {{.Status.State}} {{.Spec.Availability}}' $(docker node ls --quiet)";

/** One node of the swarm, as SWARM_NODES_COMMAND prints it. */
export interface SwarmNodeStatus {
    hostname: string;
    /** The address the node advertises, e.g. 10.0.0.5. */
    address: string;
    state: string;
    availability: string;
}

/** The nodes in the output of SWARM_NODES_COMMAND; throws a clear error on anything else. */
export function parseSwarmNodes(stdout: string): SwarmNodeStatus[] {
    return stdout
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
            const [hostname, address, state, availability, ...rest] = line.split(/\s+/);
            if (!availability || rest.length > 0) {
                throw new Error(
                    `The swarm's node list should have lines "hostname address state availability", but ${JSON.stringify(SWARM_NODES_COMMAND)} printed ${JSON.stringify(line)}; is the engine a swarm manager? (npm run doctor)`,
                );
            }
            return { hostname, address, state, availability };
        });
}

/** The URL of `port` on each ready node: where the app answers (every node through the mesh; in host mode the nodes that run a task). */
export function nodeUrls(nodes: SwarmNodeStatus[], port: number): string[] {
    return nodes.filter((n) => n.state === "ready").map((n) => `http://${n.address.includes(":") ? `[${n.address}]` : n.address}:${port}`);
}
