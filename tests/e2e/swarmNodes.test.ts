import * as fs from "node:fs";
import * as path from "node:path";
import { LABEL, type LabSpec, OFFLINE_IMAGES } from "../../lab";
import {
    DIND_IMAGE,
    leftovers,
    nodeDocker,
    removeSwarm,
    runningTasks,
    type Swarm,
    type SwarmNode,
    setAvailability,
    startSwarm,
    swarmLeftovers,
    type Task,
} from "../../rig";
import { appServiceOf, labSpec, registryServiceOf, swarmAppOf } from "../helpers/specs";
import { e2eGate } from "./gate";
import { type CommandRun, describeRun, expectOutput, expectSuccess, httpGet, sleep } from "./processes";
import { e2eProject, stepLogger } from "./project";

// More than one node, for real, through the lab itself: three containers of the offline dind image
// form a Swarm on this machine (rig/swarmNodes.ts), and the REAL `npm run up` deploys the lab in
// swarm mode (publishMode host) to the manager's engine through dockerHost, a port published on
// 127.0.0.1. The registry is a service pinned to the manager; every node pulls the app image from
// registryAddress, the manager's address on the node network (which every node's dockerd trusts as
// an insecure registry). The test talks only to 127.0.0.1 and to the node containers and the node
// network it created; everything is removed at the end, pass or fail (and an interrupted run's
// leftovers first, found by label). Durations are logged in one line, never asserted.
// Run it under the engine lock: flock /tmp/docker-lab-engine.lock npx jest tests/e2e/swarmNodes.test.ts --selectProjects e2e

const STACK = "e2e-swarm-nodes";
/** This machine's ports: the manager's engine API, and node i's app port on hostPortBase + i. */
const PORTS = { managerPort: 55100, hostPortBase: 55101 } as const;
/**
 * Ports inside the nodes: the app's host-mode port on every node that runs a task, the registry's
 * on the manager. They are free on this machine too, which is what the doctor (which sees a
 * 127.0.0.1 engine as local) probes.
 */
const NODE_PORTS = { appPort: 55180, registryPort: 55150 } as const;
const STEP_TIMEOUT = 900_000;

/** What a teacher sets for a swarm of real machines (README), with this swarm's addresses. */
function nodesConfig(swarm: Swarm, replicas: number): Record<string, string> {
    return {
        baseImage: OFFLINE_IMAGES.baseImage,
        registryImage: OFFLINE_IMAGES.registryImage,
        appPort: String(NODE_PORTS.appPort),
        registryPort: String(NODE_PORTS.registryPort),
        mode: "swarm",
        publishMode: "host",
        replicas: String(replicas),
        dockerHost: swarm.managerHost,
        registryAddress: swarm.registryAddress,
    };
}

/** One poll of a node's 127.0.0.1 port: the app's version and hostname, or nothing. */
interface Answer {
    version?: string;
    hostname?: string;
}

