import * as http from "node:http";
import { docker, dockerOk, PROJECT_ROOT } from "../engine";
import {
    APP_CONTAINER_PORT,
    APP_DIR,
    dockerBuildArgs,
    imageSpec,
    type LabConfig,
    REGISTRY_CONTAINER_PORT,
    REGISTRY_HEALTHCHECK_COMMAND,
} from "../lab";
import { sleep } from "./sleep";
import { SWARM_TEST_INSTANCE, SWARM_TEST_LABEL, type Swarm, type SwarmNode } from "./swarmNodes";

/**
 * Plain docker CLI steps on a swarm of test nodes (swarmNodes.ts), shared by the three-node
 * live test and the bench: a registry on the manager, the app image built there and pushed, a
 * host-mode service, its convergence, a drain and a rolling update watched from 127.0.0.1.
 */

/** `docker -H <manager> ARGS`, throwing an actionable error when it fails. */
export function managerDocker(swarm: Swarm, args: string[], action: string): Promise<string> {
    return dockerOk(["-H", swarm.managerHost, ...args], action);
}

/**
 * Runs registry image `image` on the manager as a plain container (its storage is local), publishing
 * the swarm's registry port on the manager, and waits until its healthcheck (the spec's) passes.
 */
export async function startManagerRegistry(swarm: Swarm, image: string, timeoutSeconds = 60): Promise<void> {
    const port = swarm.registryAddress.split(":").pop();
    await managerDocker(
        swarm,
        ["run", "-d", "--name", "registry", "-p", `${port}:${REGISTRY_CONTAINER_PORT}`, image],
        "starting the registry on the manager",
    );
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
        const probe = await docker(["-H", swarm.managerHost, "exec", "registry", "sh", "-c", REGISTRY_HEALTHCHECK_COMMAND], {}, 20_000);
        if (probe.status === 0) return;
        if (Date.now() > deadline)
            throw new Error(`the registry on the manager did not serve /v2/ within ${timeoutSeconds}s: ${probe.stderr.trim()}`);
        await sleep(500);
    }
}

/**
 * Builds the app on the manager as the spec builds a lab's image, named for SWARM_TEST_INSTANCE in the
 * swarm's registry (`<registry address>/docker-lab-swarm-test/<appImageName>:<tag>`), pushes it and
 * returns its digest reference. A different `tag` gives a different image (its revision label), layers shared.
 */
export async function pushAppImage(swarm: Swarm, config: LabConfig, tag: string): Promise<string> {
    const image = imageSpec({ ...config, appImageTag: tag }, SWARM_TEST_INSTANCE, swarm.registryAddress, APP_DIR);
    const [build, ...args] = dockerBuildArgs(image, { quiet: true });
    const revision = `${SWARM_TEST_LABEL}.revision=${tag}`;
    // The spec's build arguments name the Dockerfile and context relative to the project root.
    await dockerOk(
        ["-H", swarm.managerHost, build, "--label", revision, ...args],
        "building the app image on the manager",
        {},
        PROJECT_ROOT,
    );
    await managerDocker(swarm, ["push", "--quiet", image.name], "pushing the app image to the manager's registry");
    const digests = JSON.parse(
        await managerDocker(swarm, ["image", "inspect", "--format", "{{json .RepoDigests}}", image.name], "reading the digest"),
    ) as string[];
    const ref = digests.find((d) => d.startsWith(`${image.repository}@`));
    if (!ref) throw new Error(`${image.name} has no digest from ${image.repository} after the push`);
    return ref;
}

export interface Task {
    id: string;
    node: string;
    desired: string;
    state: string;
    image: string;
}

/** The service's tasks, from `docker service ps` (every task, also the old ones). */
export async function serviceTasks(swarm: Swarm, service: string): Promise<Task[]> {
    const out = await managerDocker(
        swarm,
        ["service", "ps", "--no-trunc", "--format", "{{.ID}}\t{{.Node}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Image}}", service],
        `listing the tasks of ${service}`,
    );
    return out
        .split("\n")
        .filter(Boolean)
        .map((line) => {
            const [id, node, desired, state, image] = line.split("\t");
            return { id, node, desired, state: state.split(" ")[0], image };
        });
}

/** The tasks that should run and do. */
export async function runningTasks(swarm: Swarm, service: string): Promise<Task[]> {
    return (await serviceTasks(swarm, service)).filter((t) => t.desired === "Running" && t.state === "Running");
}

