import { spawn } from "node:child_process";
import { docker, dockerOk } from "../engine";
import { instanceId, PROJECT_NAME } from "../lab";
import { sleep } from "./sleep";

/**
 * A Docker Swarm of dind node containers on one machine, for the multi-node tests and the bench. The
 * manager's engine is published on 127.0.0.1 only, so the lab deploys to it with `dockerHost`; every node
 * publishes the app's host-mode port on its own 127.0.0.1 port. Everything carries SWARM_TEST_LABEL, so
 * `removeSwarm()` finds it again after an interrupted run.
 */

/** The label on every container and network a swarm of test nodes is made of. */
export const SWARM_TEST_LABEL = `${PROJECT_NAME}.swarm-test`;

/** The instance the test image is named for, as a stack's lab is: `<registry>/docker-lab-swarm-test/<appImageName>`. */
export const SWARM_TEST_INSTANCE = instanceId(PROJECT_NAME, "swarm-test");

/** The node image built by `scripts/offline-images.sh --with-dind`. */
export const DIND_IMAGE = "docker-lab-offline/dind:bookworm";

/**
 * What a node needs to run dockerd without `--privileged`, which some hosts refuse. SYS_PTRACE lets its runc
 * enter the app's non-root container, as every healthcheck does (README: Swarm mode, More than one machine).
 */
export const DIND_CAPABILITY_FLAGS: readonly string[] = [
    "--cap-add",
    "SYS_ADMIN",
    "--cap-add",
    "NET_ADMIN",
    "--cap-add",
    "SYS_PTRACE",
    "--security-opt",
    "seccomp=unconfined",
    "--security-opt",
    "apparmor=unconfined",
    "-v",
    "/sys/fs/cgroup:/sys/fs/cgroup:rw",
];

/** A swarm node's flags: the capabilities, and its engine's data on a tmpfs (dockerd --storage-driver vfs). */
export const DIND_RUN_FLAGS: readonly string[] = [...DIND_CAPABILITY_FLAGS, "--tmpfs", "/var/lib/docker:exec"];

export interface SwarmNodesOptions {
    /** 127.0.0.1 port that publishes the manager's engine (its tcp 2375). Required. */
    managerPort: number;
    /** Port the app is published on in host mode on every node (inside the node). Required. */
    appPort: number;
    /** Node i (0-based) publishes 127.0.0.1:(hostPortBase + i) to its appPort. Required. */
    hostPortBase: number;
    /**
     * Registry port on the manager. Workers pull from `<manager address>:registryPort` (every node's
     * dockerd trusts the node network's subnet as an insecure registry). Required.
     */
    registryPort: number;
    /** When set, the manager also publishes 127.0.0.1:registryHostPort to its registryPort. Default: not published. */
    registryHostPort?: number;
    /** Number of nodes, the first one the manager. Default 3. */
    nodes?: number;
    /** Label value and name prefix of this run. Default `<pid>-<time in base 36>`. */
    runId?: string;
    /** Node image. Default DIND_IMAGE. */
    image?: string;
    /** Images loaded into the manager (`docker save | docker load`). Default none. */
    managerImages?: string[];
    /** Images loaded into every node. Default none (workers pull through the registry). */
    allNodeImages?: string[];
    /** Seconds to wait for each node's dockerd. Default 90. */
    readyTimeoutSeconds?: number;
    /** Progress lines. Default: silent. */
    log?: (line: string) => void;
}

export interface SwarmNode {
    /** Node name in the swarm: the container's hostname, also its container name. */
    name: string;
    /** The node's IP address on the node network. */
    address: string;
    /** 127.0.0.1 port that reaches this node's appPort. */
    hostPort: number;
    role: "manager" | "worker";
}

