import * as path from "node:path";
import { type LessonCheck, lessonChecks } from "./checks";
import { type ConfigSchema, type LabConfig, parseLabConfig } from "./config";
import { shellQuote } from "./shell";

/**
 * The lab's complete specification, derived from validated config by pure functions.
 * The Pulumi components map it to resources; the live harness maps the very same spec to
 * docker CLI calls. Nothing here talks to an engine.
 */

/** Label keys every lab object carries; `docker-lab.instance` tells labs on one engine apart. */
export const LABEL = {
    managed: "docker-lab.managed",
    instance: "docker-lab.instance",
    role: "docker-lab.role",
    replica: "docker-lab.replica",
} as const;

/** Port the app listens on inside its container. */
export const APP_CONTAINER_PORT = 8080;
/** Port the registry listens on inside its container (the registry image's default). */
export const REGISTRY_CONTAINER_PORT = 5000;
/** Where the app's files live inside the image (WORKDIR of app/Dockerfile). */
export const APP_DIR_IN_IMAGE = "/app";
/** Placeholders in check commands, filled once the image is pushed (its digest is unknown before). */
export const IMAGE_REF_PLACEHOLDER = "@IMAGE_REF@";
export const IMAGE_DIGEST_PLACEHOLDER = "@IMAGE_DIGEST@";

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
    /** Memory limit in MiB, or undefined for none. */
    memoryMb?: number;
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
    /** Shell command that removes every local tag of the lab's image (run on destroy). */
    removeCommand: string;
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
}

/** The Pulumi project name (Pulumi.yaml `name`), the first part of every instance id. */
export const PROJECT_NAME = "docker-lab";
/** The app folder, relative to the project root, where every lab command runs. */
export const APP_DIR = "app";

export interface SpecContext {
    /** Pulumi stack name; part of every name. */
    stack: string;
    /** Pulumi project name, e.g. docker-lab. */
    project: string;
    /** App folder (build context) relative to the project root, where every lab command runs. */
    appDir: string;
}

/** Turns project and stack into an id valid as a container name and as a registry path component. */
export function instanceId(project: string, stack: string): string {
    const id = `${project}-${stack}`.toLowerCase();
    if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(id)) {
        throw new Error(
            `Stack name ${JSON.stringify(stack)} gives the lab id ${JSON.stringify(id)}, which Docker cannot use in names and repositories; ` +
                "use a stack name of letters and digits separated by single '-', '_' or '.' (pulumi stack init dev)",
        );
    }
    return id;
}

