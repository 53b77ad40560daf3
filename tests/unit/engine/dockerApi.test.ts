import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { Duplex } from "node:stream";
import { containerState, type EngineEndpoint, endpointFromEnv, execTty, resolveEndpoint } from "../../../engine/dockerApi";

describe("endpointFromEnv (engine/dockerApi.ts)", () => {
    let certDir: string;

    beforeAll(() => {
        certDir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-api-certs-"));
        for (const file of ["ca.pem", "cert.pem", "key.pem"]) fs.writeFileSync(path.join(certDir, file), `contents of ${file}`);
    });

    afterAll(() => fs.rmSync(certDir, { recursive: true, force: true }));

    test("unix:// gives the socket path", () => {
        expect(endpointFromEnv({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" })).toEqual({
            kind: "unix",
            socketPath: "/run/user/1000/docker.sock",
        });
    });

    test("tcp:// without DOCKER_TLS_VERIFY is plain http, on the CLI's default port when none is given", () => {
        expect(endpointFromEnv({ DOCKER_HOST: "tcp://10.0.0.5:2375" })).toEqual({ kind: "tcp", host: "10.0.0.5", port: 2375 });
        expect(endpointFromEnv({ DOCKER_HOST: "tcp://engine.example" })).toEqual({ kind: "tcp", host: "engine.example", port: 2375 });
        expect(endpointFromEnv({ DOCKER_HOST: "tcp://[::1]:80" })).toEqual({ kind: "tcp", host: "::1", port: 80 });
    });

    test("DOCKER_TLS_VERIFY reads ca.pem, cert.pem and key.pem from DOCKER_CERT_PATH", () => {
        const endpoint = endpointFromEnv({ DOCKER_HOST: "tcp://engine.example:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certDir });
        expect(endpoint).toEqual({
            kind: "tcp",
            host: "engine.example",
            port: 2376,
            tls: {
                ca: Buffer.from("contents of ca.pem"),
                cert: Buffer.from("contents of cert.pem"),
                key: Buffer.from("contents of key.pem"),
            },
        });
        expect(endpointFromEnv({ DOCKER_HOST: "tcp://engine.example", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certDir })).toMatchObject({
            port: 2376,
        });
    });

    test("DOCKER_TLS_VERIFY without the files says where it looked", () => {
        const missing = path.join(certDir, "missing");
        expect(() => endpointFromEnv({ DOCKER_HOST: "tcp://engine.example", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: missing })).toThrow(
            `put ca.pem, cert.pem and key.pem in ${missing}`,
        );
    });

    test("an unset or empty DOCKER_HOST gives undefined", () => {
        expect(endpointFromEnv({})).toBeUndefined();
        expect(endpointFromEnv({ DOCKER_HOST: "" })).toBeUndefined();
    });

    test("ssh:// and other schemes are refused, naming the value and the fix", () => {
        expect(() => endpointFromEnv({ DOCKER_HOST: "ssh://student@engine.example" })).toThrow(
            /DOCKER_HOST "ssh:\/\/student@engine\.example" uses ssh:\/\/.*ssh -NL/,
        );
        expect(() => endpointFromEnv({ DOCKER_HOST: "npipe:////./pipe/docker_engine" })).toThrow(/uses npipe:\/\/.*unix:\/\/\/path/);
    });

    test("malformed addresses are refused, naming the value and the fix", () => {
        for (const value of ["engine.example:2375", "tcp://", "tcp://engine.example:99999", "tcp://engine.example:2375/base"]) {
            expect(() => endpointFromEnv({ DOCKER_HOST: value })).toThrow(`DOCKER_HOST "${value}"`);
            expect(() => endpointFromEnv({ DOCKER_HOST: value })).toThrow("tcp://host:port");
        }
    });

    test("resolveEndpoint prefers DOCKER_HOST over any docker context", async () => {
        await expect(resolveEndpoint({ DOCKER_HOST: "unix:///tmp/other.sock" })).resolves.toEqual({
            kind: "unix",
            socketPath: "/tmp/other.sock",
        });
    });
});

/** One HTTP request as the fake engine received it. */
interface Received {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: any;
}

/** What the fake engine answers: a status line and body, or a raw-stream start that echoes stdin. */
type Reply = { status: string; body?: unknown } | { stream: "101" | "200"; greeting?: string; endAfterGreeting?: boolean };

const UPGRADED = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
const PLAIN_200 = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n";

/**
 * Just enough of the engine API on a unix socket: one request per connection (the client opens one per call),
 * answered by `route`; a stream reply echoes every later byte back, as a TTY in raw mode would.
 */
function fakeEngine(route: (req: Received) => Reply) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-api-engine-"));
    const socketPath = path.join(dir, "docker.sock");
    const received: Received[] = [];
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        let buffer = Buffer.alloc(0);
        let echoing = false;
        socket.on("data", (chunk: Buffer) => {
            if (echoing) return void socket.write(chunk);
            buffer = Buffer.concat([buffer, chunk]);
            const headerEnd = buffer.indexOf("\r\n\r\n");
            if (headerEnd < 0) return;
            const [requestLine, ...headerLines] = buffer.subarray(0, headerEnd).toString("latin1").split("\r\n");
            const headers = Object.fromEntries(
                headerLines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
            );
            const length = Number(headers["content-length"] ?? 0);
            if (buffer.length < headerEnd + 4 + length) return;
            const bodyText = buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8");
            const rest = buffer.subarray(headerEnd + 4 + length);
            const [method, url] = requestLine.split(" ");
            const req = { method, url, headers, body: bodyText ? JSON.parse(bodyText) : undefined };
            received.push(req);
            const reply = route(req);
            if ("stream" in reply) {
                socket.write((reply.stream === "101" ? UPGRADED : PLAIN_200) + (reply.greeting ?? ""));
                if (reply.endAfterGreeting) return void socket.end();
                echoing = true;
                if (rest.length > 0) socket.write(rest);
                return;
            }
            const body = reply.body === undefined ? "" : JSON.stringify(reply.body);
            socket.end(
                `HTTP/1.1 ${reply.status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
            );
        });
    });
    return {
        endpoint: { kind: "unix", socketPath } as EngineEndpoint,
        received,
        listen: () => new Promise<void>((resolve) => server.listen(socketPath, resolve)),
        close: async () => {
            for (const socket of sockets) socket.destroy();
            await new Promise((resolve) => server.close(resolve));
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

/** Resolves with everything `stream` has sent once it includes `text`; fails after two seconds. */
function readUntil(stream: Duplex, text: string): Promise<string> {
    return new Promise((resolve, reject) => {
        let seen = "";
        const timer = setTimeout(() => reject(new Error(`no ${JSON.stringify(text)} within 2s; got ${JSON.stringify(seen)}`)), 2000);
        stream.on("data", (chunk: Buffer) => {
            seen += chunk.toString("utf8");
            if (!seen.includes(text)) return;
            clearTimeout(timer);
            resolve(seen);
        });
    });
}

describe("the engine API client against a fake engine (engine/dockerApi.ts)", () => {
    const state = { Status: "running", Running: true, StartedAt: "2026-01-02T03:04:05.6Z", Health: { Status: "healthy" } };
    const engine = fakeEngine((req) => {
        const route = `${req.method} ${req.url.replace(/\?.*/, "")}`;
        switch (route) {
            case "POST /containers/box/exec":
                return { status: "201 Created", body: { Id: "abc" } };
            case "POST /containers/old/exec":
                return { status: "201 Created", body: { Id: "old1" } };
            case "POST /containers/quick/exec":
                return { status: "201 Created", body: { Id: "quick1" } };
            case "POST /exec/abc/start":
                return { stream: "101", greeting: "$ " };
            case "POST /exec/old1/start":
                return { stream: "200" };
            case "POST /exec/quick1/start":
                return { stream: "101", greeting: 'exec: "nosuch": executable file not found in $PATH\r\n', endAfterGreeting: true };
            case "POST /exec/abc/resize":
            case "POST /exec/old1/resize":
                return { status: "200 OK" };
            case "POST /exec/quick1/resize":
                return { status: "500 Internal Server Error", body: { message: "cannot resize a stopped container: unknown" } };
            case "GET /exec/quick1/json":
                return { status: "200 OK", body: { ID: "quick1", Running: false, ExitCode: 127 } };
            case "GET /containers/box/json":
                return { status: "200 OK", body: { Id: "f00", State: state } };
            default:
                return { status: "404 Not Found", body: { message: `No such container: ${req.url.split("/")[2]}` } };
        }
    });

    beforeAll(() => engine.listen());
    afterAll(() => engine.close());
    beforeEach(() => engine.received.splice(0));

    test("creates the exec, upgrades its start to a raw TTY stream and sizes it", async () => {
        const tty = await execTty(engine.endpoint, "box", {
            cmd: ["/bin/bash", "-l"],
            user: "student",
            workdir: "/home/student",
            cols: 100,
            rows: 30,
        });
        try {
            expect(tty.id).toBe("abc");
            const [create, start, resize] = engine.received;
            expect(create).toMatchObject({ method: "POST", url: "/containers/box/exec" });
            expect(create.body).toMatchObject({
                AttachStdin: true,
                AttachStdout: true,
                AttachStderr: true,
                Tty: true,
                User: "student",
                WorkingDir: "/home/student",
                Cmd: ["/bin/bash", "-l"],
            });
            expect(start).toMatchObject({ method: "POST", url: "/exec/abc/start", body: { Detach: false, Tty: true } });
            expect(start.headers.connection).toBe("Upgrade");
            expect(start.headers.upgrade).toBe("tcp");
            expect(resize.method).toBe("POST");
            const query = new URL(resize.url, "http://engine").searchParams;
            expect([new URL(resize.url, "http://engine").pathname, query.get("h"), query.get("w")]).toEqual([
                "/exec/abc/resize",
                "30",
                "100",
            ]);

            // The bytes that came with the 101 headers, then an echo of what was typed.
            const echoed = readUntil(tty.stream, "ls -la\r");
            tty.stream.write("ls -la\r");
            expect(await echoed).toBe("$ ls -la\r");

            await tty.resize(120, 40);
            expect(engine.received.at(-1)?.url).toBe("/exec/abc/resize?h=40&w=120");
        } finally {
            tty.close();
        }
        expect(tty.stream.destroyed).toBe(true);
    });

    test("takes the response's socket from an engine that answers the start with 200", async () => {
        const tty = await execTty(engine.endpoint, "old", { cmd: ["/bin/sh"] });
        try {
            const echoed = readUntil(tty.stream, "typed\n");
            tty.stream.write("typed\n");
            expect(await echoed).toBe("typed\n");
            expect(engine.received.at(-1)?.url).toBe("/exec/old1/resize?h=24&w=80");
        } finally {
            tty.close();
        }
    });

    test("a command that ended before the first resize still hands over its output", async () => {
        const tty = await execTty(engine.endpoint, "quick", { cmd: ["nosuch"] });
        expect(await readUntil(tty.stream, "\r\n")).toContain("executable file not found");
        tty.close();
    });

    test("a missing container rejects with the container and the engine's message", async () => {
        await expect(execTty(engine.endpoint, "nope", { cmd: ["/bin/sh"] })).rejects.toThrow(
            "Cannot exec in container nope: No such container: nope (HTTP 404)",
        );
        expect(engine.received).toHaveLength(1);
    });

    test("containerState reads State, and gives undefined for a missing container", async () => {
        await expect(containerState(engine.endpoint, "box")).resolves.toEqual({
            status: "running",
            running: true,
            health: "healthy",
            startedAt: "2026-01-02T03:04:05.6Z",
        });
        expect(engine.received[0]).toMatchObject({ method: "GET", url: "/containers/box/json" });
        await expect(containerState(engine.endpoint, "nope")).resolves.toBeUndefined();
    });

    test("an engine that is not there is named in the error", async () => {
        const endpoint: EngineEndpoint = { kind: "unix", socketPath: path.join(os.tmpdir(), `no-engine-${process.pid}.sock`) };
        await expect(containerState(endpoint, "box")).rejects.toThrow(`Cannot reach the Docker engine at unix://${endpoint.socketPath}`);
    });
});
