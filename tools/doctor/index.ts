import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { type DockerResult, docker } from "../../engine";
import {
    APP_DIR,
    buildLabSpec,
    LABEL,
    type LabConfig,
    LabConfigError,
    type LabSpec,
    LIMITS,
    loadConfigSchema,
    OFFLINE_IMAGES,
    PROJECT_NAME,
    PROJECT_ROOT,
    parseLabConfig,
    readStackConfig,
    replicaPort,
} from "../../lab";
import { DEFAULT_STACK } from "../pulumiCli";

/**
 * `npm run doctor` and the preflight of `npm run up`: checks everything the lab needs before any
 * resource is declared (Node.js, the Docker engine, free ports, disk space, images) and reports each
 * problem as one line with its fix. All I/O goes through `DoctorProbes`, so every check runs against
 * fakes in the unit tests and against this machine through `realProbes()`.
 */

/** Class of a finding; each class has its own exit code. */
export type DoctorClass = "node" | "engine" | "ports" | "disk" | "images" | "config";

export interface DoctorFinding {
    /** Stable id of the check, e.g. `engine.version` or `ports.8080`. */
    id: string;
    ok: boolean;
    /** Set on "not checked because of an earlier problem" findings: shown with the problems, not counted as one. */
    skipped?: true;
    klass: DoctorClass;
    /** One line: what was found, or the problem and its fix. */
    message: string;
}

/** Exit code of each class of problem; 0 means no problem. Several classes: the lowest code wins. */
export const DOCTOR_EXIT_CODES: Record<DoctorClass, number> = {
    config: 2,
    node: 10,
    engine: 11,
    ports: 12,
    disk: 13,
    images: 14,
};

/** Oldest Node.js major version the lab supports. */
const MIN_NODE_MAJOR = 20;
/** Free space the build needs where the engine keeps its data: 1 GiB. */
export const MIN_FREE_BYTES = 1024 ** 3;
/** Oldest engine API the lab is tested with (Docker 20.10). */
const MIN_API_VERSION = "1.41";
/** API version that brought healthcheck start_interval (Docker 25). */
const START_INTERVAL_API_VERSION = "1.44";

/** What a listen attempt on a host address and port found. */
export type PortState = "free" | "in-use" | "no-such-address";

/** Every piece of I/O the doctor does; `realProbes()` gives the real ones, tests give fakes. */
export interface DoctorProbes {
    /** process.version, e.g. v20.11.0. */
    nodeVersion(): string;
    /** The environment the doctor reads (DOCKER_HOST, XDG_RUNTIME_DIR) and passes to docker. */
    env: Record<string, string | undefined>;
    homedir(): string;
    /** Numeric user id (for /run/user/<uid>), undefined where there is none. */
    uid(): number | undefined;
    tmpdir(): string;
    fileIsSocket(file: string): boolean;
    /**
     * Runs the docker CLI with these variables (the real probe sets them over this process's environment);
     * never throws (status 127: no docker CLI, 124: timeout).
     */
    docker(args: string[], env: Record<string, string | undefined>): Promise<DockerResult>;
    /** Tries to listen on ip:port. */
    portHolder(ip: string, port: number): Promise<PortState>;
    /** Bytes available to unprivileged users on the file system holding `file`; throws if it does not exist. */
    freeBytes(file: string): Promise<number>;
}

export interface DoctorOptions {
    /** Pulumi stack whose config is checked. */
    stack: string;
    /** Project root (holds Pulumi.yaml and Pulumi.<stack>.yaml). */
    projectDir: string;
    probes?: DoctorProbes;
    /** Raw config values; default: read from Pulumi.<stack>.yaml. */
    config?: Record<string, unknown>;
    /** Progress messages such as "checking the Docker engine…" (the CLI prints them to stderr). */
    onProgress?: (message: string) => void;
}

export interface DoctorResult {
    findings: DoctorFinding[];
    exitCode: number;
}

const DOCKER_TIMEOUT_MS = 30_000;

/** The variables of `env` that are set. */
function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
    return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The real probes: this process, this machine's file system and network, the docker CLI on PATH. */
