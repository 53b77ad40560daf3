import { execFileSync } from "node:child_process";
import { APP_CONTAINER_PORT, REGISTRY_CONTAINER_PORT } from "../../lab";
import {
    answers,
    createHostModeService,
    DIND_IMAGE,
    drain,
    managerDocker,
    pushAppImage,
    type RollingUpdate,
    removeSwarm,
    rollingUpdate,
    runningTasks,
    type Swarm,
    setAvailability,
    startManagerRegistry,
    startSwarm,
    waitConverged,
} from "../../rig";
import { labConfig } from "../../tools/stack";
import { gate } from "../helpers/suiteGate";
import { ENGINE_VERSION, liveImages } from "./engine";

// More than one node, for real: three containers of the offline dind image form a Swarm on this
// machine (rig/swarmNodes.ts). Plain docker CLI against the manager's engine (published on
// 127.0.0.1) proves what the lab's swarm mode relies on: a 3-task host-mode service spreads over
// the nodes, each node's port answers through the 127.0.0.1 port the test published for it, a
// drained worker's task moves while the app keeps answering, and a stop-first rolling update never
// leaves every node unanswering. The test talks only to 127.0.0.1 and to the containers and the
// network it created; removeSwarm removes them, pass or fail (and an interrupted run's leftovers
// first, found by label).

const PORTS = { managerPort: 55050, hostPortBase: 55051, registryHostPort: 55055 } as const;
const APP_PORT = APP_CONTAINER_PORT; // published in host mode on every node, inside the node
const REGISTRY_PORT = REGISTRY_CONTAINER_PORT; // on the manager, inside the node network
const SERVICE = "hellodocker";

function dindImagePresent(): boolean {
    try {
        execFileSync("docker", ["image", "inspect", DIND_IMAGE], { stdio: "ignore", timeout: 20_000 });
        return true;
    } catch {
        return false;
    }
}

const describeSwarm = gate(
    "three-node swarm live test",
    Boolean(ENGINE_VERSION) && dindImagePresent(),
    ENGINE_VERSION ? `the node image ${DIND_IMAGE} is missing` : "no Docker engine answers",
    ENGINE_VERSION ? "build it: bash scripts/offline-images.sh --with-dind" : "start one: bash scripts/engine.sh up",
);

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

describeSwarm("a swarm of three dind nodes on this machine (plain docker CLI)", () => {
    const images = liveImages();
    const config = labConfig(images);
    let swarm: Swarm;
    let v1: string;
    const timings: string[] = [];

    beforeAll(async () => {
        swarm = await startSwarm({
            ...PORTS,
            appPort: APP_PORT,
            registryPort: REGISTRY_PORT,
            managerImages: [images.baseImage, images.registryImage],
        });
        timings.push(`swarm of 3 formed in ${secs(swarm.timings.swarmFormedMs)} (node dockerds ready ${secs(swarm.timings.nodesReadyMs)})`);
        await startManagerRegistry(swarm, images.registryImage);
        v1 = await pushAppImage(swarm, config, "1");
    }, 600_000);

    afterAll(async () => {
        if (timings.length) console.log(`three-node swarm: ${timings.join("; ")}`);
        await removeSwarm(swarm?.runId);
        // Nothing labelled for a swarm test is left, from this run or an earlier one.
        expect(await removeSwarm()).toEqual({ containers: 0, networks: 0 });
    }, 300_000);

    test("three nodes are Ready, one manager; the manager's engine answers on 127.0.0.1 only", async () => {
        expect(swarm.managerHost).toBe(`tcp://127.0.0.1:${PORTS.managerPort}`);
        const nodes = await managerDocker(
            swarm,
            ["node", "ls", "--format", "{{.Hostname}} {{.Status}} {{.ManagerStatus}}"],
            "docker node ls",
        );
        expect(
            nodes
                .trim()
                .split("\n")
                .map((line) => line.trim())
                .sort(),
        ).toEqual(swarm.nodes.map((n) => `${n.name} Ready${n.role === "manager" ? " Leader" : ""}`.trimEnd()).sort());
        const ports = execFileSync("docker", ["port", swarm.nodes[0].name, "2375/tcp"]).toString().trim();
        expect(ports).toBe(`127.0.0.1:${PORTS.managerPort}`);
    });

    test("a 3-task host-mode service runs on more than one node, and every node's port answers through 127.0.0.1", async () => {
        const started = Date.now();
        const tasks = await createHostModeService(swarm, SERVICE, v1, 3, APP_PORT);
        timings.push(`3-task service converged in ${secs(Date.now() - started)}`);
        expect(new Set(tasks.map((t) => t.node)).size).toBeGreaterThan(1);
        expect(new Set(tasks.map((t) => t.node))).toEqual(new Set(swarm.nodes.map((n) => n.name)));
        const hostnames = await answers(swarm);
        expect(hostnames.every(Boolean)).toBe(true);
        expect(new Set(hostnames).size).toBe(3);
    });

    test("draining a worker moves its task to another node, and the app keeps answering on the remaining nodes", async () => {
        // Two tasks on three nodes leave one node free for the drained worker's task to move to.
        await managerDocker(swarm, ["service", "scale", "--detach", `${SERVICE}=2`], "scaling to 2");
        const before = await waitConverged(swarm, SERVICE, 2, v1);
        const worker = swarm.nodes.find((n) => n.role === "worker" && before.some((t) => t.node === n.name));
        if (!worker) throw new Error(`no worker runs a task: ${before.map((t) => t.node).join(", ")}`);
        const free = swarm.nodes.find((n) => !before.some((t) => t.node === n.name));
        await drain(swarm, worker);
        try {
            const after = await waitConverged(swarm, SERVICE, 2, v1);
            expect(after.map((t) => t.node)).not.toContain(worker.name);
            expect(after.map((t) => t.node)).toContain(free?.name);
            const remaining = swarm.nodes.filter((n) => after.some((t) => t.node === n.name));
            const hostnames = await answers({ ...swarm, nodes: remaining });
            expect(hostnames.every(Boolean)).toBe(true);
            expect((await answers({ ...swarm, nodes: [worker] }))[0]).toBeUndefined();
        } finally {
            await setAvailability(swarm, worker, "active");
        }
        await managerDocker(swarm, ["service", "scale", "--detach", `${SERVICE}=3`], "scaling back to 3");
        expect((await waitConverged(swarm, SERVICE, 3, v1)).length).toBe(3);
    });

    test("a stop-first rolling update never leaves every node unanswering, and ends on the new image everywhere", async () => {
        const v2 = await pushAppImage(swarm, config, "2");
        expect(v2).not.toBe(v1);
        const update: RollingUpdate = await rollingUpdate(swarm, SERVICE, v2, 3);
        timings.push(
            `rolling update of 3 tasks in ${secs(update.ms)} (${update.polls} polls of the 3 node ports, fewest answering at once: ${update.minAnswering})`,
        );
        expect(update.polls).toBeGreaterThan(0);
        expect(update.allDown).toBe(0);
        expect(update.minAnswering).toBeGreaterThanOrEqual(1);
        const tasks = await runningTasks(swarm, SERVICE);
        expect(tasks.map((t) => t.image)).toEqual([v2, v2, v2]);
        expect((await answers(swarm)).every(Boolean)).toBe(true);
    });
});
