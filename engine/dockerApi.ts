import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { Duplex } from "node:stream";

/**
 * A minimal Docker Engine API client on Node's own http/https, for what the docker CLI cannot give a
 * web portal: a TTY exec whose stream and size the portal controls, and a container's state.
 * Paths carry no API version, so every engine (API 1.41 to Docker 29) answers with its own default.
 */

/** Where the engine API is: a unix socket, or tcp with optional TLS files. */
export type EngineEndpoint =
    | { kind: "unix"; socketPath: string }
    | { kind: "tcp"; host: string; port: number; tls?: { ca: Buffer; cert: Buffer; key: Buffer } };

const DEFAULT_SOCKET = "/var/run/docker.sock";
const ADDRESS_FIX = "write it as unix:///path/to/docker.sock or tcp://host:port";

/**
 * Pure: the endpoint from an environment's DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH (unix:// and
 * tcp:// only; tcp without TLS verify uses plain http, with DOCKER_TLS_VERIFY reads ca.pem, cert.pem, key.pem
 * from DOCKER_CERT_PATH, default ~/.docker); undefined when DOCKER_HOST is unset. Throws an Error naming the
 * value and the fix for an unsupported scheme (e.g. ssh://) or a malformed address.
 */
export function endpointFromEnv(env: Record<string, string | undefined>): EngineEndpoint | undefined {
    // The docker CLI treats an empty DOCKER_HOST as unset, and any non-empty DOCKER_TLS_VERIFY (even "0") as on.
    if (!env.DOCKER_HOST) return undefined;
    const certDir = env.DOCKER_CERT_PATH || env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), ".docker");
    return parseHost(env.DOCKER_HOST, "DOCKER_HOST", env.DOCKER_TLS_VERIFY ? certDir : undefined);
}

/** `value` (unix://PATH or tcp://HOST[:PORT]) as an endpoint, with TLS files from `tlsDir` when given. */
function parseHost(value: string, source: string, tlsDir?: string): EngineEndpoint {
    const shown = `${source} "${value}"`;
    const scheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(value);
    if (!scheme) throw new Error(`${shown} is not an engine address: ${ADDRESS_FIX}`);
    if (scheme[1] === "unix") return { kind: "unix", socketPath: scheme[2] || DEFAULT_SOCKET };
    if (scheme[1] === "ssh") {
        throw new Error(
            `${shown} uses ssh://, which this client does not speak: forward the engine's socket ` +
                "(ssh -NL /tmp/docker.sock:/var/run/docker.sock user@host) and use unix:///tmp/docker.sock, or expose the engine on tcp:// with TLS",
        );
    }
    if (scheme[1] !== "tcp") throw new Error(`${shown} uses ${scheme[1]}://, which this client does not speak: ${ADDRESS_FIX}`);
    let url: URL | undefined;
    try {
        url = new URL(value);
    } catch {}
    // A base path or user name would be silently dropped, so they count as malformed too.
    if (!url?.hostname || !["", "/"].includes(url.pathname) || url.search || url.username) {
        throw new Error(`${shown} is not a tcp address this client understands: ${ADDRESS_FIX}`);
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    // The docker CLI's default ports: 2376 with TLS, 2375 without.
    const port = url.port ? Number(url.port) : tlsDir ? 2376 : 2375;
    if (!tlsDir) return { kind: "tcp", host, port };
    const read = (file: string): Buffer => {
        try {
            return fs.readFileSync(path.join(tlsDir, file));
        } catch (err) {
            throw new Error(`${shown} needs TLS files, but ${(err as Error).message}: put ca.pem, cert.pem and key.pem in ${tlsDir}`);
        }
    };
    return { kind: "tcp", host, port, tls: { ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") } };
}

/**
 * The endpoint a docker CLI with `env` (added to this process's environment, as engine/dockerCli's `docker` does)
 * talks to: endpointFromEnv, else the current docker context's host (`docker context inspect`, run with env,
 * with the context's TLS files when it has them), else unix:///var/run/docker.sock when there is no docker CLI.
 */
export async function resolveEndpoint(env: Record<string, string | undefined>): Promise<EngineEndpoint> {
    const full = { ...process.env, ...env };
    const fromEnv = endpointFromEnv(full);
    if (fromEnv) return fromEnv;
    const context = await new Promise<any>((resolve, reject) => {
        execFile("docker", ["context", "inspect", "--format", "{{json .}}"], { env: full, timeout: 20_000 }, (err, stdout, stderr) => {
            if ((err as NodeJS.ErrnoException | null)?.code === "ENOENT") return resolve(undefined);
            if (err) return reject(new Error(`docker context inspect failed: ${String(stderr).trim() || err.message}`));
            resolve(JSON.parse(String(stdout)));
        });
    });
    const host: string | undefined = context?.Endpoints?.docker?.Host;
    if (!host) return { kind: "unix", socketPath: DEFAULT_SOCKET };
    // A context keeps its TLS files itself (under Storage.TLSPath), not in DOCKER_CERT_PATH.
    const hasTls = (context.TLSMaterial?.docker ?? []).length > 0;
    return parseHost(host, `docker context ${context.Name}'s host`, hasTls ? path.join(context.Storage.TLSPath, "docker") : undefined);
}

function describeEndpoint(endpoint: EngineEndpoint): string {
    if (endpoint.kind === "unix") return `unix://${endpoint.socketPath}`;
    return `tcp://${endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}${endpoint.tls ? " (TLS)" : ""}`;
}

/** An unsent request; `agent: false` gives each its own connection, which exec start then keeps as the TTY. */
function openRequest(endpoint: EngineEndpoint, method: string, apiPath: string, body?: unknown, headers: http.OutgoingHttpHeaders = {}) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const bodyHeaders = payload === undefined ? {} : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) };
    const common = { method, path: apiPath, agent: false as const, headers: { ...bodyHeaders, ...headers } };
    const req =
        endpoint.kind === "unix"
            ? http.request({ ...common, socketPath: endpoint.socketPath })
            : endpoint.tls
              ? https.request({ ...common, host: endpoint.host, port: endpoint.port, ...endpoint.tls })
              : http.request({ ...common, host: endpoint.host, port: endpoint.port });
    return { req, payload };
}