export function realProbes(env: Record<string, string | undefined> = process.env): DoctorProbes {
    return {
        nodeVersion: () => process.version,
        env,
        homedir: () => os.homedir(),
        uid: () => (typeof process.getuid === "function" ? process.getuid() : undefined),
        tmpdir: () => os.tmpdir(),
        fileIsSocket: (file) => {
            try {
                return fs.statSync(file).isSocket();
            } catch {
                return false;
            }
        },
        docker: (args, dockerEnv) => docker(args, definedOnly(dockerEnv), DOCKER_TIMEOUT_MS),
        portHolder: (ip, port) =>
            new Promise((resolve) => {
                const server = net.createServer();
                server.once("error", (e: NodeJS.ErrnoException) => {
                    // EACCES: a privileged port this user may not bind; the engine (root) can.
                    resolve(e.code === "EADDRNOTAVAIL" ? "no-such-address" : e.code === "EACCES" ? "free" : "in-use");
                });
                server.listen({ host: ip, port, exclusive: true }, () => server.close(() => resolve("free")));
            }),
        freeBytes: async (file) => {
            const stats = await fs.promises.statfs(file);
            return Number(stats.bavail) * Number(stats.bsize);
        },
    };
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Collapses whitespace (stderr of docker is often several lines) and shortens to `max` characters. */
function oneLine(text: string, max = 160): string {
    const line = text.replace(/\s+/g, " ").trim();
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The end of a docker error chain ("a: b: c: no such host" → "c: no such host"), for a short reason. */
function shortReason(stderr: string): string {
    const first = stderr.split("\n").find((l) => l.trim()) ?? "";
    const parts = first.trim().split(": ");
    return oneLine(parts.slice(-2).join(": "), 140);
}

function finding(klass: DoctorClass, id: string, ok: boolean, message: string): DoctorFinding {
    return { id, ok, klass, message: oneLine(message, 600) };
}

/** Checks left out because of an earlier problem: printed with the problems, not counted as one. */
function skipped(klass: DoctorClass, id: string, message: string): DoctorFinding {
    return { ...finding(klass, id, false, message), skipped: true };
}

/** A real problem: not ok, and not merely a check skipped because of one. */
function isProblem(f: DoctorFinding): boolean {
    return !f.ok && !f.skipped;
}

function noDockerCli(): DoctorFinding {
    return finding(
        "engine",
        "engine.cli",
        false,
        "the docker CLI is not on PATH: fix: install Docker (Docker Desktop, or the docker.io / docker-ce package) or add its bin folder to PATH",
    );
}

/** Compares dotted versions such as API versions: negative when a < b. */
function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map((n) => Number.parseInt(n, 10) || 0);
    const pb = b.split(".").map((n) => Number.parseInt(n, 10) || 0);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) return d;
    }
    return 0;
}

/** Human-readable size: 512 MiB, 3.2 GiB. */
function formatBytes(bytes: number): string {
    if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
    return `${Math.floor(bytes / 1024 ** 2)} MiB`;
}

/** Host ports of a `docker ps` Ports column, e.g. "127.0.0.1:8080->8080/tcp, :::8081-8082->8081-8082/tcp". */
export function publishedHostPorts(portsColumn: string): number[] {
    const ports: number[] = [];
    for (const m of portsColumn.matchAll(/:(\d+)(?:-(\d+))?->/g)) {
        const first = Number(m[1]);
        const last = m[2] ? Number(m[2]) : first;
        for (let p = first; p <= last; p++) ports.push(p);
    }
    return ports;
}

// ---------------------------------------------------------------------------------------------
// Node.js

function checkNode(probes: DoctorProbes): DoctorFinding[] {
    const version = probes.nodeVersion();
    const major = Number.parseInt(version.replace(/^v/, ""), 10);
    if (Number.isInteger(major) && major >= MIN_NODE_MAJOR) {
        return [finding("node", "node.version", true, `Node.js ${version} (${MIN_NODE_MAJOR} or newer is needed)`)];
    }
    return [
        finding(
            "node",
            "node.version",
            false,
            `Node.js ${version} is too old: docker-lab needs Node.js ${MIN_NODE_MAJOR} or newer; fix: install Node.js 22 LTS (nvm install 22, or https://nodejs.org) and run npm install again`,
        ),
    ];
}

