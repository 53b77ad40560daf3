import type { LabConfig, PublishMode } from "../../config/keys";
import { fitWithHash } from "../../names";
import type { AppSpec, ContainerSpec, HealthcheckSpec, RegistryRun } from "../../types";

/**
 * Swarm mode: the app and the registry as Docker Swarm services. Pure: the services are derived
 * from the very ContainerSpecs the containers mode runs, so both modes share one healthcheck, one
 * set of limits and one set of security settings; what a service cannot express is listed, with why.
 */

/** How a swarm service replaces its tasks: on a change (update) or back to the previous spec (rollback). */
export interface ServiceRolloutSpec {
    /** Tasks replaced at a time. */
    parallelism: number;
    /** Pause between two batches, in seconds. */
    delaySeconds: number;
    /** What a failed batch does: roll the service back, or pause it. */
    failureAction: "rollback" | "pause";
    /** How long each new task is watched for failure after it is running (healthy), in seconds. */
    monitorSeconds: number;
    /** stop-first frees the old task's host port before its replacement starts; start-first overlaps them. */
    order: "stop-first" | "start-first";
}

/**
 * A Docker Swarm service: its tasks run `task`, the same container settings the containers mode uses
 * (image aside), as far as a service can express them (see `inexpressible`).
 */
export interface ServiceSpec {
    /** Service name, e.g. docker-lab-dev-app. */
    name: string;
    /** Labels of the service object itself. */
    labels: Record<string, string>;
    /**
     * What every task runs. `name` is the service's; `hostname` may be a Go template of the task
     * (`{{.Task.Slot}}`); every port is published with `publishMode`, on every interface (a service has no host address).
     */
    task: ContainerSpec;
    /** Number of tasks (replicated mode). */
    replicas: number;
    publishMode: PublishMode;
    /** At most this many tasks of the service on one node; 0 means no limit. */
    maxReplicasPerNode: number;
    /** Placement constraints, e.g. node.role==manager. */
    constraints: string[];
    /** CPU limit of each task, in units of 1e-9 CPUs (a service has no CPU share). */
    nanoCpus: number;
    update: ServiceRolloutSpec;
    rollback: ServiceRolloutSpec;
    /** How often `up` polls, and how long it waits, until the service has converged. */
    converge: { delaySeconds: number; timeoutSeconds: number };
    /** How long a task gets to stop after SIGTERM; `down` waits for the tasks to be gone. */
    stopGracePeriodSeconds: number;
    /** Settings of `task` that a service cannot express here, each with why: they do not apply to its tasks. */
    inexpressible: { setting: string; reason: string }[];
}

/** The app of a lab in swarm mode: one service of `replicas` tasks of the image digest. */
export interface SwarmApp extends AppSpec {
    mode: "swarm";
    service: ServiceSpec;
    publishMode: PublishMode;
    /** Hostnames the app's tasks answer with, one per task slot (1..replicas). */
    taskHostnames: string[];
}

/** The registry in swarm mode: one task pinned to a manager, since its volume is local to the node (in a class, the class's). */
export interface SwarmRegistryRun extends RegistryRun {
    mode: "swarm";
    service: ServiceSpec;
}

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
