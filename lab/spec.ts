import { createHash } from "node:crypto";
import * as path from "node:path";
import { ADD_STUDENT_HINT, classPortPlan } from "./classroom";
import { type ConfigSchema, type LabConfig, parseLabConfig } from "./config";
import {
    APP_CONTAINER_PORT,
    APP_DIR,
    IMAGE_DIGEST_PLACEHOLDER,
    IMAGE_REF_PLACEHOLDER,
    LABEL,
    PROJECT_NAME,
    REGISTRY_CONTAINER_PORT,
} from "./constants";
import { exerciseCleanupCommand } from "./exercises/cleanup";
import { lessonChecks } from "./lessons";
import { GENERATE_PASSWORD_COMMAND, REGISTRY_BASIC_AUTH_ENV, REGISTRY_PASSWORD_ENV } from "./registryAuth";
import { shellQuote } from "./shell";
import { appServiceName, registryApiUrl, swarmAppService, swarmRegistryService, swarmSpec, taskHostnameTemplate } from "./swarm";
import type { ContainerSpec, ImageSpec, LabSpec, RegistryAuthSpec, ServiceSpec, SpecContext } from "./types";

/**
 * The lab's complete specification, derived from validated config by pure functions.
 * The Pulumi components map it to resources; the live harness maps the very same spec to
 * docker CLI calls. Nothing here talks to an engine.
 */

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
/**
 * With registryAuth, GET /v2/ without credentials must answer 401: the registry serves and demands a
 * login (a 200 would mean it lets anyone in, and is unhealthy). The healthcheck sends no password.
 */
export const REGISTRY_AUTH_HEALTHCHECK_COMMAND = `case "$(wget -S -O /dev/null http://127.0.0.1:${REGISTRY_CONTAINER_PORT}/v2/ 2>&1)" in *"401 Unauthorized"*) exit 0 ;; *) exit 1 ;; esac`;
/** Where the registry reads its htpasswd file: on its volume, since its root filesystem is read-only. */
export const REGISTRY_HTPASSWD_PATH = "/var/lib/registry/htpasswd";
/**
 * Swarm mode: where the registry service reads its htpasswd file, a Docker secret the engine mounts
 * into the task (an in-memory file under /run/secrets, even with a read-only root), never on the volume.
 */
export const REGISTRY_SWARM_HTPASSWD_PATH = "/run/secrets/docker-lab-registry-htpasswd";
/** The realm of the registry's basic authentication. */
export const REGISTRY_AUTH_REALM = "docker-lab registry";

/** The registry container's environment for a login with htpasswd (the file itself comes with the container). */
export function registryAuthContainerEnv(auth: RegistryAuthSpec): Record<string, string> {
    return {
        REGISTRY_AUTH: "htpasswd",
        REGISTRY_AUTH_HTPASSWD_REALM: auth.realm,
        REGISTRY_AUTH_HTPASSWD_PATH: auth.htpasswdPath,
    };
}

// Interval 2 s without start_interval (API 1.44): healthy within ~2 s on every engine from 20.10 up.
const HEALTH_TIMING = { intervalSeconds: 2, timeoutSeconds: 3, retries: 5, startPeriodSeconds: 10 };
/**
 * Healthchecks of a class's replicas. Each check starts a `node` process in the replica: every 5 s
 * instead of 2 keeps that load of a whole class at two fifths, and 10 s per check instead of 3 keeps
 * a replica healthy while the engine is busy with every student's lesson checks (measured: a class
 * of 10 on a loaded 2-core machine had replicas turn unhealthy with 3 s).
 */
export const CLASS_HEALTH_TIMING = { intervalSeconds: 5, timeoutSeconds: 10, retries: 5, startPeriodSeconds: 10 };
/** How long `up` waits for a replica to become healthy: one learner's, and a class's (many start at once). */
const WAIT_TIMEOUT_SECONDS = { lab: 60, class: 180 };

// CIS Docker Benchmark section 5 (container runtime), the same on every container of the lab.

