import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { docker, dockerOk, PROJECT_ROOT, repoDigestOf, stdoutOf } from "../engine";
import {
    appContainers,
    type ContainerSpec,
    dockerBuildArgs,
    dockerCreateArgs,
    dockerRunArgs,
    htpasswdLine,
    isClassSpec,
    LABEL,
    type LabSpec,
    parseEnginePlatform,
    resolveImageCommand,
    type SharedSpec,
    type Spec,
    seatBaseRepositoryPath,
} from "../lab";
import { sleep } from "./sleep";

/**
 * The live harness: maps the lab spec (the one the Pulumi components consume) to docker CLI calls
 * on a real engine. It restates no name, port, flag or command; all come from the spec. Lab
 * commands (builds, checks) run in the project root (PROJECT_ROOT), as they do under `pulumi up`.
 * The live tests and the benchmark use it.
 */

/** Waits until the container's healthcheck reports healthy; returns the time it took from its start. */
export async function waitHealthy(container: ContainerSpec, env: Record<string, string>): Promise<number> {
    const deadline = Date.now() + container.waitTimeoutSeconds * 1000;
    for (;;) {
        const out = await dockerOk(
            ["inspect", "--format", "{{.State.Status}} {{.State.Health.Status}} {{.State.StartedAt}}", container.name],
            `waiting for ${container.name}`,
            env,
        );
        const [state, health, startedAt] = out.trim().split(" ");
        if (health === "healthy") return Date.now() - Date.parse(startedAt);
        if (state === "exited" || state === "dead" || health === "unhealthy" || Date.now() > deadline) {
            const logs = await docker(["logs", "--tail", "20", container.name], env);
            throw new Error(
                `Container ${container.name} did not become healthy (state ${state}, health ${health}) within ${container.waitTimeoutSeconds}s; last logs:\n${logs.stdout}${logs.stderr}`,
            );
        }
        await sleep(100);
    }
}

/** Time in milliseconds of each step of a provisioning. */
export interface ProvisionTimings {
    build: number;
    registryHealthy: number;
    push: number;
    pullBack: number;
    /** In a class: copying the class image into every student's repository (0 for one learner). */
    studentImages: number;
    /** Per replica (every student's in turn, in a class): from container start to healthy. */
    replicaHealthy: number[];
    total: number;
}

/** One lab that runs replicas: the one learner's, or a student's of a class, with the image reference its replicas run. */
export interface LiveStudentLab {
    spec: LabSpec;
    /** repository@sha256:... in the lab's own repository. */
    imageRef: string;
}

export interface LiveLab {
    spec: Spec;
    /** repository@sha256:... after the push, as `docker.Image.repoDigest` reports it. */
    imageRef: string;
    /** In a class: every student's lab and the reference (the class digest in their repository) their replicas run; empty for one learner. */
    students: LiveStudentLab[];
    timings: ProvisionTimings;
}

/** Runs `fn` and returns its value with how long it took, in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
    const started = Date.now();
    const value = await fn();
    return [value, Date.now() - started];
}

/**
 * Provisions the lab from its spec, in the order the Pulumi program does: network and volume,
 * registry (healthy), build (for the engine's platform), push, remove the local tag and pull it
 * back, replicas (healthy). `docker run` sets the PIDs limit that the program sets with `docker update`.
 * A class gets, after the push, each student's network and the class image copied into each
 * student's repository (the spec's own command), then every student's replicas on their network.
 */
export interface ProvisionOptions {
    /** With registryAuth: the registry password (the program's secret). Required then. */
    registryPassword?: string;
}

export async function provisionLab(spec: Spec, options: ProvisionOptions = {}): Promise<LiveLab> {
    const started = Date.now();
    const auth = spec.registry.auth;
    if (auth && !options.registryPassword) {
        throw new Error(`The lab ${spec.instance} has registryAuth: provisionLab needs its registryPassword`);
    }
    // registryAuth: the harness logs in as the push of the program does, in a private docker config.
    const dockerConfig = auth ? fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-login-")) : undefined;
    const env: Record<string, string> = dockerConfig ? { ...spec.commandEnv, DOCKER_CONFIG: dockerConfig } : spec.commandEnv;
    try {
        return await provision(spec, env, started, options.registryPassword);
    } finally {
        if (dockerConfig) {
            await docker(["logout", auth?.server as string], env);
            fs.rmSync(dockerConfig, { recursive: true, force: true });
        }
    }
}