function unreachable(endpoint: EngineEndpoint, err: Error): Error {
    return new Error(`Cannot reach the Docker engine at ${describeEndpoint(endpoint)}: ${err.message}`);
}

interface Answer {
    status: number;
    json: any;
}

/** A response's body as JSON; a plain-text body (some engine errors) becomes `{ message }`. */
function readAnswer(res: http.IncomingMessage): Promise<Answer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json: any;
            try {
                json = text ? JSON.parse(text) : {};
            } catch {
                json = { message: text.trim() };
            }
            resolve({ status: res.statusCode ?? 0, json });
        });
    });
}

/** One API call: status and JSON body. A stuck engine fails the call after a minute instead of hanging the portal. */
function request(endpoint: EngineEndpoint, method: string, apiPath: string, body?: unknown): Promise<Answer> {
    return new Promise((resolve, reject) => {
        const { req, payload } = openRequest(endpoint, method, apiPath, body);
        req.setTimeout(60_000, () => req.destroy(new Error(`no answer to ${method} ${apiPath} within 60s`)));
        req.on("error", (err) => reject(unreachable(endpoint, err)));
        req.on("response", (res) => readAnswer(res).then(resolve, reject));
        req.end(payload);
    });
}

function engineSaid(answer: Answer): string {
    return `${answer.json?.message ?? "no message"} (HTTP ${answer.status})`;
}

const ok = (answer: Answer) => answer.status >= 200 && answer.status < 300;

export interface ExecTtyOptions {
    /** User (name or uid[:gid]) in the container. Default: the container's. */
    user?: string;
    /** Working directory in the container. Default: the container's. */
    workdir?: string;
    cmd: string[];
    /** Extra environment, as "NAME=value". */
    env?: string[];
    /** Initial terminal size. Default: 80x24. */
    cols?: number;
    rows?: number;
}

/** A running TTY exec: `stream` carries raw terminal bytes both ways (Tty=true, so no multiplexing headers). */
export interface ExecTty {
    id: string;
    stream: Duplex;
    resize(cols: number, rows: number): Promise<void>;
    /**
     * Ends the session: closes the stream. The engine does not stop the command when its connection closes
     * (see opencontainers/runc#3359), so a shell idling at its prompt stays until the container stops.
     */
    close(): void;
}

/**
 * POST /containers/{name}/exec (AttachStdin/Stdout/Stderr, Tty, User, WorkingDir, Env, Cmd), then POST
 * /exec/{id}/start with `Connection: Upgrade, Upgrade: tcp` (Detach false, Tty true), taking the hijacked socket
 * from the 101 (or, on engines that answer 200 without upgrading, the response's socket). Applies the initial
 * size with /exec/{id}/resize once started (a command that has already ended is no error: its output says why,
 * e.g. "executable file not found"). Rejects with an Error whose message names the container and says
 * what the engine answered (e.g. "No such container: x", or "Container ... is not running").
 */