/** Memory limit of the registry container, in MiB: the Go registry serving one lab uses ~20 MiB. */
export const REGISTRY_MEMORY_MB = 256;
/**
 * CPU share of every lab container. Shares are a relative weight that matters only under
 * contention: 0 means unset (the engine's default 1024, which CIS 5.12 flags), and 1024 would weigh
 * the lab like any other container. 512 lets the lab yield half to the learner's other work on a
 * busy machine while it still gets every idle core.
 */
export const LAB_CPU_SHARES = 512;
/**
 * PIDs limit of every lab container (CIS 5.29). pids.max counts threads: node and the Go registry
 * run ~10-30 each, `docker exec` in a lesson check adds a few; 128 leaves room and stops a fork bomb.
 */
export const LAB_PIDS_LIMIT = 128;
/** Restart `on-failure` at most this many times (CIS 5.15). */
export const LAB_RESTART_MAX_RETRIES = 5;
/** The one writable path of a read-only container besides its volumes: small, no exec, no setuid. */
export const TMP_TMPFS = { "/tmp": "rw,noexec,nosuid,size=16m" } as const;
/** Every capability dropped; no process may gain privileges through setuid binaries. */
const lockedDown = () => ({ capDrop: ["ALL"], securityOpts: ["no-new-privileges:true"] });

/** Prints the engine's own OS and architecture, e.g. linux/amd64: the platform the app image is built for. */
export const ENGINE_PLATFORM_COMMAND = "docker version --format '{{.Server.Os}}/{{.Server.Arch}}'";

/**
 * The platform from the output of ENGINE_PLATFORM_COMMAND, trimmed; throws a clear error unless it
 * looks like os/arch (optionally /variant), e.g. linux/amd64 or linux/arm64/v8.
 */
export function parseEnginePlatform(stdout: string, command = ENGINE_PLATFORM_COMMAND): string {
    const platform = stdout.trim();
    if (!/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(platform)) {
        throw new Error(
            `The engine's platform should look like os/arch (e.g. linux/amd64), but ${JSON.stringify(command)} printed ${JSON.stringify(platform)}; ` +
                "check that the docker CLI reaches the engine (npm run doctor)",
        );
    }
    return platform;
}

/** Longest hostname the kernel accepts is 64; a DNS label is at most 63 characters. */
export const HOSTNAME_MAX = 63;

/**
 * The hostname of a container named `name`: the name itself when it fits a DNS label (63
 * characters), else its first characters and a hash of the whole name, so a long stack or student
 * name still starts (runc refuses a hostname over 64 characters) and every hostname stays distinct.
 */
export function hostnameFor(name: string): string {
    if (name.length <= HOSTNAME_MAX) return name;
    const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
    return `${name.slice(0, HOSTNAME_MAX - hash.length - 1).replace(/[-.]+$/, "")}-${hash}`;
}

/** Name of student `student`'s replica `index` in lab `instance`. */
export function studentReplicaName(instance: string, student: string, index: number): string {
    return replicaName(`${instance}-${student}`, index);
}

/** Shell command that untags every local tag of `repository` (by name: the image itself stays for other tags). */
function untagRepositoryCommand(repository: string): string {
    const ref = shellQuote(`reference=${repository}:*`);
    return `refs=$(docker image ls --format '{{.Repository}}:{{.Tag}}' --filter ${ref} | sort -u); [ -z "$refs" ] || docker image rm $refs`;
}

/**
 * The command that gives a student's repository the class image: tag the class image's digest
 * reference (IMAGE_REF_PLACEHOLDER) as the student's image name, push it (the registry mounts the
 * layers from the class repository, so nothing is uploaded twice) and require the same digest.
 */
function copyImageCommand(image: ImageSpec): string {
    const q = shellQuote;
    return [
        `docker tag ${IMAGE_REF_PLACEHOLDER} ${q(image.name)} || exit 1`,
        `out=$(docker push ${q(image.name)} 2>&1) || { printf '%s\\n' "$out" >&2; exit 1; }`,
        `case "$out" in *"digest: ${IMAGE_DIGEST_PLACEHOLDER} "*) ;; *) printf '%s\\n' ${q(`${image.name} was pushed, but the registry did not report the class image's digest ${IMAGE_DIGEST_PLACEHOLDER}:`)} "$out" >&2; exit 1 ;; esac`,
        `printf '%s\\n' ${q(`${image.repository}@`)}${IMAGE_DIGEST_PLACEHOLDER}`,
    ].join("\n");
}