/** `address:port`, with an IPv6 address in brackets (`[::1]:5000`). */
export function hostPort(address: string, port: number): string {
    return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** URL a client on this machine uses to reach a port published on `bindAddress`. */
export function hostUrl(bindAddress: string, port: number): string {
    const wildcard: Record<string, string> = { "0.0.0.0": "127.0.0.1", "::": "::1" };
    return `http://${hostPort(wildcard[bindAddress] ?? bindAddress, port)}`;
}

/**
 * Registry host as the engine sees it. Loopback and wildcard binds are reached as `localhost`,
 * which Docker trusts over plain HTTP; any other address must be in the engine's insecure-registries.
 */
export function registryServer(bindAddress: string, port: number): string {
    const loopback = ["127.0.0.1", "0.0.0.0", "::", "::1"].includes(bindAddress);
    return loopback ? `localhost:${port}` : hostPort(bindAddress, port);
}

/** Host port of replica `index` (0-based). */
export function replicaPort(config: Pick<LabConfig, "appPort">, index: number): number {
    return config.appPort + index;
}

/** Name of replica `index`. */
export function replicaName(instance: string, index: number): string {
    return `${instance}-app-${index}`;
}

/** Waits for the app's /healthz with node itself, so the check needs no curl or wget in the image. */
export const APP_HEALTHCHECK_COMMAND = `node -e "require('http').get('http://127.0.0.1:${APP_CONTAINER_PORT}/healthz',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"`;
/** GET /v2/ is the registry API's version check: 200 once it serves. */
export const REGISTRY_HEALTHCHECK_COMMAND = `wget -q -O /dev/null http://127.0.0.1:${REGISTRY_CONTAINER_PORT}/v2/ || exit 1`;

// Interval 2 s without start_interval (API 1.44): healthy within ~2 s on every engine from 20.10 up.
const HEALTH_TIMING = { intervalSeconds: 2, timeoutSeconds: 3, retries: 5, startPeriodSeconds: 10 };

/** Builds the complete lab specification from validated config. Pure and deterministic. */
export function buildLabSpec(config: LabConfig, ctx: SpecContext): LabSpec {
    const instance = instanceId(ctx.project, ctx.stack);
    const labels = { [LABEL.managed]: "true", [LABEL.instance]: instance };
    const withRole = (role: string, extra: Record<string, string> = {}) => ({ ...labels, [LABEL.role]: role, ...extra });
    const commandEnv: Record<string, string> = config.dockerHost ? { DOCKER_HOST: config.dockerHost } : {};
    const server = registryServer(config.bindAddress, config.registryPort);
    const registryPath = `${instance}/${config.appImageName}`;
    const repository = `${server}/${registryPath}`;
    const appDir = path.posix.normalize(ctx.appDir);

    const registryContainer: ContainerSpec = {
        name: `${instance}-registry`,
        hostname: `${instance}-registry`,
        ports: [{ internal: REGISTRY_CONTAINER_PORT, external: config.registryPort, ip: config.bindAddress }],
        env: {},
        labels: withRole("registry"),
        networkAliases: ["registry"],
        healthcheck: { command: REGISTRY_HEALTHCHECK_COMMAND, ...HEALTH_TIMING },
        restartMaxRetries: 3,
        readOnlyRootFilesystem: false,
        tmpfs: {},
        capDrop: ["ALL"],
        securityOpts: ["no-new-privileges:true"],
        volumes: [{ volumeName: `${instance}-registry-data`, containerPath: "/var/lib/registry" }],
        waitTimeoutSeconds: 60,
    };

    const replicas: ContainerSpec[] = Array.from({ length: config.replicas }, (_, index) => {
        const name = replicaName(instance, index);
        return {
            name,
            hostname: name,
            ports: [{ internal: APP_CONTAINER_PORT, external: replicaPort(config, index), ip: config.bindAddress }],
            env: { PORT: String(APP_CONTAINER_PORT), LAB_INSTANCE: instance },
            labels: withRole("app", { [LABEL.replica]: String(index) }),
            networkAliases: [config.appImageName],
            healthcheck: { command: APP_HEALTHCHECK_COMMAND, ...HEALTH_TIMING },
            restartMaxRetries: 3,
            memoryMb: config.memoryLimitMb,
            user: "1000:1000",
            readOnlyRootFilesystem: true,
            tmpfs: { "/tmp": "rw,noexec,nosuid,size=16m" },
            capDrop: ["ALL"],
            securityOpts: ["no-new-privileges:true"],
            volumes: [],
            waitTimeoutSeconds: 60,
        };
    });

    const imageLabelFilter = `label=${LABEL.instance}=${instance}`;
    const image: ImageSpec = {
        repository,
        registryPath,
        tag: config.appImageTag,
        name: `${repository}:${config.appImageTag}`,
        context: appDir,
        dockerfile: path.posix.join(appDir, "Dockerfile"),
        buildArgs: { BASE_IMAGE: config.baseImage, LAB_INSTANCE: instance },
        registryServer: server,
        // By id and forced, so tags made by checks go too; the label keeps other labs' images safe.
        removeCommand: `ids=$(docker image ls -q --filter ${shellQuote(imageLabelFilter)} | sort -u); [ -z "$ids" ] || docker image rm -f $ids`,
    };

    const partial = {
        instance,
        dockerHost: config.dockerHost,
        commandEnv,
        labels,
        network: { name: `${instance}-net`, labels: withRole("network") },
        volume: { name: registryContainer.volumes[0].volumeName, labels: withRole("registry-data") },
        registry: {
            image: config.registryImage,
            container: registryContainer,
            url: hostUrl(config.bindAddress, config.registryPort),
        },
        image,
        replicas,
        appUrls: replicas.map((r) => hostUrl(config.bindAddress, r.ports[0].external)),
    };
    return { ...partial, checks: lessonChecks(partial, config) };
}

/**
 * The spec of this project's lab on `stack` from raw config values (as `pulumi config` holds them),
 * for the tools that run outside Pulumi: verify, doctor, the live harness and the benchmark.
 */
export function labSpecFor(raw: Partial<Record<string, unknown>>, stack: string, schema?: ConfigSchema): LabSpec {
    return buildLabSpec(parseLabConfig(raw, schema), { project: PROJECT_NAME, stack, appDir: APP_DIR });
}