async function provision(spec: Spec, env: Record<string, string>, started: number, password?: string): Promise<LiveLab> {
    await dockerOk(dockerCreateArgs("network", spec.network.name, spec.network.labels), `creating network ${spec.network.name}`, env);
    await dockerOk(dockerCreateArgs("volume", spec.volume.name, spec.volume.labels), `creating volume ${spec.volume.name}`, env);

    const registry = spec.registry.container;
    const auth = spec.registry.auth;
    if (auth && password) {
        // As docker.Container's upload: the htpasswd file copied onto the volume of the created (not yet
        // started) container; the engine extracts into a volume even with a read-only root filesystem.
        const [, ...createArgs] = dockerRunArgs(registry, spec.registry.image, spec.network.name).filter((a) => a !== "--detach");
        await dockerOk(["create", ...createArgs], `creating container ${registry.name}`, env);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-htpasswd-"));
        try {
            const file = path.join(dir, "htpasswd");
            fs.writeFileSync(file, htpasswdLine(auth.user, password, spec.instance), { mode: 0o644 });
            await dockerOk(["cp", file, `${registry.name}:${auth.htpasswdPath}`], `copying the htpasswd file into ${registry.name}`, env);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        await dockerOk(["start", registry.name], `starting container ${registry.name}`, env);
    } else {
        await dockerOk(dockerRunArgs(registry, spec.registry.image, spec.network.name), `starting container ${registry.name}`, env);
    }
    const registryHealthy = await waitHealthy(registry, env);
    if (auth && password) {
        await labShell(
            `printf '%s' "$LAB_HARNESS_PASSWORD" | docker login --username ${auth.user} --password-stdin ${auth.server}`,
            { ...env, LAB_HARNESS_PASSWORD: password },
            `Logging in to ${auth.server} as ${auth.user}`,
        );
    }

    // The same platform the program sets on docker.Image; the legacy builder accepts --platform too.
    const platform = await enginePlatform(spec);
    const [, build] = await timed(() =>
        dockerOk(dockerBuildArgs(spec.image, { platform }), `building ${spec.image.name} for ${platform}`, env, PROJECT_ROOT),
    );
    const [, push] = await timed(() => dockerOk(["push", spec.image.name], `pushing ${spec.image.name}`, env));
    const [, pullBack] = await timed(async () => {
        await dockerOk(["image", "rm", spec.image.name], `removing the local tag ${spec.image.name}`, env);
        await dockerOk(["pull", spec.image.name], `pulling ${spec.image.name} back from the local registry`, env);
    });
    const imageRef = await repoDigestOf(spec);

    const students: LiveStudentLab[] = [];
    const [, studentImages] = await timed(async () => {
        for (const lab of isClassSpec(spec) ? spec.students : []) {
            const student = lab.student?.name as string;
            await dockerOk(dockerCreateArgs("network", lab.network.name, lab.network.labels), `creating network ${lab.network.name}`, env);
            const copy = resolveImageCommand(lab.student?.copyImageCommand as string, imageRef);
            const ref = (await labShell(copy, env, `Copying the class image into ${student}'s repository ${lab.image.repository}`)).trim();
            students.push({ spec: lab, imageRef: ref });
        }
    });
    const labs: LiveStudentLab[] = isClassSpec(spec) ? students : [{ spec, imageRef }];
    for (const lab of labs) {
        for (const replica of appContainers(lab.spec)) {
            await dockerOk(dockerRunArgs(replica, lab.imageRef, lab.spec.network.name), `starting container ${replica.name}`, env);
        }
    }
    const replicaHealthy = await Promise.all(labs.flatMap((lab) => appContainers(lab.spec).map((r) => waitHealthy(r, env))));
    return {
        spec,
        imageRef,
        students,
        timings: { build, registryHealthy, push, pullBack, studentImages, replicaHealthy, total: Date.now() - started },
    };
}

/** Ids of the objects of one kind that carry `label` (e.g. docker-lab.instance=docker-lab-dev). */
export async function labelled(kind: "container" | "network" | "volume" | "image", label: string, env: Record<string, string> = {}) {
    const args =
        kind === "container"
            ? ["ps", "--all", "--quiet", "--filter", `label=${label}`]
            : kind === "image"
              ? ["image", "ls", "--quiet", "--filter", `label=${label}`]
              : [kind, "ls", "--quiet", "--filter", `label=${label}`];
    const out = await dockerOk(args, `listing ${kind}s labelled ${label}`, env);
    return [...new Set(out.split("\n").filter(Boolean))];
}

/** Everything of one lab still on the engine: containers, networks, volumes, image tags. */
export async function leftovers(spec: Spec): Promise<Record<string, string[]>> {
    const env = spec.commandEnv;
    const label = `${LABEL.instance}=${spec.instance}`;
    // The lab's repository, in a class every student's as the class's engine tags it, and the base image a class of seats pushes.
    const repositories = [
        spec.image.repository,
        ...(isClassSpec(spec) ? spec.students : []).map((s) => s.student?.classRepository ?? s.image.repository),
        `${spec.image.registryServer}/${seatBaseRepositoryPath(spec.instance)}`,
    ];
    const references = repositories.flatMap((repository) => ["--filter", `reference=${repository}:*`]);
    const tags = await dockerOk(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", ...references], "listing lab image tags", env);
    return {
        containers: await labelled("container", label, env),
        networks: await labelled("network", label, env),
        volumes: await labelled("volume", label, env),
        images: await labelled("image", label, env),
        tags: tags.split("\n").filter(Boolean),
    };
}

/** Removes every container (with its anonymous volumes), network and volume carrying `label`. */
export async function removeLabelled(label: string, env: Record<string, string>): Promise<void> {
    const containers = await labelled("container", label, env);
    if (containers.length) await dockerOk(["rm", "--force", "--volumes", ...containers], "removing lab containers", env);
    const networks = await labelled("network", label, env);
    if (networks.length) await dockerOk(["network", "rm", ...networks], "removing lab networks", env);
    const volumes = await labelled("volume", label, env);
    if (volumes.length) await dockerOk(["volume", "rm", "--force", ...volumes], "removing lab volumes", env);
}

/** Runs one of the spec's shell commands as the program's local.Command does: /bin/sh in the project root, lab environment. */
function labShell(command: string, env: Record<string, string>, what: string): Promise<string> {
    return stdoutOf("/bin/sh", ["-c", command], what, { cwd: PROJECT_ROOT, env });
}

/** The engine's own os/arch (e.g. linux/amd64) from the spec's platform command, as the program asks it. */
export async function enginePlatform(spec: SharedSpec): Promise<string> {
    const out = await labShell(spec.image.platformCommand, spec.commandEnv, "Asking the engine for its platform");
    return parseEnginePlatform(out, spec.image.platformCommand);
}

/** Removes the lab's local image tags with the spec's own command, the one `pulumi destroy` runs. */
export async function removeImageTags(spec: SharedSpec): Promise<void> {
    await labShell(spec.image.removeCommand, spec.commandEnv, "Removing the lab's image tags");
}

/** Tears one lab down the way `pulumi destroy` does: containers, network and volume, then the image tags. */
export async function teardownLab(spec: SharedSpec): Promise<number> {
    const [, ms] = await timed(async () => {
        await removeLabelled(`${LABEL.instance}=${spec.instance}`, spec.commandEnv);
        await removeImageTags(spec);
    });
    return ms;
}

/** Removes what an interrupted run left of these labs (containers may hold the ports the tests need). */
export async function removeLeftovers(specs: SharedSpec[]): Promise<void> {
    for (const spec of specs) await teardownLab(spec);
}
