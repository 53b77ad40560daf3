import * as path from "node:path";
import { OFFLINE_IMAGES } from "../../../lab";
import {
    type DirEntry,
    type DoctorFinding,
    type DoctorProbes,
    type DoctorResult,
    type PortState,
    publishedHostPorts,
    runDoctor,
} from "../../../tools/doctor";

// A fake machine for the doctor's unit tests: a fake docker CLI answering from a small model of
// engines, containers, networks and images; fake sockets, ports, disks, files and processes.
// Nothing here touches the real ones.

export const PROJECT_DIR = path.join(__dirname, "..", "..", "..");
export const STACK = "doctortest";
export const INSTANCE = `docker-lab-${STACK}`;
export const HOME = "/home/learner";
export const HOSTNAME = "learner-laptop";
export const DEFAULT_SOCKET = "/var/run/docker.sock";
export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

export interface FakeContainer {
    name: string;
    /** Full container id (docker container inspect --format {{.Id}}). */
    id?: string;
    instance?: string;
    /** The Ports column of docker ps, e.g. "127.0.0.1:8080->8080/tcp". */
    ports: string;
}

export interface FakeWorld {
    node: string;
    env: Record<string, string | undefined>;
    uid: number | undefined;
    /** Paths that are Unix sockets. */
    sockets: string[];
    /** Engines by address: what `docker version` answers there. */
    engines: Record<string, { version: string; api: string } | "permission-denied">;
    /** Current docker context; null: `docker context inspect` fails. */
    context: { name: string; host: string } | null;
    dockerMissing: boolean;
    /** Ports a listen attempt finds taken. */
    busy: number[];
    portState?: PortState;
    containers: FakeContainer[];
    /** The engine's networks; `subnets` what docker network inspect lists (default none). */
    networks: { id: string; name: string; subnets?: string[] }[];
    /** What `docker network ls` says when it fails (default: it lists the networks). */
    networksError?: string;
    rootDir: string;
    /** Free bytes by path; a path not listed does not exist. */
    free: Record<string, number>;
    /** Images on the engine. */
    images: string[];
    /** Images their registry has. */
    pullable: string[];
    manifestError: string;
    hostname: string;
    /** Files by absolute path, with their modification time (ms; default 0). Folders are implied. */
    files: Record<string, { content: Buffer | string; mtimeMs?: number }>;
    /** Running processes by pid: when each started (null: the system does not say). */
    processes: Record<number, Date | null>;
    /** The engine's swarm: its state, whether it is a manager, its nodes ("Ready Active", "Down Active", …) and services. */
    swarm: {
        state: "inactive" | "pending" | "active" | "error" | "locked";
        manager: boolean;
        nodes: string[];
        services: { name: string; instance: string; ports: string }[];
    };
    /** The engine's kernel release (docker info {{.KernelVersion}}). */
    kernel: string;
    /** The engine's storage driver and DriverStatus (docker info {{.Driver}} and {{json .DriverStatus}}); null: docker info fails. */
    store: { driver: string; status: string[][] } | null;
}

export interface Call {
    args: string[];
    env: Record<string, string | undefined>;
}

export const BASE = "node:24.11.1-alpine3.22";
export const REGISTRY = "registry:2";
export const OFFLINE_BASE = OFFLINE_IMAGES.baseImage;
export const OFFLINE_REGISTRY = OFFLINE_IMAGES.registryImage;

