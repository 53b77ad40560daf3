import * as path from "node:path";
import type { LabConfig, Spec } from "../../lab";
import { finding } from "./findings";
import { oneLine } from "./format";
import { checkStore } from "./store";
import type { DoctorFinding, DoctorProbes } from "./types";

/** The Docker engine: which one the lab will use (config, DOCKER_HOST, the docker context, the usual sockets), whether it answers, and its version. */

/** Oldest engine API the lab is tested with (Docker 20.10). */
const MIN_API_VERSION = "1.41";

/** API version that brought healthcheck start_interval (Docker 25). */
const START_INTERVAL_API_VERSION = "1.44";

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
export interface EngineTarget {
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
export function isLocalEngine(address: string): boolean {
    if (/^(unix|npipe):\/\//.test(address)) return true;
    const m = address.match(/^tcp:\/\/\[?([^\]/]+?)\]?(?::\d+)?\/?$/);
    return m ? ["localhost", "127.0.0.1", "::1"].includes(m[1]) : false;
}

/**
 * The environment of every docker call about the lab: DOCKER_HOST set to the stack's dockerHost when
 * that is set, else the caller's (DOCKER_HOST, else the docker CLI's current context).
 */
export function engineEnv(probes: DoctorProbes, config: LabConfig): Record<string, string | undefined> {
    return config.dockerHost ? { ...probes.env, DOCKER_HOST: config.dockerHost } : { ...probes.env };
}

async function resolveEngineTarget(probes: DoctorProbes, config: LabConfig): Promise<EngineTarget | DoctorFinding> {
    if (config.dockerHost) {
        return { address: config.dockerHost, source: "config", env: engineEnv(probes, config) };
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
export async function checkEngine(probes: DoctorProbes, config: LabConfig): Promise<{ findings: DoctorFinding[]; engine?: EngineTarget }> {
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
    findings.push(...(await checkStore(probes, target.env)));

    // The lab's Docker provider reads dockerHost or DOCKER_HOST (or DOCKER_CONTEXT), not the CLI's
    // current context: with a context elsewhere it would talk to the platform default socket.
    if (target.source === "context" && target.address !== DEFAULT_DOCKER_HOST && !probes.env.DOCKER_CONTEXT) {
        const fix = `export DOCKER_HOST=${target.address} (or npm run config -- set dockerHost ${target.address})`;
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
        target.source === "config" ? `npm run config -- set dockerHost ${address}` : `export DOCKER_HOST=${address}`;
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
            target.source === "env" ? ", or unset DOCKER_HOST" : target.source === "config" ? ", or npm run config -- rm dockerHost" : "";
        const found =
            silent.length > 0 ? `; also found ${silent.map((s) => `${s.path} (${s.name})`).join(", ")}, not answering either` : "";
        fix = `${start}${unset}${found}`;
    }
    return finding("engine", "engine.down", false, `no Docker engine answers at ${where}${said}: fix: ${fix}`);
}

/** The doctor's checks of what a lab's mode needs of the engine, with the progress line they run under. */
export interface ModeEngineChecks {
    progress: string;
    check(probes: DoctorProbes, config: LabConfig, engine: EngineTarget, spec: Spec): Promise<DoctorFinding[]>;
}