// ---------------------------------------------------------------------------------------------
// Engine discovery

interface UsualSocket {
    /** Absolute path of the socket. */
    path: string;
    /** Which Docker distribution puts a socket there. */
    name: string;
}

/** The sockets Docker distributions usually create, in the order the doctor reports them. */
function usualSockets(home: string, env: Record<string, string | undefined>, uid: number | undefined): UsualSocket[] {
    const runtimeDir = env.XDG_RUNTIME_DIR || (uid !== undefined ? `/run/user/${uid}` : undefined);
    const sockets: UsualSocket[] = [
        { path: "/var/run/docker.sock", name: "the standard socket of Docker Engine" },
        { path: path.posix.join(home, ".docker/run/docker.sock"), name: "Docker Desktop" },
        { path: path.posix.join(home, ".docker/desktop/docker.sock"), name: "Docker Desktop for Linux" },
    ];
    if (runtimeDir && runtimeDir !== "/var/run") {
        sockets.push({ path: path.posix.join(runtimeDir, "docker.sock"), name: "rootless Docker" });
    }
    sockets.push(
        { path: path.posix.join(home, ".colima/default/docker.sock"), name: "Colima" },
        { path: path.posix.join(home, ".colima/docker.sock"), name: "Colima" },
        { path: path.posix.join(home, ".rd/docker.sock"), name: "Rancher Desktop" },
        { path: path.posix.join(home, ".orbstack/run/docker.sock"), name: "OrbStack" },
    );
    return sockets;
}

/** Where the lab's engine address comes from. */
interface EngineTarget {
    /** e.g. unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host. */
    address: string;
    /** How it was chosen, for messages: "DOCKER_HOST", "the docker context \"default\"", ... */
    source: "config" | "env" | "context" | "default";
    /** The docker context's name when source is "context". */
    contextName?: string;
    /** Environment for every docker call that concerns the lab. */
    env: Record<string, string | undefined>;
}

/** Platform default of the docker CLI and of the lab's Docker provider. */
const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

function describeSource(target: EngineTarget): string {
    switch (target.source) {
        case "config":
            return "from the stack's dockerHost config";
        case "env":
            return "from DOCKER_HOST";
        case "context":
            return `from the docker context "${target.contextName ?? "?"}"`;
        default:
            return "the platform default";
    }
}

function socketPath(address: string): string | undefined {
    return address.startsWith("unix://") ? address.slice("unix://".length) : undefined;
}

function describeAddress(address: string, sockets: UsualSocket[]): string {
    const file = socketPath(address);
    const known = file ? sockets.find((s) => path.posix.normalize(s.path) === path.posix.normalize(file)) : undefined;
    return known ? `${address} (${known.name})` : address;
}

/** True when the engine publishes ports and keeps its data on this machine (or its local VM). */
function isLocalEngine(address: string): boolean {
    if (/^(unix|npipe):\/\//.test(address)) return true;
    const m = address.match(/^tcp:\/\/\[?([^\]/]+?)\]?(?::\d+)?\/?$/);
    return m ? ["localhost", "127.0.0.1", "::1"].includes(m[1]) : false;
}

async function resolveEngineTarget(probes: DoctorProbes, config: LabConfig): Promise<EngineTarget | DoctorFinding> {
    if (config.dockerHost) {
        return { address: config.dockerHost, source: "config", env: { ...probes.env, DOCKER_HOST: config.dockerHost } };
    }
    if (probes.env.DOCKER_HOST) {
        return { address: probes.env.DOCKER_HOST, source: "env", env: { ...probes.env } };
    }
    const context = await probes.docker(["context", "inspect", "--format", "{{.Name}} {{.Endpoints.docker.Host}}"], probes.env);
    if (context.status === 127) return noDockerCli();
    const [name, host] = context.stdout.trim().split(/\s+/);
    if (context.status === 0 && host) {
        return { address: host, source: "context", contextName: name, env: { ...probes.env } };
    }
    return { address: DEFAULT_DOCKER_HOST, source: "default", env: { ...probes.env } };
}

