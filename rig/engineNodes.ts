import { docker, dockerOk } from "../engine";
import { PROJECT_NAME } from "../lab";
import { DIND_CAPABILITY_FLAGS, loadImage, waitForDockerd } from "./swarmNodes";

/**
 * A Docker engine of another version on this machine: a node container of an image built by
 * `scripts/offline-images.sh --with-engines`, for the engines e2e test. Its API is published on
 * 127.0.0.1 only; the lab's own ports live in the node's network namespace (`netns`), where a
 * command entered with nsenter sees the engine on its 127.0.0.1, as a learner's machine does. The
 * node, its network and its volume carry ENGINE_NODE_LABEL, so `removeEngineNodes()` finds them
 * again after an interrupted run.
 */

/** The label on every container, network and volume of an engine node. */
export const ENGINE_NODE_LABEL = `${PROJECT_NAME}.engine-node`;

/** The node images, by the engine they run. */
export const ENGINE_IMAGES = {
    trixie: "docker-lab-offline/dind:trixie",
    sid: "docker-lab-offline/dind:sid",
    moby29: "docker-lab-offline/dind:29",
} as const;

/**
 * Flags of every engine node besides the capabilities: Docker 28 and later cannot start a container
 * without systempaths=unconfined ("failed to disable IPv6 on container's interface eth0").
 */
const ENGINE_RUN_FLAGS: readonly string[] = [...DIND_CAPABILITY_FLAGS, "--security-opt", "systempaths=unconfined"];

/** Where the node's engine keeps its data. */
export type EngineStorage = "tmpfs" | "volume";

export interface EngineNodeOptions {
    image: string;
    /** 127.0.0.1 port that publishes the node's engine API (its tcp 2375). */
    apiPort: number;
    /** A tmpfs (for dockerd --storage-driver vfs) or a named volume (overlay2, the containerd store). */
    storage: EngineStorage;
    /** dockerd's own arguments, e.g. `--storage-driver vfs` or `--feature containerd-snapshotter=true`. */
    dockerdArgs: readonly string[];
    /** dockerd's environment, e.g. DOCKER_MIN_API_VERSION. Default none. */
    env?: Record<string, string>;
    /** Images loaded into the node (`docker save | docker load`). */
    images: string[];
    /** Label value and name suffix. Default `<pid>-<time in base 36>`. */
    runId?: string;
    /** Seconds to wait for the node's dockerd. Default 90. */
    readyTimeoutSeconds?: number;
}

export interface EngineNode {
    runId: string;
    /** Container name, also its hostname. */
    name: string;
    /** `tcp://127.0.0.1:<apiPort>`: the node's engine from this machine. */
    host: string;
    /** The node's network namespace (`/proc/<pid>/ns/net`), for `nsenter --net=`. */
    netns: string;
    /** The engine as `docker version` and `docker info` name it. */
    version: string;
    api: string;
    /** The oldest API version it accepts from a client. */
    minApi: string;
    driver: string;
    /** Milliseconds until its dockerd answered, and to load the images. */
    timings: { readyMs: number; imagesLoadedMs: number };
}

/** `docker run` arguments of a node: its data's place, the API on 127.0.0.1, then dockerd's arguments. */
function nodeRunArgs(opts: EngineNodeOptions, name: string, label: string, network: string): string[] {
    const data = opts.storage === "tmpfs" ? ["--tmpfs", "/var/lib/docker:exec"] : ["-v", `${name}:/var/lib/docker`];
    // The API answers on the node network and, through the published port, on 127.0.0.1 of this machine;
    // --tls=false: Docker 27 and later refuse a plain TCP socket unless it is asked for by name.
    const dockerd = ["-H", "unix:///var/run/docker.sock", "-H", "tcp://0.0.0.0:2375", "--tls=false", ...opts.dockerdArgs];
    const env = Object.entries(opts.env ?? {}).flatMap(([key, value]) => ["-e", `${key}=${value}`]);
    return ["run", "-d", "--name", name, "--hostname", name, "--label", label, "--network", network].concat(
        ENGINE_RUN_FLAGS,
        data,
        env,
        ["-p", `127.0.0.1:${opts.apiPort}:2375`, opts.image],
        dockerd,
    );
}