export interface Swarm {
    runId: string;
    /** The user-defined bridge network the nodes share. */
    network: string;
    /** The node network's subnet (trusted as an insecure registry by every node). */
    subnet: string;
    /** `tcp://127.0.0.1:<managerPort>`: DOCKER_HOST / dockerHost for the manager's engine. */
    managerHost: string;
    /** `<manager address>:<registryPort>`: the registry address every node can reach. */
    registryAddress: string;
    nodes: SwarmNode[];
    /** Milliseconds: node containers until every dockerd answers, swarm init + joins, image loads. */
    timings: { nodesReadyMs: number; swarmFormedMs: number; imagesLoadedMs: number; totalMs: number };
}

function defaultRunId(): string {
    return `${process.pid}-${Date.now().toString(36)}`;
}

/** The run's node network, and the prefix of its node containers: docker-lab-swarm-<runId>. */
function runName(runId: string): string {
    return `${PROJECT_NAME}-swarm-${runId}`;
}

/** Names of the run's node containers: docker-lab-swarm-<runId>-n<i>. */
function nodeName(runId: string, i: number): string {
    return `${runName(runId)}-n${i + 1}`;
}

/** `docker ARGS` inside node container `name`, against its own dockerd. */
export function nodeDocker(name: string, args: string[], timeoutMs = 120_000) {
    return docker(["exec", name, "docker", ...args], {}, timeoutMs);
}

async function nodeDockerOk(name: string, args: string[], action: string): Promise<string> {
    const result = await nodeDocker(name, args);
    if (result.status !== 0) {
        throw new Error(`${action} on node ${name} failed: docker ${args.join(" ")}: ${result.stderr.trim() || result.stdout.trim()}`);
    }
    return result.stdout.trim();
}

/** Waits until the dockerd inside container `name` answers; throws with its last log lines if it stops or times out. */
export async function waitForDockerd(name: string, timeoutSeconds: number): Promise<void> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
        const info = await nodeDocker(name, ["version", "--format", "{{.Server.Version}}"], 20_000);
        if (info.status === 0 && info.stdout.trim()) return;
        const state = await docker(["inspect", "--format", "{{.State.Running}}", name]);
        if (state.stdout.trim() !== "true" || Date.now() > deadline) {
            const logs = await docker(["logs", "--tail", "15", name]);
            const why = state.stdout.trim() !== "true" ? "stopped" : `did not answer within ${timeoutSeconds}s`;
            throw new Error(`the dockerd of node ${name} ${why}; its last log lines:\n${logs.stdout}${logs.stderr}`);
        }
        await sleep(500);
    }
}

/** `docker save IMAGE | docker exec -i NODE docker load`. */
export function loadImage(image: string, node: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const save = spawn("docker", ["save", image], { stdio: ["ignore", "pipe", "pipe"] });
        const load = spawn("docker", ["exec", "-i", node, "docker", "load", "--quiet"], { stdio: ["pipe", "ignore", "pipe"] });
        let errors = "";
        save.stderr.on("data", (d) => {
            errors += d;
        });
        load.stderr.on("data", (d) => {
            errors += d;
        });
        save.stdout.pipe(load.stdin);
        load.stdin.on("error", () => undefined);
        let saveCode: number | null = null;
        save.on("close", (code) => {
            saveCode = code;
        });
        load.on("close", (code) => {
            if (code === 0 && saveCode === 0) resolve();
            else reject(new Error(`loading ${image} into node ${node} failed (docker save | docker load): ${errors.trim()}`));
        });
        save.on("error", reject);
        load.on("error", reject);
    });
}

/** Creates the node network, labelled `label`, and returns its IPv4 subnet. */
async function createNodeNetwork(network: string, label: string): Promise<string> {
    await dockerOk(["network", "create", "--label", label, network], "creating the node network");
    const subnet = (
        await dockerOk(["network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}} {{end}}", network], "reading the node network")
    )
        .trim()
        .split(" ")[0];
    if (!subnet) throw new Error(`network ${network} has no IPv4 subnet`);
    return subnet;
}

/** What every node container of one run shares. */
interface NodeRun {
    label: string;
    network: string;
    subnet: string;
    image: string;
}

