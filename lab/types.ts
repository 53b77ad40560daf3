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

export interface LabSpec {
    /** Instance id every name, label and repository derives from, e.g. docker-lab-dev. */
    instance: string;
    /** Docker engine address; empty means DOCKER_HOST or the platform default. */
    dockerHost: string;
    /** Environment every docker CLI command of the lab runs with. */
    commandEnv: Record<string, string>;
    /** Labels shared by every object of this lab. */
    labels: Record<string, string>;
    network: { name: string; labels: Record<string, string> };
    volume: { name: string; labels: Record<string, string> };
    registry: { image: string; container: ContainerSpec; url: string };
    image: ImageSpec;
    replicas: ContainerSpec[];
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