/** The findings about the engine, and the engine the lab will use when it answers (undefined when not). */
async function checkEngine(probes: DoctorProbes, config: LabConfig): Promise<{ findings: DoctorFinding[]; engine?: EngineTarget }> {
    const findings: DoctorFinding[] = [];
    const resolved = await resolveEngineTarget(probes, config);
    if (!("address" in resolved)) return { findings: [resolved] };
    const target = resolved;
    const sockets = usualSockets(probes.homedir(), probes.env, probes.uid());
    const present = sockets.filter((s) => probes.fileIsSocket(s.path));
    const where = `${describeAddress(target.address, sockets)}, ${describeSource(target)}`;

    const version = await probes.docker(["version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}"], target.env);
    const [serverVersion, apiVersion] = version.stdout.trim().split(/\s+/);
    if (version.status === 127) return { findings: [noDockerCli()] };
    if (version.status !== 0 || !serverVersion || !apiVersion) {
        return { findings: [await engineDown(probes, target, where, version.stderr, present)] };
    }

    findings.push(finding("engine", "engine.endpoint", true, `Docker engine at ${where}`));
    const others = present.filter((s) => s.path !== socketPath(target.address));
    if (others.length > 0) {
        findings.push(
            finding(
                "engine",
                "engine.sockets",
                true,
                `other Docker sockets on this machine (not used): ${others.map((s) => `${s.path} (${s.name})`).join(", ")}`,
            ),
        );
    }

    if (compareVersions(apiVersion, MIN_API_VERSION) < 0) {
        findings.push(
            finding(
                "engine",
                "engine.version",
                false,
                `Docker ${serverVersion} (API ${apiVersion}) is older than Docker 20.10 (API ${MIN_API_VERSION}), the oldest the lab supports: fix: upgrade Docker (Docker Desktop, or Docker Engine 24 or newer)`,
            ),
        );
    } else {
        findings.push(finding("engine", "engine.version", true, `Docker server ${serverVersion}, API ${apiVersion}`));
    }
    if (compareVersions(apiVersion, START_INTERVAL_API_VERSION) < 0) {
        findings.push(
            finding(
                "engine",
                "engine.api",
                true,
                `note: API ${apiVersion} < ${START_INTERVAL_API_VERSION}, so healthcheck start_interval is not available; the lab does not use it (2 s interval), nothing to do`,
            ),
        );
    }

    // The lab's Docker provider reads dockerHost or DOCKER_HOST (or DOCKER_CONTEXT), not the CLI's
    // current context: with a context elsewhere it would talk to the platform default socket.
    if (target.source === "context" && target.address !== DEFAULT_DOCKER_HOST && !probes.env.DOCKER_CONTEXT) {
        const fix = `export DOCKER_HOST=${target.address} (or pulumi config set dockerHost ${target.address})`;
        if (probes.fileIsSocket(socketPath(DEFAULT_DOCKER_HOST)!)) {
            findings.push(
                finding(
                    "engine",
                    "engine.context",
                    true,
                    `note: the docker context "${target.contextName}" points at ${target.address}, but the lab's Docker provider ignores the current context and uses ${DEFAULT_DOCKER_HOST}; if that is another engine, ${fix}`,
                ),
            );
        } else {
            findings.push(
                finding(
                    "engine",
                    "engine.context",
                    false,
                    `the docker context "${target.contextName}" points at ${target.address}, but the lab's Docker provider ignores the current context and ${DEFAULT_DOCKER_HOST} does not exist: fix: ${fix}`,
                ),
            );
        }
    }
    return { findings, engine: target };
}

