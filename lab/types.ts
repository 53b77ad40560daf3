import type { LabMode } from "./config/keys";

/**
 * The lab specification's types: pure data the Pulumi components and the live harness both map.
 * A mode adds its own parts (the app, the registry's placement) to the base AppSpec and RegistryRun.
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
    /** How the engine restarts the container: after it stops, and after the engine restarts, unless stopped by hand. */
    restartPolicy: "unless-stopped";
    /** Where the container runs as a service's task: restarted on failure at most this many times. */
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
    /** The student's repository as the class's engine pushes to it (the same as the lab's image repository unless the student has an engine of their own). */
    classRepository: string;
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
     * read-only), or the file of a Docker secret under /run/secrets where the mode keeps it as one.
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

/**
 * The app of a lab as its mode runs it (containers, a service …). Each mode extends this with its
 * own fields; code outside the mode sees only `mode` and asks the mode (lab/modes) for the rest.
 */
export interface AppSpec {
    mode: LabMode;
}

/** How the lab's mode runs the registry (as a container, as a service …): the mode's own part of the registry. */
export interface RegistryRun {
    mode: LabMode;
}

/** The lab network: a bridge, or whatever driver the mode needs. */
export interface NetworkSpec {
    name: string;
    labels: Record<string, string>;
    driver?: "overlay";
    attachable?: boolean;
    /** A subnet of its own, its gateway and the range Docker allocates from (a seat's network, where the seat has a fixed address outside it). Default: one from Docker's pools. */
    ipam?: { subnet: string; gateway: string; ipRange: string };
}

/** The local registry: what it runs (a container spec, whatever the mode makes of it), where it answers, its login. */
export interface RegistrySpec {
    image: string;
    container: ContainerSpec;
    /** URL of the registry API from the machine that runs the lab's checks. */
    url: string;
    /** Set with registryAuth (a login is required); undefined without. */
    auth?: RegistryAuthSpec;
    /** The mode's placement of the registry. */
    run: RegistryRun;
}

/** What every lab of a spec shares: the one learner's lab, or a class's registry, volume and image build. */
export interface SharedSpec {
    /** Instance id every name, label and repository derives from, e.g. docker-lab-dev. */
    instance: string;
    /** How the lab runs its app and registry (lab/modes). */
    mode: LabMode;
    /** Docker engine address; empty means DOCKER_HOST or the platform default. */
    dockerHost: string;
    /** Environment every docker CLI command of the lab runs with. */
    commandEnv: Record<string, string>;
    /** Labels shared by every object of this lab. */
    labels: Record<string, string>;
    /** The lab network (a class's holds only its registry; each student has one of their own). */
    network: NetworkSpec;
    volume: { name: string; labels: Record<string, string> };
    registry: RegistrySpec;
    image: ImageSpec;
    /** Where `npm run portal` serves the class portal. */
    portal: PortalSpec;
}

/** The class portal's address: the lab's bindAddress (loopback unless the config says otherwise) and its own port. */
export interface PortalSpec {
    bindAddress: string;
    port: number;
    /** Its base URL as this machine reaches it, e.g. http://127.0.0.1:8070. */
    url: string;
}

/** One lab that runs the app, everything but its lesson checks: the one learner's, or a student's in a class. */
export interface LabCore extends SharedSpec {
    /** The app, as the mode runs it. */
    app: AppSpec;
    /** Where this machine reaches the app (one URL per replica, or the service's published port). */
    appUrls: string[];
    /**
     * Set on a student's lab in a classroom, which shares the class's registry, volume and image build
     * but has its own network, image repository, app, ports and checks. Undefined for the one-learner lab.
     */
    student?: StudentSpec;
}

export interface SpecContext {
    /** Pulumi stack name; part of every name. */
    stack: string;
    /** Pulumi project name, e.g. docker-lab. */
    project: string;
    /** App folder (build context) relative to the project root, where every lab command runs. */
    appDir: string;
}