/** `docker run` arguments of node `index` (0 is the manager), with the arguments of its dockerd after the image. */
function nodeRunArgs(opts: SwarmNodesOptions, run: NodeRun, name: string, index: number): string[] {
    const publish = ["-p", `127.0.0.1:${opts.hostPortBase + index}:${opts.appPort}`];
    const dockerd = ["--insecure-registry", run.subnet, "-H", "unix:///var/run/docker.sock"];
    if (index === 0) {
        publish.push("-p", `127.0.0.1:${opts.managerPort}:2375`);
        if (opts.registryHostPort) publish.push("-p", `127.0.0.1:${opts.registryHostPort}:${opts.registryPort}`);
        // The engine API listens on the node network and, through the port published above, on this
        // machine's 127.0.0.1; --tls=false skips dockerd's pause that warns of an unauthenticated socket.
        dockerd.push("-H", "tcp://0.0.0.0:2375", "--tls=false");
    }
    return ["run", "-d", "--name", name, "--hostname", name, "--label", run.label, "--network", run.network].concat(
        DIND_RUN_FLAGS,
        publish,
        [run.image],
        dockerd,
    );
}

/** The address of node container `name` on the node network. */
async function nodeAddress(name: string, network: string): Promise<string> {
    const format = `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`;
    return (await dockerOk(["inspect", "--format", format, name], "reading a node address")).trim();
}

/** `docker swarm init` on the first node, advertising `managerAddress`; the others join as workers; waits until all are Ready. */
async function formSwarm(names: string[], managerAddress: string): Promise<void> {
    const [manager, ...workers] = names;
    await nodeDockerOk(manager, ["swarm", "init", "--advertise-addr", managerAddress], "docker swarm init");
    if (workers.length > 0) {
        const token = await nodeDockerOk(manager, ["swarm", "join-token", "--quiet", "worker"], "reading the worker join token");
        await Promise.all(
            workers.map((name) => nodeDockerOk(name, ["swarm", "join", "--token", token, `${managerAddress}:2377`], "docker swarm join")),
        );
    }
    await waitForNodesReady(manager, names.length);
}

/** Loads `managerImages` into the manager and `allNodeImages` into every node. */
async function loadNodeImages(names: string[], opts: SwarmNodesOptions): Promise<void> {
    for (const img of opts.managerImages ?? []) await loadImage(img, names[0]);
    for (const img of opts.allNodeImages ?? []) await Promise.all(names.map((name) => loadImage(img, name)));
}

/** `tcp://127.0.0.1:<managerPort>` once the manager's engine answers there. */
async function managerEngine(managerPort: number): Promise<string> {
    const managerHost = `tcp://127.0.0.1:${managerPort}`;
    const version = await docker(["-H", managerHost, "version", "--format", "{{.Server.Version}}"], {}, 20_000);
    if (version.status !== 0) throw new Error(`the manager's engine does not answer at ${managerHost}: ${version.stderr.trim()}`);
    return managerHost;
}

/**
 * Starts `nodes` node containers, waits for their dockerd, forms the swarm (init on the manager,
 * advertising its node-network address; the others join as workers) and loads the given images.
 * Leftovers of an earlier run (found by label) are removed first; if anything fails, everything
 * this call created is removed before the error is thrown.
 */