async function engineDown(
    probes: DoctorProbes,
    target: EngineTarget,
    where: string,
    stderr: string,
    present: UsualSocket[],
): Promise<DoctorFinding> {
    const error = oneLine(stderr.split("\n").find((l) => l.trim()) ?? "", 140);
    const said = error ? ` (${error})` : "";
    if (/permission denied/i.test(stderr)) {
        return finding(
            "engine",
            "engine.permission",
            false,
            `no permission to use the Docker engine at ${where}${said}: fix: sudo usermod -aG docker $USER and log in again, or use rootless Docker`,
        );
    }
    const setIt = (address: string) =>
        target.source === "config" ? `pulumi config set dockerHost ${address}` : `export DOCKER_HOST=${address}`;
    const alternatives = present.filter((s) => `unix://${s.path}` !== target.address);
    let fix: string | undefined;
    const silent: UsualSocket[] = [];
    for (const alt of alternatives) {
        const address = `unix://${alt.path}`;
        const answer = await probes.docker(["version", "--format", "{{.Server.Version}}"], { ...probes.env, DOCKER_HOST: address });
        if (answer.status === 0 && answer.stdout.trim()) {
            fix = `${setIt(address)} (an engine answers there: ${alt.name})`;
            break;
        }
        silent.push(alt);
    }
    if (!fix) {
        const start = "start Docker (Docker Desktop, colima start, or sudo systemctl start docker)";
        const unset =
            target.source === "env" ? ", or unset DOCKER_HOST" : target.source === "config" ? ", or pulumi config rm dockerHost" : "";
        const found =
            silent.length > 0 ? `; also found ${silent.map((s) => `${s.path} (${s.name})`).join(", ")}, not answering either` : "";
        fix = `${start}${unset}${found}`;
    }
    return finding("engine", "engine.down", false, `no Docker engine answers at ${where}${said}: fix: ${fix}`);
}

// ---------------------------------------------------------------------------------------------
// Ports

interface LabPort {
    port: number;
    /** Config key that sets it. */
    key: "appPort" | "registryPort";
    /** What uses it and which key sets it, e.g. "app replica 1, appPort + 1". */
    role: string;
}

function labPorts(spec: LabSpec): LabPort[] {
    return [
        { port: spec.registry.container.ports[0].external, key: "registryPort", role: "registry, registryPort" },
        ...spec.replicas.map((r, i) => ({
            port: r.ports[0].external,
            key: "appPort" as const,
            role: i === 0 ? "app replica 0, appPort" : `app replica ${i}, appPort + ${i}`,
        })),
    ];
}

/** A value to set `key` to whose ports are all free, or undefined when none is found quickly. */
async function freeAlternative(
    probes: DoctorProbes,
    config: LabConfig,
    ports: LabPort[],
    key: LabPort["key"],
): Promise<number | undefined> {
    const taken = new Set(ports.map((p) => p.port));
    const isFree = async (p: number) =>
        p <= LIMITS.port.max && !taken.has(p) && (await probes.portHolder(config.bindAddress, p)) === "free";
    // The ports a value of `key` publishes: the registry's one port, or one per replica.
    const portsOf = (value: number) =>
        key === "appPort" ? Array.from({ length: config.replicas }, (_, i) => replicaPort({ appPort: value }, i)) : [value];
    let candidate = Math.max(...ports.filter((p) => p.key === key).map((p) => p.port)) + 1;
    for (let attempt = 0; attempt < 40 && candidate <= LIMITS.port.max; attempt++) {
        let blocked: number | undefined;
        for (const p of portsOf(candidate)) {
            if (!(await isFree(p))) {
                blocked = p;
                break;
            }
        }
        if (blocked === undefined) return candidate;
        candidate = blocked + 1;
    }
    return undefined;
}

