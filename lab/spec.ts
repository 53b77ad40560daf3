import { imageSpec, studentImageSpec } from "./build";
import { ADD_STUDENT_HINT, classPortPlan } from "./classroom";
import { copyImageCommand } from "./commands";
import { type ConfigSchema, type LabConfig, parseLabConfig } from "./config";
import { APP_DIR, LABEL, PROJECT_NAME } from "./constants";
import { appContainerSpec } from "./hardening";
import { lessonChecks } from "./lessons";
import { hostUrl, instanceId, registryServer, replicaName, replicaPort, studentReplicaName } from "./names";
import { REGISTRY_HTPASSWD_PATH, registryAuthSpec, registryContainerSpec } from "./registry";
import { appServiceName, registryApiUrl, swarmAppService, swarmRegistryService, swarmSpec, taskHostnameTemplate } from "./swarm";
import type { ContainerSpec, LabSpec, ServiceSpec, SpecContext } from "./types";

/**
 * The lab's complete specification, derived from validated config by pure functions.
 * The Pulumi components map it to resources; the live harness maps the very same spec to
 * docker CLI calls. Nothing here talks to an engine.
 */

/**
 * Swarm mode: where the registry service reads its htpasswd file, a Docker secret the engine mounts
 * into the task (an in-memory file under /run/secrets, even with a read-only root), never on the volume.
 */
export const REGISTRY_SWARM_HTPASSWD_PATH = "/run/secrets/docker-lab-registry-htpasswd";

/** What every lab of a spec shares: the class, or the one learner's lab, minus its replicas and checks. */
type SharedLab = Omit<LabSpec, "replicas" | "appUrls" | "checks" | "students" | "student">;

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
    const task = { ...appContainerSpec(config, { name, port, labels, env, inClass }), hostname: taskHostnameTemplate(name) };
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
    const image = studentImageSpec(shared.image, config, instance, student);
    const env = { LAB_INSTANCE: instance, LAB_STUDENT: student };
    const app = shared.swarm ? appService(config, prefix, firstPort, withRole("app"), env, true) : undefined;
    const replicas = app
        ? []
        : Array.from({ length: config.replicas }, (_, index) =>
              appContainerSpec(config, {
                  name: studentReplicaName(instance, student, index),
                  port: firstPort + index,
                  labels: withRole("app", { [LABEL.replica]: String(index) }),
                  env,
                  inClass: true,
              }),
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
    const auth = registryAuthSpec(config, server, swarmMode ? REGISTRY_SWARM_HTPASSWD_PATH : REGISTRY_HTPASSWD_PATH);
    const registryContainer = registryContainerSpec(config, instance, withRole("registry"), auth);
    const image = imageSpec(config, instance, server, ctx.appDir);

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
        appContainerSpec(config, {
            name: replicaName(instance, index),
            port: replicaPort(config, index),
            labels: withRole("app", { [LABEL.replica]: String(index) }),
            env: { LAB_INSTANCE: instance },
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