export async function startSwarm(opts: SwarmNodesOptions): Promise<Swarm> {
    const log = opts.log ?? (() => undefined);
    const runId = opts.runId ?? defaultRunId();
    const count = opts.nodes ?? 3;
    if (!Number.isInteger(count) || count < 1) throw new Error(`nodes = ${count}: give a whole number of nodes, at least 1`);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(runId)) throw new Error(`runId = "${runId}": use lowercase letters, digits and -`);
    const label = `${SWARM_TEST_LABEL}=${runId}`;
    const network = runName(runId);
    const started = Date.now();

    const left = await removeSwarm();
    if (left.containers + left.networks > 0) log(`removed swarm-test leftovers: ${left.containers} containers, ${left.networks} networks`);

    try {
        const run: NodeRun = { label, network, subnet: await createNodeNetwork(network, label), image: opts.image ?? DIND_IMAGE };
        const names = Array.from({ length: count }, (_, i) => nodeName(runId, i));
        await Promise.all(names.map((name, i) => dockerOk(nodeRunArgs(opts, run, name, i), `starting swarm node ${name}`)));
        await Promise.all(names.map((name) => waitForDockerd(name, opts.readyTimeoutSeconds ?? 90)));
        const nodesReadyMs = Date.now() - started;
        log(`${count} node dockerds answer after ${(nodesReadyMs / 1000).toFixed(1)} s`);

        const addresses = await Promise.all(names.map((name) => nodeAddress(name, network)));
        await formSwarm(names, addresses[0]);
        const swarmFormedMs = Date.now() - started - nodesReadyMs;
        log(`swarm of ${count} formed in ${(swarmFormedMs / 1000).toFixed(1)} s`);

        const loadStart = Date.now();
        await loadNodeImages(names, opts);
        const imagesLoadedMs = Date.now() - loadStart;
        const managerHost = await managerEngine(opts.managerPort);

        return {
            runId,
            network,
            subnet: run.subnet,
            managerHost,
            registryAddress: `${addresses[0]}:${opts.registryPort}`,
            nodes: names.map((name, i) => ({
                name,
                address: addresses[i],
                hostPort: opts.hostPortBase + i,
                role: i === 0 ? "manager" : "worker",
            })),
            timings: { nodesReadyMs, swarmFormedMs, imagesLoadedMs, totalMs: Date.now() - started },
        };
    } catch (err) {
        await removeSwarm(runId);
        throw err;
    }
}

/** Waits until the manager lists `count` nodes, all Ready. */
async function waitForNodesReady(manager: string, count: number, timeoutSeconds = 60): Promise<void> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    let last = "";
    for (;;) {
        const ls = await nodeDocker(manager, ["node", "ls", "--format", "{{.Hostname}} {{.Status}}"], 20_000);
        last = ls.stdout.trim();
        const ready = last.split("\n").filter((line) => line.endsWith(" Ready"));
        if (ls.status === 0 && ready.length >= count) return;
        if (Date.now() > deadline) throw new Error(`the swarm did not list ${count} Ready nodes within ${timeoutSeconds}s:\n${last}`);
        await sleep(300);
    }
}

/** Sets a node's availability (`drain` moves its tasks to the other nodes; `active` takes tasks again). */
export async function setAvailability(swarm: Swarm, node: SwarmNode, availability: "drain" | "active" | "pause"): Promise<void> {
    await dockerOk(
        ["-H", swarm.managerHost, "node", "update", "--availability", availability, node.name],
        `${availability} node ${node.name}`,
    );
}

/** Drains a node: the manager moves its tasks to the other nodes. */
export function drain(swarm: Swarm, node: SwarmNode): Promise<void> {
    return setAvailability(swarm, node, "drain");
}

/**
 * Removes the node containers (with their anonymous volumes) and networks of run `runId`, or of
 * every run when none is given (leftovers of an interrupted run). Never throws; returns the counts.
 */
export async function removeSwarm(runId?: string): Promise<{ containers: number; networks: number }> {
    const filter = ["--filter", `label=${runId ? `${SWARM_TEST_LABEL}=${runId}` : SWARM_TEST_LABEL}`];
    const list = async (args: string[]) =>
        (await docker([...args, ...filter, "--format", "{{.ID}}"], {}, 60_000)).stdout.split("\n").filter(Boolean);
    const containers = await list(["ps", "--all"]);
    if (containers.length) await docker(["rm", "--force", "--volumes", ...containers], {}, 120_000);
    const networks = await list(["network", "ls"]);
    if (networks.length) await docker(["network", "rm", ...networks], {}, 60_000);
    return { containers: containers.length, networks: networks.length };
}

/** Whether the node image is on the engine. */
export async function dindImagePresent(image = DIND_IMAGE): Promise<boolean> {
    return (await docker(["image", "inspect", image], {}, 20_000)).status === 0;
}