async function checkPorts(probes: DoctorProbes, config: LabConfig, spec: LabSpec, engine: EngineTarget): Promise<DoctorFinding[]> {
    const ip = config.bindAddress;
    if (!isLocalEngine(engine.address)) {
        return [
            finding(
                "ports",
                "ports.remote",
                true,
                `ports not checked: the engine at ${engine.address} publishes them on its own host, not on this machine`,
            ),
        ];
    }
    const ports = labPorts(spec);
    const states = await Promise.all(ports.map((p) => probes.portHolder(ip, p.port)));
    if (states.includes("no-such-address")) {
        return [
            finding(
                "ports",
                "ports.address",
                false,
                `bindAddress ${ip} is not an address of this machine, so no port can be published on it: fix: pulumi config set bindAddress 127.0.0.1 (or 0.0.0.0 for all interfaces)`,
            ),
        ];
    }

    let labHolders: Map<number, string> | undefined;
    const holdersOfThisLab = async () => {
        if (labHolders) return labHolders;
        labHolders = new Map();
        const ps = await probes.docker(
            ["ps", "--filter", `label=${LABEL.instance}=${spec.instance}`, "--format", "{{.Names}} {{.Ports}}"],
            engine.env,
        );
        for (const line of ps.stdout.split("\n").filter((l) => l.trim())) {
            const [name, ...rest] = line.trim().split(" ");
            for (const p of publishedHostPorts(rest.join(" "))) labHolders.set(p, name);
        }
        return labHolders;
    };

    // One search per key, however many of its ports are taken.
    const alternatives = new Map<LabPort["key"], Promise<number | undefined>>();
    const alternativeFor = (key: LabPort["key"]) => {
        if (!alternatives.has(key)) alternatives.set(key, freeAlternative(probes, config, ports, key));
        return alternatives.get(key)!;
    };

    const findings: DoctorFinding[] = [];
    const okParts: string[] = [];
    for (const [i, p] of ports.entries()) {
        if (states[i] === "free") {
            okParts.push(`${p.port} (${p.role}) free`);
            continue;
        }
        const ours = (await holdersOfThisLab()).get(p.port);
        if (ours) {
            okParts.push(`${p.port} (${p.role}) held by this lab (container ${ours})`);
            continue;
        }
        const other = await probes.docker(["ps", "--filter", `publish=${p.port}`, "--format", "{{.Names}}"], engine.env);
        const containers = other.stdout.split("\n").filter((l) => l.trim());
        const alternative = await alternativeFor(p.key);
        const setKey = `pulumi config set ${p.key} ${alternative ?? "<another port>"}`;
        if (containers.length > 0) {
            const names = containers.join(", ");
            findings.push(
                finding(
                    "ports",
                    `ports.${p.port}`,
                    false,
                    `port ${p.port} on ${ip} (${p.role}) is in use by container ${names}, not part of this lab: fix: docker stop ${containers[0]}, or ${setKey}`,
                ),
            );
        } else {
            findings.push(
                finding(
                    "ports",
                    `ports.${p.port}`,
                    false,
                    `port ${p.port} on ${ip} (${p.role}) is in use by another program: fix: stop it (find it with lsof -i :${p.port} or ss -ltnp), or ${setKey}`,
                ),
            );
        }
    }
    if (okParts.length > 0) findings.unshift(finding("ports", "ports.ok", true, `ports on ${ip}: ${okParts.join(", ")}`));
    return findings;
}

// ---------------------------------------------------------------------------------------------
// Disk

async function checkDisk(probes: DoctorProbes, engine: EngineTarget): Promise<DoctorFinding[]> {
    if (!isLocalEngine(engine.address)) {
        return [
            finding("disk", "disk.remote", true, `disk space not checked: the engine at ${engine.address} keeps its data on its own host`),
        ];
    }
    const info = await probes.docker(["info", "--format", "{{.DockerRootDir}}"], engine.env);
    const rootDir = info.status === 0 ? info.stdout.trim() : "";
    let where: string;
    let free: number;
    try {
        if (!rootDir) throw new Error("no DockerRootDir");
        free = await probes.freeBytes(rootDir);
        where = `${rootDir} (Docker's data directory)`;
    } catch {
        const tmp = probes.tmpdir();
        try {
            free = await probes.freeBytes(tmp);
        } catch (e) {
            return [finding("disk", "disk.unknown", true, `disk space not checked: ${(e as Error).message}`)];
        }
        where = rootDir
            ? `${tmp} (Docker's data directory ${rootDir} is not on this machine, e.g. inside the Docker Desktop or Colima VM)`
            : `${tmp}`;
    }
    if (free >= MIN_FREE_BYTES) {
        return [finding("disk", "disk.free", true, `${formatBytes(free)} free at ${where}; the lab needs ${formatBytes(MIN_FREE_BYTES)}`)];
    }
    return [
        finding(
            "disk",
            "disk.free",
            false,
            `only ${formatBytes(free)} free at ${where}, the lab needs at least ${formatBytes(MIN_FREE_BYTES)} to build and pull: fix: docker system prune (removes stopped containers, unused networks, dangling images and build cache), or free space on that disk`,
        ),
    ];
}

// ---------------------------------------------------------------------------------------------
// Images