/** What every lab of a spec shares: the class, or the one learner's lab, minus its replicas and checks. */
type SharedLab = Omit<LabSpec, "replicas" | "appUrls" | "checks" | "students" | "student">;

/** One app replica: name, published port, labels, limits and security settings. */
function replicaSpec(
    config: LabConfig,
    name: string,
    port: number,
    labels: Record<string, string>,
    env: Record<string, string>,
    inClass = false,
): ContainerSpec {
    return {
        name,
        hostname: hostnameFor(name),
        ports: [{ internal: APP_CONTAINER_PORT, external: port, ip: config.bindAddress }],
        env: { PORT: String(APP_CONTAINER_PORT), ...env },
        labels,
        networkAliases: [config.appImageName],
        healthcheck: { command: APP_HEALTHCHECK_COMMAND, ...(inClass ? CLASS_HEALTH_TIMING : HEALTH_TIMING) },
        restartMaxRetries: LAB_RESTART_MAX_RETRIES,
        memoryMb: config.memoryLimitMb,
        memorySwapMb: config.memoryLimitMb,
        cpuShares: LAB_CPU_SHARES,
        pidsLimit: LAB_PIDS_LIMIT,
        user: "1000:1000",
        readOnlyRootFilesystem: true,
        tmpfs: { ...TMP_TMPFS },
        ...lockedDown(),
        volumes: [],
        waitTimeoutSeconds: inClass ? WAIT_TIMEOUT_SECONDS.class : WAIT_TIMEOUT_SECONDS.lab,
    };
}

/** The lab network: a bridge, or in swarm mode an overlay that swarm services and `docker run` containers can both join. */
function labNetwork(config: LabConfig, name: string, labels: Record<string, string>): LabSpec["network"] {
    return config.mode === "swarm" ? { name, labels, driver: "overlay", attachable: true } : { name, labels };
}

/**
 * Swarm mode: the app service of the lab whose objects are named from `prefix`, publishing `port`.
 * Its tasks run the very container a replica would (limits, security settings, healthcheck), with
 * a hostname per task slot.
 */
function appService(
    config: LabConfig,
    prefix: string,
    port: number,
    labels: Record<string, string>,
    env: Record<string, string>,
    inClass = false,
): ServiceSpec {
    const name = appServiceName(prefix);
    const task = { ...replicaSpec(config, name, port, labels, env, inClass), hostname: taskHostnameTemplate(name) };
    return swarmAppService(config, task, labels);
}

/**
 * One student's lab in a class: the class's registry, volume and engine; its own network
 * `<instance>-<student>-net`, repository `<registry>/<instance>/<student>/<appImageName>`, replicas
 * `<instance>-<student>-app-<i>` on its own block of ports from `firstPort`, and its own checks.
 * Every object carries the label docker-lab.student=<student>.
 */
function studentLabSpec(shared: SharedLab, config: LabConfig, student: string, firstPort: number): LabSpec {
    const { instance } = shared;
    const prefix = `${instance}-${student}`;
    const labels = { ...shared.labels, [LABEL.student]: student };
    const withRole = (role: string, extra: Record<string, string> = {}) => ({ ...labels, [LABEL.role]: role, ...extra });
    const registryPath = `${instance}/${student}/${config.appImageName}`;
    const repository = `${shared.image.registryServer}/${registryPath}`;
    const image: ImageSpec = {
        ...shared.image,
        repository,
        registryPath,
        name: `${repository}:${config.appImageTag}`,
        // By name, never by id: the image is the class's, and the other students' tags of it stay.
        removeCommand: untagRepositoryCommand(repository),
    };
    const env = { LAB_INSTANCE: instance, LAB_STUDENT: student };
    const app = shared.swarm ? appService(config, prefix, firstPort, withRole("app"), env, true) : undefined;
    const replicas = app
        ? []
        : Array.from({ length: config.replicas }, (_, index) =>
              replicaSpec(
                  config,
                  studentReplicaName(instance, student, index),
                  firstPort + index,
                  withRole("app", { [LABEL.replica]: String(index) }),
                  env,
                  true,
              ),
          );
    const partial = {
        ...shared,
        labels,
        network: labNetwork(config, `${prefix}-net`, withRole("network")),
        image,
        replicas,
        ...(shared.swarm && app ? { swarm: swarmSpec(config, shared.swarm.registry, app) } : {}),
        appUrls: app ? [hostUrl(config.bindAddress, firstPort)] : replicas.map((r) => hostUrl(config.bindAddress, r.ports[0].external)),
        student: { name: student, prefix, copyImageCommand: copyImageCommand(image) },
        students: [],
    };
    return { ...partial, checks: lessonChecks(partial, config) };
}