export function world(overrides: Partial<FakeWorld> = {}): FakeWorld {
    return {
        node: "v22.11.0",
        env: { PATH: "/usr/bin" },
        uid: 1000,
        sockets: [DEFAULT_SOCKET],
        engines: { [`unix://${DEFAULT_SOCKET}`]: { version: "28.0.1", api: "1.48" } },
        context: { name: "default", host: `unix://${DEFAULT_SOCKET}` },
        dockerMissing: false,
        busy: [],
        containers: [],
        networks: [],
        rootDir: "/var/lib/docker",
        free: { "/var/lib/docker": 50 * GiB, "/tmp": 20 * GiB },
        images: [BASE, REGISTRY],
        pullable: [],
        manifestError:
            'failed to configure transport: error pinging v2 registry: Get "https://registry.invalid/v2/": dial tcp: lookup registry.invalid: no such host',
        hostname: HOSTNAME,
        files: {},
        processes: {},
        swarm: { state: "inactive", manager: false, nodes: [], services: [] },
        kernel: "6.1.0-18-amd64",
        store: {
            driver: "overlay2",
            status: [
                ["Backing Filesystem", "extfs"],
                ["Supports d_type", "true"],
            ],
        },
        ...overrides,
    };
}

/** Fake probes over a FakeWorld; records every docker call, every port probe and every file read. */
export function fake(w: FakeWorld) {
    const calls: Call[] = [];
    const portProbes: number[] = [];
    const reads: string[] = [];
    const ok = (stdout: string) => ({ status: 0, stdout: `${stdout}\n`, stderr: "" });
    const fail = (stderr: string, status = 1) => ({ status, stdout: "", stderr: `${stderr}\n` });
    const probes: DoctorProbes = {
        nodeVersion: () => w.node,
        env: w.env,
        homedir: () => HOME,
        uid: () => w.uid,
        tmpdir: () => "/tmp",
        fileIsSocket: (file) => w.sockets.includes(file),
        docker: async (args, env) => {
            calls.push({ args, env });
            if (w.dockerMissing) return fail("docker: command not found", 127);
            if (args[0] === "context") {
                return w.context ? ok(`${w.context.name} ${w.context.host}`) : fail("context not found");
            }
            const address = env.DOCKER_HOST || w.context?.host || `unix://${DEFAULT_SOCKET}`;
            const engine = w.engines[address];
            if (engine === "permission-denied") {
                return fail(
                    `permission denied while trying to connect to the Docker daemon socket at ${address}: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/version": dial unix: connect: permission denied`,
                );
            }
            if (!engine) return fail(`Cannot connect to the Docker daemon at ${address}. Is the docker daemon running?`);
            const filter = args[args.indexOf("--filter") + 1] ?? "";
            switch (args[0]) {
                case "version":
                    return ok(args[2].includes("APIVersion") ? `${engine.version} ${engine.api}` : engine.version);
                case "info":
                    if (args.join(" ").includes(".Swarm.")) return ok(`${w.swarm.state} ${w.swarm.manager}`);
                    if (args.join(" ").includes(".KernelVersion")) return ok(w.kernel);
                    if (args.join(" ").includes(".DriverStatus")) {
                        return w.store ? ok(`${w.store.driver}|${JSON.stringify(w.store.status)}`) : fail("error during connect: EOF");
                    }
                    return ok(w.rootDir);
                case "node":
                    if (args[1] !== "ls") break;
                    return w.swarm.manager
                        ? ok(w.swarm.nodes.join("\n"))
                        : fail("Error response from daemon: This node is not a swarm manager.");
                case "service": {
                    if (args[1] !== "ls" || !filter.startsWith("label=docker-lab.instance=")) break;
                    const instance = filter.slice("label=docker-lab.instance=".length);
                    return ok(
                        w.swarm.services
                            .filter((sv) => sv.instance === instance)
                            .map((sv) => `${sv.name} ${sv.ports}`)
                            .join("\n"),
                    );
                }
                case "ps":
                    if (filter.startsWith("label=docker-lab.instance=")) {
                        const instance = filter.slice("label=docker-lab.instance=".length);
                        return ok(
                            w.containers
                                .filter((c) => c.instance === instance)
                                .map((c) => `${c.name} ${c.ports}`)
                                .join("\n"),
                        );
                    }
                    if (filter.startsWith("publish=")) {
                        const port = Number(filter.slice("publish=".length));
                        return ok(
                            w.containers
                                .filter((c) => publishedHostPorts(c.ports).includes(port))
                                .map((c) => c.name)
                                .join("\n"),
                        );
                    }
                    return fail(`unexpected ps ${args.join(" ")}`);
                case "container": {
                    if (args.join(" ") !== `container inspect --format {{.Id}} ${args.at(-1)}`) break;
                    const found = w.containers.find((c) => c.name === args.at(-1));
                    return found
                        ? ok(found.id ?? `${"c".repeat(64)}`)
                        : fail(`Error response from daemon: No such container: ${args.at(-1)}`);
                }
                case "network": {
                    if (args[1] === "ls" && args[2] === "--quiet") {
                        return w.networksError ? fail(w.networksError) : ok(w.networks.map((n) => n.id).join("\n"));
                    }
                    if (
                        args[1] === "inspect" &&
                        args[2] === "--format" &&
                        args[3] === "{{.Name}}|{{range .IPAM.Config}}{{.Subnet}} {{end}}"
                    ) {
                        const found = args.slice(4).map((id) => w.networks.find((n) => n.id === id));
                        if (found.some((n) => !n)) return fail("Error response from daemon: network not found");
                        return ok(found.map((n) => `${n?.name}|${(n?.subnets ?? []).map((sub) => `${sub} `).join("")}`).join("\n"));
                    }
                    // docker network ls --filter name=X matches names containing X.
                    if (args[1] !== "ls" || !filter.startsWith("name=")) break;
                    const part = filter.slice("name=".length);
                    return ok(
                        w.networks
                            .filter((n) => n.name.includes(part))
                            .map((n) => `${n.id} ${n.name}`)
                            .join("\n"),
                    );
                }
                case "image": {
                    const image = args[args.length - 1];
                    return w.images.includes(image) ? ok(`sha256:${"a".repeat(64)}`) : fail(`Error: No such image: ${image}`);
                }
                case "manifest": {
                    const image = args[args.length - 1];
                    return w.pullable.includes(image) ? ok("{}") : fail(w.manifestError);
                }
            }
            return fail(`unexpected docker ${args.join(" ")}`);
        },
        portHolder: async (_ip, port) => {
            portProbes.push(port);
            if (w.portState) return w.portState;
            return w.busy.includes(port) ? "in-use" : "free";
        },
        freeBytes: async (file) => {
            if (!(file in w.free)) throw new Error(`ENOENT: no such file or directory, statfs '${file}'`);
            return w.free[file];
        },
        hostname: () => w.hostname,
        readFile: (file) => {
            reads.push(file);
            const found = w.files[file];
            if (!found) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${file}'`), { code: "ENOENT" });
            return Buffer.from(found.content);
        },
        listDir: (dir) => {
            const entries = new Map<string, DirEntry>();
            for (const [file, { mtimeMs }] of Object.entries(w.files)) {
                const rel = path.relative(dir, file);
                if (rel.startsWith("..") || path.isAbsolute(rel) || rel === "") continue;
                const [name, ...deeper] = rel.split(path.sep);
                entries.set(name, { name, isFile: deeper.length === 0, mtimeMs: deeper.length === 0 ? (mtimeMs ?? 0) : 0 });
            }
            return [...entries.values()];
        },
        pidAlive: (pid) => pid in w.processes,
        pidStartedAt: (pid) => w.processes[pid] ?? undefined,
    };
    return { probes, calls, portProbes, reads };
}

export async function doctor(w: FakeWorld, config: Record<string, unknown> = {}) {
    const f = fake(w);
    const result = await runDoctor({ stack: STACK, projectDir: PROJECT_DIR, probes: f.probes, config });
    return { ...result, calls: f.calls, portProbes: f.portProbes, reads: f.reads };
}

export function byId(result: DoctorResult, id: string): DoctorFinding {
    const found = result.findings.find((f) => f.id === id);
    if (!found) throw new Error(`no finding ${id} among ${result.findings.map((f) => f.id).join(", ")}`);
    return found;
}

export const problems = (result: DoctorResult) => result.findings.filter((f) => !f.ok);