async function checkImages(probes: DoctorProbes, config: LabConfig, engine: EngineTarget): Promise<DoctorFinding[]> {
    const findings: DoctorFinding[] = [];
    const present = async (image: string) =>
        (await probes.docker(["image", "inspect", "--format", "{{.Id}}", image], engine.env)).status === 0;
    for (const key of ["baseImage", "registryImage"] as const) {
        const image = config[key];
        const id = `images.${key}`;
        if (await present(image)) {
            findings.push(finding("images", id, true, `${key} ${image} is present on the engine`));
            continue;
        }
        const manifest = await probes.docker(["manifest", "inspect", image], engine.env);
        if (manifest.status === 0) {
            findings.push(finding("images", id, true, `${key} ${image} is not on the engine yet; its registry has it, so up will pull it`));
            continue;
        }
        if (/experimental/i.test(manifest.stderr)) {
            findings.push(
                finding(
                    "images",
                    id,
                    true,
                    `${key} ${image} is not on the engine yet; whether it can be pulled is unknown (docker manifest needs a newer CLI), up will try`,
                ),
            );
            continue;
        }
        const reason = shortReason(manifest.stderr) || `docker manifest inspect exited with ${manifest.status}`;
        const offline = OFFLINE_IMAGES[key];
        let fix: string;
        if (image !== offline && (await present(offline))) {
            fix = `pulumi config set ${key} ${offline} (the air-gapped image is on the engine), or docker pull ${image} where the network allows`;
        } else if (image === offline) {
            fix = `build the air-gapped images: bash scripts/offline-images.sh`;
        } else {
            fix = `docker pull ${image} where the network allows, or build the air-gapped images (bash scripts/offline-images.sh) and pulumi config set ${key} ${offline}`;
        }
        findings.push(finding("images", id, false, `${key} ${image} is not on the engine and cannot be pulled (${reason}): fix: ${fix}`));
    }
    return findings;
}

// ---------------------------------------------------------------------------------------------
// The whole doctor

function exitCodeOf(findings: DoctorFinding[]): number {
    const codes = findings.filter(isProblem).map((f) => DOCTOR_EXIT_CODES[f.klass]);
    return codes.length > 0 ? Math.min(...codes) : 0;
}

/** Runs every check for one stack. Never throws for a problem it can describe; returns findings and the exit code. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorResult> {
    const probes = options.probes ?? realProbes();
    const progress = options.onProgress ?? (() => {});
    const findings: DoctorFinding[] = [];
    const done = () => ({ findings, exitCode: exitCodeOf(findings) });

    progress("checking Node.js…");
    findings.push(...checkNode(probes));

    progress(`checking the config of stack ${options.stack}…`);
    const stackFile = `Pulumi.${options.stack}.yaml`;
    let config: LabConfig | undefined;
    let spec: LabSpec | undefined;
    try {
        const raw = options.config ?? readStackConfig(options.stack, options.projectDir);
        config = parseLabConfig(raw, loadConfigSchema(path.join(options.projectDir, "Pulumi.yaml")));
        spec = buildLabSpec(config, { project: PROJECT_NAME, stack: options.stack, appDir: APP_DIR });
        const origin = options.config ? "given values" : fs.existsSync(path.join(options.projectDir, stackFile)) ? stackFile : "defaults";
        findings.push(finding("config", "config.valid", true, `config of stack ${options.stack} is valid (${origin})`));
    } catch (e) {
        const problems = e instanceof LabConfigError ? e.problems : [`stack ${options.stack}: ${(e as Error).message}`];
        problems.forEach((problem, i) => {
            findings.push(finding("config", `config.${i + 1}`, false, `config: ${problem}`));
        });
        findings.push(
            skipped(
                "config",
                "config.skipped",
                `Docker engine, ports, disk space and images not checked: fix the config first (pulumi config set KEY VALUE --stack ${options.stack})`,
            ),
        );
        return done();
    }

    progress("checking the Docker engine…");
    const { findings: engineFindings, engine } = await checkEngine(probes, config);
    findings.push(...engineFindings);
    if (!engine) {
        findings.push(
            skipped(
                "engine",
                "engine.skipped",
                "ports, disk space and images not checked: the Docker engine does not answer (fix it first)",
            ),
        );
        return done();
    }

    progress(`checking ports on ${config.bindAddress}…`);
    findings.push(...(await checkPorts(probes, config, spec, engine)));
    progress("checking free disk space…");
    findings.push(...(await checkDisk(probes, engine)));
    progress("checking images…");
    findings.push(...(await checkImages(probes, config, engine)));
    return done();
}

/**
 * One line per finding ("✓ ", or "✗ " for a problem and for checks skipped because of one), then a summary
 * line with the number of problems (skipped checks are not counted) and the exit code.
 */