/**
 * Builds the complete lab specification from validated config. Pure and deterministic.
 * Without students it is the one learner's lab; with students it is a class: the shared registry
 * and image build, and one student lab per name in `students`.
 */
export function buildLabSpec(config: LabConfig, ctx: SpecContext): LabSpec {
    const instance = instanceId(ctx.project, ctx.stack);
    const labels = { [LABEL.managed]: "true", [LABEL.instance]: instance };
    const withRole = (role: string, extra: Record<string, string> = {}) => ({ ...labels, [LABEL.role]: role, ...extra });
    const commandEnv: Record<string, string> = config.dockerHost ? { DOCKER_HOST: config.dockerHost } : {};
    const swarmMode = config.mode === "swarm";
    // A service publishes on every interface, so on a swarm the registry is always localhost:<registryPort> to its node.
    const server =
        config.registryAddress ||
        (swarmMode ? `localhost:${config.registryPort}` : registryServer(config.bindAddress, config.registryPort));
    const registryPath = `${instance}/${config.appImageName}`;
    const repository = `${server}/${registryPath}`;
    const appDir = path.posix.normalize(ctx.appDir);
    const auth: RegistryAuthSpec | undefined = config.registryAuth
        ? {
              user: config.registryUser,
              realm: REGISTRY_AUTH_REALM,
              htpasswdPath: swarmMode ? REGISTRY_SWARM_HTPASSWD_PATH : REGISTRY_HTPASSWD_PATH,
              server,
              passwordEnv: REGISTRY_PASSWORD_ENV,
              basicAuthEnv: REGISTRY_BASIC_AUTH_ENV,
              generatePasswordCommand: GENERATE_PASSWORD_COMMAND,
          }
        : undefined;

    const registryContainer: ContainerSpec = {
        name: `${instance}-registry`,
        hostname: hostnameFor(`${instance}-registry`),
        ports: [{ internal: REGISTRY_CONTAINER_PORT, external: config.registryPort, ip: config.bindAddress }],
        env: auth ? registryAuthContainerEnv(auth) : {},
        labels: withRole("registry"),
        networkAliases: ["registry"],
        healthcheck: { command: auth ? REGISTRY_AUTH_HEALTHCHECK_COMMAND : REGISTRY_HEALTHCHECK_COMMAND, ...HEALTH_TIMING },
        restartMaxRetries: LAB_RESTART_MAX_RETRIES,
        memoryMb: REGISTRY_MEMORY_MB,
        memorySwapMb: REGISTRY_MEMORY_MB,
        cpuShares: LAB_CPU_SHARES,
        pidsLimit: LAB_PIDS_LIMIT,
        // No user: the offline registry image declares USER 65532:65532 itself; the official
        // registry:2 declares none and has no non-root user to pick (an exception the README names).
        readOnlyRootFilesystem: true,
        tmpfs: { ...TMP_TMPFS },
        ...lockedDown(),
        volumes: [{ volumeName: `${instance}-registry-data`, containerPath: "/var/lib/registry" }],
        waitTimeoutSeconds: 60,
    };

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
        // First what the learner's exercises made (a container still running from the lab image would
        // keep it), then the lab's images by id and forced, so tags made by checks go too; the label
        // keeps other labs' images safe.
        removeCommand: `${exerciseCleanupCommand(instance)}; ids=$(docker image ls -q --filter ${shellQuote(imageLabelFilter)} | sort -u); [ -z "$ids" ] || docker image rm -f $ids`,
        platformCommand: ENGINE_PLATFORM_COMMAND,
    };

    const shared: SharedLab = {
        instance,
        mode: config.mode,
        dockerHost: config.dockerHost,
        commandEnv,
        labels,
        network: labNetwork(config, `${instance}-net`, withRole("network")),
        volume: { name: registryContainer.volumes[0].volumeName, labels: withRole("registry-data") },
        registry: {
            image: config.registryImage,
            container: registryContainer,
            url: registryApiUrl(config, hostUrl(config.bindAddress, config.registryPort)),
            ...(auth ? { auth } : {}),
        },
        image,
        ...(swarmMode ? { swarm: swarmSpec(config, swarmRegistryService(config, registryContainer, withRole("registry"))) } : {}),
    };

    if (config.students.length > 0) {
        // A swarm service publishes one port per lab; containers one per replica.
        const portsPerLab = swarmMode ? 1 : config.replicas;
        const { starts } = classPortPlan(config.appPort, portsPerLab, config.registryPort, config.students.length);
        // Seat k keeps its block whatever happens to the other seats; a free seat ("") has no lab.
        const students = config.students.flatMap((student, k) =>
            student === "" ? [] : [studentLabSpec(shared, config, student, starts[k])],
        );
        return { ...shared, replicas: [], appUrls: [], checks: [], students };
    }

    if (shared.swarm) {
        const app = appService(config, instance, config.appPort, withRole("app"), { LAB_INSTANCE: instance });
        const partial = {
            ...shared,
            replicas: [],
            swarm: swarmSpec(config, shared.swarm.registry, app),
            appUrls: [hostUrl(config.bindAddress, config.appPort)],
            students: [],
        };
        return { ...partial, checks: lessonChecks(partial, config) };
    }

    const replicas: ContainerSpec[] = Array.from({ length: config.replicas }, (_, index) =>
        replicaSpec(config, replicaName(instance, index), replicaPort(config, index), withRole("app", { [LABEL.replica]: String(index) }), {
            LAB_INSTANCE: instance,
        }),
    );
    const partial = {
        ...shared,
        replicas,
        appUrls: replicas.map((r) => hostUrl(config.bindAddress, r.ports[0].external)),
        students: [],
    };
    return { ...partial, checks: lessonChecks(partial, config) };
}