/** Starts a node, waits for its dockerd and loads the images; on any failure removes what it made, then throws. */
export async function startEngineNode(opts: EngineNodeOptions): Promise<EngineNode> {
    const runId = opts.runId ?? `${process.pid}-${Date.now().toString(36)}`;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(runId)) throw new Error(`runId = "${runId}": use lowercase letters, digits and -`);
    const name = `${PROJECT_NAME}-engine-${runId}`;
    const label = `${ENGINE_NODE_LABEL}=${runId}`;
    const started = Date.now();
    try {
        await dockerOk(["network", "create", "--label", label, name], "creating the engine node's network");
        if (opts.storage === "volume") await dockerOk(["volume", "create", "--label", label, name], "creating the engine node's volume");
        await dockerOk(nodeRunArgs(opts, name, label, name), `starting engine node ${name}`);
        await waitForDockerd(name, opts.readyTimeoutSeconds ?? 90);
        const readyMs = Date.now() - started;
        const loading = Date.now();
        for (const image of opts.images) await loadImage(image, name);
        const imagesLoadedMs = Date.now() - loading;
        const host = `tcp://127.0.0.1:${opts.apiPort}`;
        const format = "{{.Server.Version}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}}";
        const [version, api, minApi] = (await dockerOk(["-H", host, "version", "--format", format], "asking the node's engine"))
            .trim()
            .split(" ");
        const driver = (await dockerOk(["-H", host, "info", "--format", "{{.Driver}}"], "asking the node's engine")).trim();
        const pid = (await dockerOk(["inspect", "--format", "{{.State.Pid}}", name], "reading the node's pid")).trim();
        return { runId, name, host, netns: `/proc/${pid}/ns/net`, version, api, minApi, driver, timings: { readyMs, imagesLoadedMs } };
    } catch (err) {
        await removeEngineNodes(runId);
        throw err;
    }
}

/**
 * Restarts the node's engine as a reboot does: dockerd gets SIGTERM and stops every container, then
 * starts again on the same data (a node on a volume; a tmpfs would lose it). Returns the node with its
 * new network namespace (the node's pid changed).
 */
export async function restartEngineNode(node: EngineNode, readyTimeoutSeconds = 90): Promise<EngineNode> {
    await dockerOk(["restart", node.name], `restarting engine node ${node.name}`);
    await waitForDockerd(node.name, readyTimeoutSeconds);
    const pid = (await dockerOk(["inspect", "--format", "{{.State.Pid}}", node.name], "reading the node's pid")).trim();
    return { ...node, netns: `/proc/${pid}/ns/net` };
}

/**
 * Removes the node containers, volumes and networks of run `runId`, or of every run when none is given
 * (an interrupted run's leftovers). Never throws; returns the counts.
 */
export async function removeEngineNodes(runId?: string): Promise<{ containers: number; volumes: number; networks: number }> {
    const filter = ["--filter", `label=${runId ? `${ENGINE_NODE_LABEL}=${runId}` : ENGINE_NODE_LABEL}`];
    const list = async (args: string[], field = "{{.Name}}") =>
        (await docker([...args, ...filter, "--format", field], {}, 60_000)).stdout.split("\n").filter(Boolean);
    const containers = await list(["ps", "--all"], "{{.Names}}");
    if (containers.length) await docker(["rm", "--force", "--volumes", ...containers], {}, 180_000);
    const volumes = await list(["volume", "ls"]);
    if (volumes.length) await docker(["volume", "rm", "--force", ...volumes], {}, 180_000);
    const networks = await list(["network", "ls"]);
    if (networks.length) await docker(["network", "rm", ...networks], {}, 60_000);
    return { containers: containers.length, volumes: volumes.length, networks: networks.length };
}