/** GET http://127.0.0.1:<node's host port>/: the app's hostname when it answers as the app, else undefined. */
export function nodeAnswer(node: SwarmNode, timeoutMs = 1500): Promise<string | undefined> {
    return new Promise((resolve) => {
        const req = http.get({ host: "127.0.0.1", port: node.hostPort, path: "/", timeout: timeoutMs }, (res) => {
            let body = "";
            res.on("data", (d) => {
                body += d;
            });
            res.on("end", () => {
                try {
                    const json = JSON.parse(body) as { app?: string; hostname?: string };
                    resolve(res.statusCode === 200 && json.app === "hellodocker" ? json.hostname : undefined);
                } catch {
                    resolve(undefined);
                }
            });
            res.on("error", () => resolve(undefined));
        });
        req.on("timeout", () => req.destroy());
        req.on("error", () => resolve(undefined));
    });
}

/** Each node's answer (hostname or undefined), in node order. */
export function answers(swarm: Swarm): Promise<(string | undefined)[]> {
    return Promise.all(swarm.nodes.map((n) => nodeAnswer(n)));
}

/**
 * Waits until `replicas` tasks run (image `image` when given) and the port of every node that runs
 * one answers as the app. Returns the running tasks.
 */
export async function waitConverged(
    swarm: Swarm,
    service: string,
    replicas: number,
    image?: string,
    timeoutSeconds = 180,
): Promise<Task[]> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    let last: Task[] = [];
    for (;;) {
        last = await runningTasks(swarm, service);
        const fit = last.length === replicas && (!image || last.every((t) => t.image === image));
        if (fit) {
            const nodes = swarm.nodes.filter((n) => last.some((t) => t.node === n.name));
            const up = await Promise.all(nodes.map((n) => nodeAnswer(n)));
            if (up.every(Boolean)) return last;
        }
        if (Date.now() > deadline) {
            const all = await serviceTasks(swarm, service);
            throw new Error(
                `${service} did not converge to ${replicas} answering tasks${image ? ` of ${image}` : ""} within ${timeoutSeconds}s; its tasks:\n${all
                    .map((t) => `${t.node} ${t.desired} ${t.state} ${t.image}`)
                    .join("\n")}`,
            );
        }
        await sleep(500);
    }
}

/**
 * Creates service `name` of `image`: `replicas` tasks, at most one per node, the app's port
 * published in host mode on every node that runs one, updated one task at a time (stop-first),
 * rolling back on failure. Returns once the service has converged (waitConverged).
 */
export async function createHostModeService(swarm: Swarm, name: string, image: string, replicas: number, appPort: number): Promise<Task[]> {
    await managerDocker(
        swarm,
        [
            "service",
            "create",
            "--detach",
            "--quiet",
            "--name",
            name,
            "--replicas",
            String(replicas),
            "--replicas-max-per-node",
            "1",
            "--publish",
            `mode=host,published=${appPort},target=${APP_CONTAINER_PORT}`,
            "--update-parallelism",
            "1",
            "--update-order",
            "stop-first",
            "--update-failure-action",
            "rollback",
            image,
        ],
        `creating service ${name}`,
    );
    return waitConverged(swarm, name, replicas, image);
}

export interface RollingUpdate {
    /** From `docker service update` until every task runs the new image and answers. */
    ms: number;
    /** Polls of every node's port during the update. */
    polls: number;
    /** Polls at which no node answered (a rolling update must have none). */
    allDown: number;
    /** The fewest nodes that answered at one poll. */
    minAnswering: number;
}

/**
 * `docker service update --image IMAGE --update-parallelism 1 --update-order stop-first` while
 * every node's 127.0.0.1 port is polled every `pollMs`; returns when all `replicas` tasks run the
 * new image and answer.
 */
export async function rollingUpdate(swarm: Swarm, service: string, image: string, replicas: number, pollMs = 250): Promise<RollingUpdate> {
    const started = Date.now();
    let done = false;
    let polls = 0;
    let allDown = 0;
    let minAnswering = swarm.nodes.length;
    const watcher = (async () => {
        while (!done) {
            const up = (await answers(swarm)).filter(Boolean).length;
            polls++;
            if (up === 0) allDown++;
            minAnswering = Math.min(minAnswering, up);
            await sleep(pollMs);
        }
    })();
    try {
        await managerDocker(
            swarm,
            [
                "service",
                "update",
                "--detach",
                "--quiet",
                "--image",
                image,
                "--update-parallelism",
                "1",
                "--update-order",
                "stop-first",
                service,
            ],
            `updating service ${service}`,
        );
        await waitConverged(swarm, service, replicas, image);
    } finally {
        done = true;
        await watcher;
    }
    return { ms: Date.now() - started, polls, allDown, minAnswering };
}