/** The labs that run replicas and checks: the one learner's lab itself, or every student's lab of a class. */
export function labsOf(spec: LabSpec): LabSpec[] {
    return spec.students.length > 0 ? spec.students : [spec];
}

/** The student lab named `student` of a class; throws naming the class's students when there is none. */
export function studentLab(spec: LabSpec, student: string): LabSpec {
    const found = spec.students.find((s) => s.student?.name === student);
    if (!found) {
        const names = spec.students.map((s) => s.student?.name).join(", ");
        throw new Error(
            spec.students.length === 0
                ? `The lab ${spec.instance} has no students, so there is no student ${JSON.stringify(student)}; add one with ${ADD_STUDENT_HINT}`
                : `There is no student ${JSON.stringify(student)} in the class ${spec.instance}; its students are: ${names}`,
        );
    }
    return found;
}

/** repository@sha256:... of the class image in `lab`'s own repository: the same digest as `classImageRef`. */
export function labImageRef(lab: LabSpec, classImageRef: string): string {
    const at = classImageRef.indexOf("@sha256:");
    if (at < 0) throw new Error(`Image reference ${JSON.stringify(classImageRef)} is not of the form repository@sha256:<digest>`);
    return `${lab.image.repository}${classImageRef.slice(at)}`;
}

/**
 * The spec of this project's lab on `stack` from raw config values (as `pulumi config` holds them),
 * for the tools that run outside Pulumi: verify, doctor, the live harness and the benchmark.
 */
export function labSpecFor(raw: Partial<Record<string, unknown>>, stack: string, schema: ConfigSchema): LabSpec {
    return buildLabSpec(parseLabConfig(raw, schema), { project: PROJECT_NAME, stack, appDir: APP_DIR });
}