export function formatFindings(findings: DoctorFinding[], options: { problemsOnly?: boolean } = {}): string {
    const shown = options.problemsOnly ? findings.filter((f) => !f.ok) : findings;
    const lines = shown.map((f) => `${f.ok ? "✓" : "✗"} ${f.message}`);
    const problems = findings.filter(isProblem);
    if (problems.length === 0) {
        lines.push(`doctor: all ${findings.length} checks passed; exit code 0`);
    } else {
        const classes = [...new Set(problems.map((f) => f.klass))].sort((a, b) => DOCTOR_EXIT_CODES[a] - DOCTOR_EXIT_CODES[b]);
        const code = exitCodeOf(findings);
        lines.push(
            `doctor: ${problems.length} problem${problems.length === 1 ? "" : "s"} (${classes.join(", ")}); exit code ${code} (${classes[0]})`,
        );
    }
    return lines.join("\n");
}

/**
 * The preflight of `npm run up`: runs the doctor and, when anything is wrong, writes only the
 * problems (one line each, with its fix) and the summary. Returns the doctor's exit code.
 */
export async function preflight(options: DoctorOptions & { write?: (text: string) => void }): Promise<number> {
    const write = options.write ?? ((text: string) => process.stderr.write(`${text}\n`));
    const result = await runDoctor(options);
    if (result.exitCode !== 0) {
        write(`docker-lab preflight found problems; nothing was changed (details: npm run doctor):`);
        write(formatFindings(result.findings, { problemsOnly: true }));
    }
    return result.exitCode;
}

// ---------------------------------------------------------------------------------------------
// The command

/**
 * `npm run doctor [-- --stack NAME] [--json]`: checks Node.js, the Docker engine, ports, disk space
 * and images for one stack. Progress goes to stderr, findings to stdout; the exit code says which
 * class of problem was found (see DOCTOR_EXIT_CODES; 1 = usage error or the doctor itself failed).
 */

const USAGE = `usage: npm run doctor [-- --stack NAME] [--json]   (stack default: $LAB_STACK, else ${DEFAULT_STACK})`;

export interface DoctorArgs {
    stack: string;
    json: boolean;
}

export function parseDoctorArgs(argv: string[], env: Record<string, string | undefined>): DoctorArgs | string {
    const args: DoctorArgs = { stack: env.LAB_STACK || DEFAULT_STACK, json: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") args.json = true;
        else if (arg === "--stack" && argv[i + 1] && !argv[i + 1].startsWith("-")) args.stack = argv[++i];
        else if (arg.startsWith("--stack=") && arg.length > "--stack=".length) args.stack = arg.slice("--stack=".length);
        else return `unknown or incomplete argument ${JSON.stringify(arg)}; ${USAGE}`;
    }
    return args;
}

/** The whole `npm run doctor` command; returns its exit code. */
export async function doctorCommand(argv: string[], env: Record<string, string | undefined>): Promise<number> {
    const args = parseDoctorArgs(argv, env);
    if (typeof args === "string") {
        console.error(args);
        return 1;
    }
    const result = await runDoctor({
        stack: args.stack,
        projectDir: PROJECT_ROOT,
        onProgress: (message) => process.stderr.write(`${message}\n`),
    });
    if (args.json) {
        process.stdout.write(
            `${JSON.stringify({ stack: args.stack, exitCode: result.exitCode, exitCodes: DOCTOR_EXIT_CODES, findings: result.findings }, null, 2)}\n`,
        );
    } else {
        process.stdout.write(`${formatFindings(result.findings)}\n`);
    }
    return result.exitCode;
}
