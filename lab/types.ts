import type { LabMode, PublishMode } from "./config";
import type { LessonCheck } from "./lessons/types";

/**
 * The lab specification's types: pure data the Pulumi components and the live harness both map.
 * Kept apart from spec.ts so the lesson checks can use them without importing the spec builder.
 */

export interface PortSpec {
    /** Port inside the container. */
    internal: number;
    /** Port on the host. */
    external: number;
    /** Host address the port binds to. */
    ip: string;
}

export interface HealthcheckSpec {
    /** Shell command run inside the container (CMD-SHELL); exit 0 means healthy. */
    command: string;
    intervalSeconds: number;
    timeoutSeconds: number;
    retries: number;
    startPeriodSeconds: number;
}

export interface ContainerSpec {
    name: string;
    hostname: string;
    ports: PortSpec[];
    env: Record<string, string>;
    labels: Record<string, string>;
    /** Lab network and the aliases this container answers to on it. */
    networkAliases: string[];
    healthcheck: HealthcheckSpec;
    /** Restart policy `on-failure` with this many retries. */
    restartMaxRetries: number;
    /** Memory limit in MiB. */
    memoryMb: number;
    /** Memory plus swap limit in MiB; equal to `memoryMb` means no swap (and no engine-filled default to drift from). */
    memorySwapMb: number;
    /** Relative CPU weight under contention (Docker's default is 1024). */
    cpuShares: number;
    /** Most processes and threads the container may run (cgroup pids.max). */
    pidsLimit: number;
    /** User to run as (uid:gid), or undefined for the image's own. */
    user?: string;
    readOnlyRootFilesystem: boolean;
    /** tmpfs mounts: container path to mount options. */
    tmpfs: Record<string, string>;
    capDrop: string[];
    securityOpts: string[];
    /** Named volumes: volume name to container path. */
    volumes: { volumeName: string; containerPath: string }[];
    /** How long `up` waits for the container to become healthy. */
    waitTimeoutSeconds: number;
}

export interface ImageSpec {
    /** Repository in the local registry, e.g. localhost:5000/docker-lab-dev/hellodocker. */
    repository: string;
    /** Path of the repository inside the registry, e.g. docker-lab-dev/hellodocker. */
    registryPath: string;
    tag: string;
    /** repository:tag, the name the image is built and pushed as. */
    name: string;
    /** Build context (app/), relative to the project root so state holds no machine-specific path. */
    context: string;
    /** Dockerfile, relative to the project root. */
    dockerfile: string;
    buildArgs: Record<string, string>;
    /** Registry host as the engine reaches it, e.g. localhost:5000. */
    registryServer: string;
    /** Shell command that removes the containers and images the exercises made, then every local tag of the lab's image (run on destroy). */
    removeCommand: string;
    /** Shell command that prints the engine's own os/arch (e.g. linux/amd64), the platform the image is built for. */
    platformCommand: string;
}

/** What makes a lab a student's, in a classroom. */
export interface StudentSpec {
    /** The student's name, from the `students` config key. */
    name: string;
    /** Prefix of the names of the student's objects: `<instance>-<student>`. */
    prefix: string;
    /**
     * Shell command that tags the class image (IMAGE_REF_PLACEHOLDER: its repository@sha256:...) into
     * the student's repository, pushes it (a cross-repository push of the same manifest) and fails
     * unless the registry reports the same digest (IMAGE_DIGEST_PLACEHOLDER). Fill it with `resolveImageCommand`.
     */
    copyImageCommand: string;
}

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

/** The swarm part of a lab in swarm mode. */
export interface SwarmSpec {
    publishMode: PublishMode;
    /** The registry: one task pinned to a manager, since its volume is local to the node (in a class, the class's). */
    registry: ServiceSpec;
    /** The app: one service of `replicas` tasks of the image digest; undefined on a class itself, whose students each have one. */
    app?: ServiceSpec;
    /** Hostnames the app's tasks answer with, one per task slot (1..replicas); empty without an app. */
    taskHostnames: string[];
}

/**
 * Registry authentication (`registryAuth`): how the registry checks logins and how the lab's own
 * calls log in. Names only: the password is a Pulumi secret and never part of the spec.
 */
export interface RegistryAuthSpec {
    /** User name of the login (registryUser). */
    user: string;
    /** Realm the registry names in its 401 answers (REGISTRY_AUTH_HTPASSWD_REALM). */
    realm: string;
    /**
     * The htpasswd file inside the registry container: on its volume (the root filesystem is
     * read-only), or in swarm mode the Docker secret's file under /run/secrets.
     */
    htpasswdPath: string;
    /** Registry host `docker login` and the push use, e.g. localhost:5000. */
    server: string;
    /** Environment variable the check scripts read the password from. */
    passwordEnv: string;
    /** Environment variable holding base64(user:password), the basic credentials curl sends. */
    basicAuthEnv: string;
    /** Shell command printing a new random password: the generated one when no registryPassword is set. */
    generatePasswordCommand: string;
}

export interface LabSpec {
    /** Instance id every name, label and repository derives from, e.g. docker-lab-dev. */
    instance: string;
    /** How the app runs: containers (one per replica) or swarm (one service; then `swarm` is set and `replicas` is empty). */
    mode: LabMode;
    /** Docker engine address; empty means DOCKER_HOST or the platform default. */
    dockerHost: string;
    /** Environment every docker CLI command of the lab runs with. */
    commandEnv: Record<string, string>;
    /** Labels shared by every object of this lab. */
    labels: Record<string, string>;
    /** The lab network: a bridge in containers mode, an attachable overlay in swarm mode. */
    network: { name: string; labels: Record<string, string>; driver?: "overlay"; attachable?: boolean };
    volume: { name: string; labels: Record<string, string> };
    /** The registry; `auth` is set with registryAuth (a login is required), undefined without. */
    registry: { image: string; container: ContainerSpec; url: string; auth?: RegistryAuthSpec };
    image: ImageSpec;
    /** App containers (containers mode); empty in swarm mode, where `swarm.app` runs the app. */
    replicas: ContainerSpec[];
    /** Swarm mode: the services; undefined in containers mode. */
    swarm?: SwarmSpec;
    /** Where this machine reaches the app: one URL per replica, or (swarm mode) the app service's published port. */
    appUrls: string[];
    checks: LessonCheck[];
    /**
     * Set on a student's lab in a classroom (an entry of the class's `students`), which shares the
     * class's registry, volume and image build but has its own network, image repository, replicas,
     * ports and checks. Undefined for the one-learner lab and for the class itself.
     */
    student?: StudentSpec;
    /**
     * A classroom: one lab per student, in config order. The class itself then has no replicas, URLs
     * or checks of its own: its network holds only the registry. Empty for the one-learner lab.
     */
    students: LabSpec[];
}

export interface SpecContext {
    /** Pulumi stack name; part of every name. */
    stack: string;
    /** Pulumi project name, e.g. docker-lab. */
    project: string;
    /** App folder (build context) relative to the project root, where every lab command runs. */
    appDir: string;
}