export async function execTty(endpoint: EngineEndpoint, container: string, options: ExecTtyOptions): Promise<ExecTty> {
    const { cols = 80, rows = 24 } = options;
    const created = await request(endpoint, "POST", `/containers/${encodeURIComponent(container)}/exec`, {
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        User: options.user,
        WorkingDir: options.workdir,
        Env: options.env,
        Cmd: options.cmd,
        // API 1.42+ engines size the TTY before the command starts; older ones ignore this and get the resize below.
        ConsoleSize: [rows, cols],
    });
    if (!ok(created)) throw new Error(`Cannot exec in container ${container}: ${engineSaid(created)}`);
    const id: string = created.json.Id;
    const stream = await startExec(endpoint, container, id);
    const resize = async (newCols: number, newRows: number): Promise<void> => {
        const answer = await request(endpoint, "POST", `/exec/${id}/resize?h=${newRows}&w=${newCols}`);
        if (!ok(answer)) throw new Error(`Cannot resize the terminal in container ${container}: ${engineSaid(answer)}`);
    };
    try {
        await resize(cols, rows);
    } catch (err) {
        // A command that ended at once (or never started) is gone before the resize; its stream says why, so that is no error.
        const exec = await request(endpoint, "GET", `/exec/${id}/json`).catch(() => undefined);
        if (!exec || (ok(exec) && exec.json.Running)) {
            stream.destroy();
            throw err;
        }
    }
    return { id, stream, resize, close: () => stream.destroy() };
}

/** POST /exec/{id}/start, resolving with the connection itself once the engine hands it over to the TTY. */
function startExec(endpoint: EngineEndpoint, container: string, id: string): Promise<Duplex> {
    return new Promise((resolve, reject) => {
        const upgrade = { Connection: "Upgrade", Upgrade: "tcp" };
        const { req, payload } = openRequest(endpoint, "POST", `/exec/${id}/start`, { Detach: false, Tty: true }, upgrade);
        req.on("error", (err) => reject(unreachable(endpoint, err)));
        req.on("upgrade", (_res, socket, head: Buffer) => {
            // Terminal bytes that arrived in the same packet as the 101 headers.
            if (head.length > 0) socket.unshift(head);
            resolve(socket);
        });
        req.on("response", (res) => {
            // Without an upgrade the body is the terminal output until the engine closes; stdin goes to the same socket.
            if (res.statusCode === 200) return resolve(bodyAndSocket(res));
            readAnswer(res).then(
                (answer) => reject(new Error(`Cannot start the exec in container ${container}: ${engineSaid(answer)}`)),
                reject,
            );
        });
        req.end(payload);
    });
}

/** One stream of a 200 start: what the engine sends is the response body, what we send goes to its socket. */
function bodyAndSocket(res: http.IncomingMessage): Duplex {
    const socket = res.socket;
    const stream = new Duplex({
        read: () => res.resume(),
        write: (chunk, encoding, callback) => socket.write(chunk, encoding, callback),
        final: (callback) => socket.end(callback),
        destroy: (err, callback) => {
            socket.destroy();
            callback(err);
        },
    });
    res.on("data", (chunk: Buffer) => stream.push(chunk) || res.pause());
    res.on("end", () => stream.push(null));
    res.on("error", (err) => stream.destroy(err));
    return stream;
}

/** A container's state as the engine reports it. */
export interface ContainerState {
    /** "created", "running", "paused", "restarting", "removing", "exited" or "dead". */
    status: string;
    running: boolean;
    /** "starting", "healthy" or "unhealthy"; absent without a HEALTHCHECK. */
    health?: string;
    /** When it last started (RFC 3339); absent when it never has. */
    startedAt?: string;
}

/** GET /containers/{name}/json → State; undefined on 404. */
export async function containerState(endpoint: EngineEndpoint, container: string): Promise<ContainerState | undefined> {
    const answer = await request(endpoint, "GET", `/containers/${encodeURIComponent(container)}/json`);
    if (answer.status === 404) return undefined;
    if (!ok(answer)) throw new Error(`Cannot inspect container ${container}: ${engineSaid(answer)}`);
    const state = answer.json.State;
    // The engine reports Go's zero time for a container that never started.
    const startedAt = state.StartedAt && !state.StartedAt.startsWith("0001-") ? state.StartedAt : undefined;
    return { status: state.Status, running: state.Running, health: state.Health?.Status, startedAt };
}