async function nodeAnswer(node: SwarmNode): Promise<Answer> {
    try {
        const { status, body } = await httpGet(`http://127.0.0.1:${node.hostPort}/`, 1500);
        const json = JSON.parse(body);
        return status === 200 && json.app === "hellodocker" ? { version: json.version, hostname: json.hostname } : {};
    } catch {
        return {};
    }
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const gate = e2eGate(process.env, [{ image: DIND_IMAGE, fix: "build it: bash scripts/offline-images.sh --with-dind" }]);

gate.describe("e2e: the lab deployed by npm run up to a three-node swarm through dockerHost", () => {
    const project = e2eProject(STACK, "docker-lab-e2e-swarm-nodes-", STEP_TIMEOUT - 60_000);
    const step = stepLogger("e2e swarm nodes");
    let swarm: Swarm | undefined;
    let spec: LabSpec;
    let service = "";
    const timings: string[] = [];

    const nodes = () => swarm!.nodes;
    const answers = () => Promise.all(nodes().map(nodeAnswer));
    const tasks = (): Promise<Task[]> => runningTasks(swarm!, service);
    /** Waits until `replicas` tasks run on the nodes `on` (names), image `image`, and those nodes answer. */
    async function waitTasks(replicas: number, on: SwarmNode[] | undefined, image: string, timeoutSeconds = 180): Promise<Task[]> {
        const deadline = Date.now() + timeoutSeconds * 1000;
        for (;;) {
            const running = await tasks();
            const placed = new Set(running.map((t) => t.node));
            const fit =
                running.length === replicas &&
                placed.size === replicas &&
                running.every((t) => t.image === image) &&
                (!on || on.every((n) => placed.has(n.name)));
            if (fit) {
                const up = await Promise.all(
                    nodes()
                        .filter((n) => placed.has(n.name))
                        .map(nodeAnswer),
                );
                if (up.every((a) => a.hostname)) return running;
            }
            if (Date.now() > deadline) {
                throw new Error(
                    `${service} did not run ${replicas} answering tasks of ${image}${on ? ` on ${on.map((n) => n.name).join(", ")}` : ""} within ${timeoutSeconds}s; running: ${running.map((t) => `${t.node} ${t.image}`).join("; ")}`,
                );
            }
            await sleep(500);
        }
    }
    /** Waits until `node`'s port stops answering (a drained task's container gets its stop grace period). */
    async function waitSilent(node: SwarmNode, timeoutSeconds = 60): Promise<void> {
        const deadline = Date.now() + timeoutSeconds * 1000;
        while ((await nodeAnswer(node)).hostname) {
            if (Date.now() > deadline) throw new Error(`${node.name} still answers ${timeoutSeconds}s after its task was moved off`);
            await sleep(250);
        }
    }
    /** Fails with what the update's diagnostics said (the last 40 lines of an up are its outputs). */
    const expectUp = (up: CommandRun): CommandRun => {
        if (up.code === 0) return up;
        const diagnostics = up.output.slice(up.output.indexOf("Diagnostics:"), up.output.indexOf("Outputs:"));
        throw new Error(
            `${describeRun(up, "exit 0")}\n${diagnostics.replace(/^.*error: exit status 1: running .*$/gm, "").slice(0, 6000)}`,
        );
    };
    const upAndVerify = async (args: string[] = []) => {
        const up = expectUp(await project.npm("up", args));
        const [, passed] = expectOutput(up, /^(\d+) passed, 0 failed in /m);
        expect(Number(passed)).toBe(spec.checks.length);
        if (/is broken/.test(up.output)) throw new Error(describeRun(up, "no lab-guard damage"));
        return up;
    };

    beforeAll(async () => {
        await step("setup: three dind nodes form a swarm, the project copy", async () => {
            swarm = await startSwarm({
                ...PORTS,
                ...NODE_PORTS,
                // Only the manager builds (base image) and runs the registry; the workers pull the app from it.
                managerImages: [OFFLINE_IMAGES.baseImage, OFFLINE_IMAGES.registryImage],
            });
            timings.push(`swarm formed in ${secs(swarm.timings.swarmFormedMs)} (dockerds ${secs(swarm.timings.nodesReadyMs)})`);
            spec = labSpec(nodesConfig(swarm, 3), STACK);
            service = appServiceOf(spec).name;
            project.create();
        });
    }, STEP_TIMEOUT);

    afterAll(async () => {
        await step("teardown: npm run down, the swarm, the copy", async () => {
            try {
                if (swarm && project.hasState()) {
                    const down = await project.npm("down");
                    if (down.code !== 0) console.log(`teardown: ${describeRun(down, "exit 0")}`);
                }
            } finally {
                if (timings.length) console.log(`three-node swarm e2e: ${timings.join("; ")}`);
                await removeSwarm(swarm?.runId);
                project.remove();
            }
            // Nothing of a swarm test is left, from this run or an earlier one, and nothing of the lab on the local engine.
            expect(await removeSwarm()).toEqual({ containers: 0, networks: 0 });
            if (spec) {
                expect(await leftovers({ ...spec, commandEnv: {} })).toEqual({
                    containers: [],
                    networks: [],
                    volumes: [],
                    images: [],
                    tags: [],
                });
            }
        });
    }, STEP_TIMEOUT);

    test(
        "npm run up with dockerHost on the manager: every check passes, a task on every node, each node answers through 127.0.0.1",
        () =>
            step("up: converged and verified", async () => {
                await project.configure(nodesConfig(swarm!, 3));
                const started = Date.now();
                const up = await upAndVerify();
                timings.push(`up until converged and verified ${secs(Date.now() - started)}`);
                if (/Undefined value/.test(up.output)) throw new Error(describeRun(up, "no 'Undefined value' warning"));

                const outputs = await project.stackOutputs();
                expect(outputs).toMatchObject({
                    serviceNames: [service, registryServiceOf(spec).name],
                    registryUrl: `http://${swarm!.registryAddress}`,
                    checkSummary: `${spec.checks.length} of ${spec.checks.length} lesson checks passed`,
                });
                // The nodes' own addresses, where the app answers in host mode.
                expect([...outputs.nodeUrls].sort()).toEqual(
                    nodes()
                        .map((n) => `http://${n.address}:${NODE_PORTS.appPort}`)
                        .sort(),
                );

                // One task per node, on every node: the workers pulled the image from registryAddress.
                const running = await waitTasks(3, nodes(), outputs.imageRef);
                expect(new Set(running.map((t) => t.node)).size).toBe(3);
                for (const n of nodes().slice(1)) {
                    const images = await nodeDocker(n.name, ["image", "ls", "--format", "{{.Repository}}"]);
                    expect(images.stdout.split("\n")).toContain(spec.image.repository);
                }
                // Every node's port answers through 127.0.0.1, each with its own task's hostname.
                const seen = await answers();
                expect(seen.map((a) => a.version)).toEqual(["1.0.0", "1.0.0", "1.0.0"]);
                const hostnames = seen.map((a) => a.hostname);
                expect(new Set(hostnames).size).toBe(3);
                expect([...hostnames].sort()).toEqual([...swarmAppOf(spec).taskHostnames].sort());
            }),
        STEP_TIMEOUT,
    );

    test(
        "a second up changes nothing",
        () =>
            step("no-op up", async () => {
                const started = Date.now();
                const up = expectSuccess(await project.npm("up", ["--expect-no-changes"]));
                expectOutput(up, /^\s+\d+ unchanged$/m);
                timings.push(`no-op up ${secs(Date.now() - started)}`);
            }),
        STEP_TIMEOUT,
    );

    test(
        "a changed app rolls out to every node while every node is polled: never a poll at which no node answers",
        () =>
            step("rolling update", async () => {
                const before = (await project.stackOutputs()).imageRef as string;
                const pkg = path.join(project.dir, "app", "package.json");
                fs.writeFileSync(pkg, fs.readFileSync(pkg, "utf8").replace(/"version": "1\.0\.0"/, '"version": "1.0.1"'));

                const polls: Answer[][] = [];
                let running = true;
                const poller = (async () => {
                    while (running) {
                        polls.push(await answers());
                        await sleep(200);
                    }
                })();
                const started = Date.now();
                const up = await project.npm("up").finally(async () => {
                    running = false;
                    await poller;
                });
                const ms = Date.now() - started;
                expectUp(up);
                expectOutput(up, new RegExp(`^${spec.checks.length} passed, 0 failed in `, "m"));

                const after = (await project.stackOutputs()).imageRef as string;
                expect(after).not.toBe(before);
                const tasksAfter = await waitTasks(3, nodes(), after);
                expect(tasksAfter.map((t) => t.image)).toEqual([after, after, after]);
                expect((await answers()).map((a) => a.version)).toEqual(["1.0.1", "1.0.1", "1.0.1"]);

                const answering = polls.map((p) => p.filter((a) => a.hostname).length);
                const unanswered = answering.filter((n) => n === 0).length;
                timings.push(
                    `rolling update (up after a one-line change) ${secs(ms)}: ${polls.length} polls of the 3 node ports, fewest answering at once ${Math.min(...answering)}, none answering at ${unanswered}`,
                );
                expect(polls.length).toBeGreaterThan(0);
                expect(polls.some((p) => p.some((a) => a.version === "1.0.1"))).toBe(true);
                expect(unanswered).toBe(0);
                expectSuccess(await project.npm("up", ["--expect-no-changes"]));
            }),
        STEP_TIMEOUT,
    );

    test(
        "draining a worker moves its task to a free node; the app keeps answering on the remaining nodes",
        () =>
            step("drain", async () => {
                const started = Date.now();
                const { imageRef } = await project.stackOutputs();
                const [manager, w1, w2] = nodes();
                try {
                    // Host mode runs one task per node, so a drained worker's task needs a free node: first make one.
                    // Drain w1 with 3 tasks on 3 nodes: its task has nowhere to go (pending), the others keep answering.
                    await setAvailability(swarm!, w1, "drain");
                    await waitTasks(2, [manager, w2], imageRef);
                    await waitSilent(w1);
                    // replicas 2: swarm drops the pending task first, so the manager (the lab's engine) keeps its own.
                    await project.setConfig("replicas", "2");
                    spec = labSpec(nodesConfig(swarm!, 2), STACK);
                    await upAndVerify();
                    await setAvailability(swarm!, w1, "active");
                    expect((await waitTasks(2, [manager, w2], imageRef)).map((t) => t.node).sort()).toEqual([manager.name, w2.name].sort());

                    // The drain proper: w2's task moves to the free node w1, the app answers on the manager and w1 all along.
                    const drained = Date.now();
                    await setAvailability(swarm!, w2, "drain");
                    const polls: number[] = [];
                    let moved: Task[] | undefined;
                    while (!moved) {
                        const seen = await Promise.all([manager, w1].map(nodeAnswer));
                        polls.push(seen.filter((a) => a.hostname).length);
                        const running = await tasks();
                        if (running.length === 2 && running.some((t) => t.node === w1.name))
                            moved = await waitTasks(2, [manager, w1], imageRef);
                        else if (Date.now() - drained > 180_000) throw new Error(`w2's task did not move: ${JSON.stringify(running)}`);
                    }
                    const moveMs = Date.now() - drained;
                    expect(moved.map((t) => t.node)).not.toContain(w2.name);
                    await waitSilent(w2);
                    const remaining = await Promise.all([manager, w1].map(nodeAnswer));
                    expect(remaining.every((a) => a.hostname)).toBe(true);
                    // The manager never stopped answering while the task moved.
                    expect(polls.every((n) => n >= 1)).toBe(true);

                    timings.push(
                        `drain: task moved to the free node in ${secs(moveMs)} (${polls.length} polls, never unanswered); drain step with its up ${secs(Date.now() - started)}`,
                    );
                } finally {
                    // Whatever failed, the later steps get every node back.
                    for (const n of [w1, w2]) await setAvailability(swarm!, n, "active");
                }
            }),
        STEP_TIMEOUT,
    );

    test(
        "npm run down leaves no service, task, container, network, volume or tag on any node",
        () =>
            step("down", async () => {
                const started = Date.now();
                expectSuccess(await project.npm("down"));
                timings.push(`down ${secs(Date.now() - started)}`);
                expect(await swarmLeftovers(spec)).toEqual({
                    containers: [],
                    networks: [],
                    volumes: [],
                    images: [],
                    tags: [],
                    services: [],
                    secrets: [],
                });
                for (const n of nodes()) {
                    const left = await nodeDocker(n.name, [
                        "ps",
                        "--all",
                        "--quiet",
                        "--filter",
                        `label=${LABEL.instance}=${spec.instance}`,
                    ]);
                    expect({ node: n.name, containers: left.stdout.trim() }).toEqual({ node: n.name, containers: "" });
                }
            }),
        STEP_TIMEOUT,
    );
});
