import * as fs from "node:fs";
import type { IncomingMessage } from "node:http";
import * as path from "node:path";
import type { Duplex } from "node:stream";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { type WebSocket, WebSocketServer } from "ws";
import { gradesCsv, gradesJson } from "./grades";
import { PortalError } from "./model";
import type { ClassPortal, PortalLearner } from "./portal";
import type { Roster } from "./roster";
import { type TerminalClient, type TerminalSessions, terminalSize } from "./terminal";
import type { PortalRole } from "./tokens";

/**
 * The portal's web server (fastify, and `ws` for the terminals): the student's page at /s/<token>/,
 * the teacher's at /t/<token>/, their JSON APIs, the teacher's event stream, the grades export and
 * the terminals' websockets. Every request names its token; everything that changes something
 * (a POST, a websocket) must come from the portal's own pages (its Origin is this host).
 */

/** The page's own files (tools/portal/assets) and xterm.js's, from node_modules: nothing from a CDN. */
const ASSETS_DIR = path.join(__dirname, "assets");
const ASSET_FILES: Record<string, string> = {
    "student.js": path.join(ASSETS_DIR, "student.js"),
    "teacher.js": path.join(ASSETS_DIR, "teacher.js"),
    "terminal.js": path.join(ASSETS_DIR, "terminal.js"),
    "i18n.js": path.join(ASSETS_DIR, "i18n.js"),
    "page.js": path.join(ASSETS_DIR, "page.js"),
    "portal.css": path.join(ASSETS_DIR, "portal.css"),
    "xterm/xterm.js": require.resolve("@xterm/xterm/lib/xterm.js"),
    "xterm/xterm.css": require.resolve("@xterm/xterm/css/xterm.css"),
    "xterm/addon-fit.js": require.resolve("@xterm/addon-fit/lib/addon-fit.js"),
};
const CONTENT_TYPES: Record<string, string> = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
};

/** Headers of every answer: nothing runs but the portal's own files, no page may frame it, and no link leaks a token in a Referer. */
export const SECURITY_HEADERS: Record<string, string> = {
    "content-security-policy":
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
};

export interface PortalServerOptions {
    portal: ClassPortal;
    terminals: TerminalSessions;
}

/** Pure: whether a request's Origin is this portal (the Host it was sent to, over http or https behind a TLS proxy). */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
    if (!origin || !host) return false;
    try {
        const url = new URL(origin);
        return (url.protocol === "http:" || url.protocol === "https:") && url.host === host.toLowerCase();
    } catch {
        return false;
    }
}

const BAD_LINK = "this link is not valid for this portal: ask your teacher for yours";

/** The learner a student's link opens; 403 for any other token (the teacher's included: it opens /t/). */
function learnerOf(portal: ClassPortal, token: string): PortalLearner {
    const role = portal.role(token);
    if (role?.kind === "learner") return portal.learner(role);
    throw new PortalError(403, role?.kind === "teacher" ? "this is the teacher's token: the teacher's page is /t/<token>/" : BAD_LINK);
}

/** 403 unless the token is the teacher's. */
function requireTeacher(portal: ClassPortal, token: string): void {
    const role = portal.role(token);
    if (role?.kind !== "teacher") {
        throw new PortalError(403, role?.kind === "learner" ? "a student's link cannot open the teacher's page" : BAD_LINK);
    }
}

function requireSameOrigin(request: FastifyRequest): void {
    if (!sameOrigin(request.headers.origin, request.headers.host)) {
        throw new PortalError(403, "refused: this request did not come from the portal's own page (its Origin is not this host)");
    }
}

export function portalServer(options: PortalServerOptions): FastifyInstance {
    const { portal, terminals } = options;
    const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });

    app.addHook("onSend", async (_request, reply, payload) => {
        for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
        if (!reply.getHeader("cache-control")) reply.header("cache-control", "no-store");
        return payload;
    });

    app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
        const status = error instanceof PortalError ? error.status : (error.statusCode ?? 500);
        const message = error instanceof PortalError || status < 500 ? error.message : `the portal could not do that: ${error.message}`;
        if (wantsPage(request)) return reply.code(status).type("text/html; charset=utf-8").send(errorPage(status, message));
        return reply.code(status).send({ error: message });
    });
    app.setNotFoundHandler((request, reply) => {
        const message = `no such page: ${request.url.replace(/\/[st]\/[^/]+/, "/…")}`;
        if (wantsPage(request)) return reply.code(404).type("text/html; charset=utf-8").send(errorPage(404, message));
        return reply.code(404).send({ error: message });
    });

    frontDoor(app);
    studentRoutes(app, portal);
    teacherRoutes(app, portal);
    terminalSockets(app, portal, terminals);
    return app;
}

/** The front door (no token: it says only where to go) and the pages' files. */
function frontDoor(app: FastifyInstance): void {
    app.get("/", async (_request, reply) =>
        reply.type("text/html; charset=utf-8").send(errorPage(200, "docker-lab class portal: open the link your teacher gave you")),
    );
    app.get<{ Params: { "*": string } }>("/assets/*", async (request, reply) => {
        const file = ASSET_FILES[request.params["*"]];
        if (!file) throw new PortalError(404, `no asset ${request.params["*"]}`);
        reply.header("cache-control", "public, max-age=300");
        return reply.type(CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream").send(fs.readFileSync(file));
    });
}

/** The student's page, its state and the Check button. */
function studentRoutes(app: FastifyInstance, portal: ClassPortal): void {
    app.get<{ Params: { token: string } }>("/s/:token", async (request, reply) => {
        learnerOf(portal, request.params.token);
        return reply.redirect(`/s/${request.params.token}/`);
    });
    app.get<{ Params: { token: string } }>("/s/:token/", async (request, reply) => {
        const learner = learnerOf(portal, request.params.token);
        portal.touch(learner);
        return sendPage(reply, "student.html");
    });
    app.get<{ Params: { token: string } }>("/s/:token/api/state", async (request) => {
        return portal.state(learnerOf(portal, request.params.token));
    });
    app.post<{ Params: { token: string; id: string } }>("/s/:token/api/exercises/:id/check", async (request) => {
        requireSameOrigin(request);
        return portal.check(learnerOf(portal, request.params.token), request.params.id);
    });
}

/** The teacher's page: the roster and its event stream, the actions, the grades export. */
function teacherRoutes(app: FastifyInstance, portal: ClassPortal): void {
    app.get<{ Params: { token: string } }>("/t/:token", async (request, reply) => {
        requireTeacher(portal, request.params.token);
        return reply.redirect(`/t/${request.params.token}/`);
    });
    app.get<{ Params: { token: string } }>("/t/:token/", async (request, reply) => {
        requireTeacher(portal, request.params.token);
        return sendPage(reply, "teacher.html");
    });
    app.get<{ Params: { token: string } }>("/t/:token/api/roster", async (request) => {
        requireTeacher(portal, request.params.token);
        return portal.roster();
    });
    app.get<{ Params: { token: string } }>("/t/:token/events", async (request, reply) => {
        requireTeacher(portal, request.params.token);
        reply.hijack();
        reply.raw.writeHead(200, {
            ...SECURITY_HEADERS,
            "content-type": "text/event-stream; charset=utf-8",
            "cache-control": "no-store",
            connection: "keep-alive",
        });
        const send = (roster: Roster) => reply.raw.write(`event: roster\ndata: ${JSON.stringify(roster)}\n\n`);
        send(portal.roster());
        portal.on("roster", send);
        // A comment line now and then keeps proxies from closing an idle stream.
        const keepAlive = setInterval(() => reply.raw.write(": keep-alive\n\n"), 15_000);
        request.raw.on("close", () => {
            clearInterval(keepAlive);
            portal.off("roster", send);
        });
    });
    app.post<{ Params: { token: string; name: string; action: string } }>(
        "/t/:token/api/students/:name/:action",
        async (request, reply) => {
            requireTeacher(portal, request.params.token);
            requireSameOrigin(request);
            const learner = portal.student(request.params.name);
            if (request.params.action === "verify") portal.verify(learner);
            else if (request.params.action === "reset") portal.reset(learner);
            else throw new PortalError(404, `no action ${JSON.stringify(request.params.action)}: verify or reset`);
            return reply.code(202).send({ accepted: true });
        },
    );
    app.get<{ Params: { token: string; format: string } }>("/t/:token/export.:format", async (request, reply) => {
        requireTeacher(portal, request.params.token);
        const { lab, stack } = portal.roster();
        const file = `grades-${stack}`;
        if (request.params.format === "csv") {
            reply.header("content-disposition", `attachment; filename="${file}.csv"`);
            return reply.type("text/csv; charset=utf-8").send(gradesCsv(portal.grades()));
        }
        if (request.params.format === "json") {
            reply.header("content-disposition", `attachment; filename="${file}.json"`);
            return reply
                .type("application/json; charset=utf-8")
                .send(gradesJson(portal.grades(), { lab, stack, exportedAt: new Date().toISOString() }));
        }
        throw new PortalError(404, `no export .${request.params.format}: export.csv or export.json`);
    });
}

/** The terminals: a websocket per browser tab, the learner's own (typing) or the teacher's view of one (read-only). */
function terminalSockets(app: FastifyInstance, portal: ClassPortal, terminals: TerminalSessions): void {
    const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
    app.server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        let target: { learner: PortalLearner; readOnly: boolean };
        try {
            target = terminalTarget(portal, request);
        } catch (err) {
            const status = err instanceof PortalError ? err.status : 500;
            refuseUpgrade(socket, status, (err as Error).message);
            return;
        }
        sockets.handleUpgrade(request, socket, head, (ws) => void connectTerminal(ws, target, request));
    });

    async function connectTerminal(ws: WebSocket, target: { learner: PortalLearner; readOnly: boolean }, request: IncomingMessage) {
        const { learner, readOnly } = target;
        const query = new URL(request.url ?? "/", "http://portal").searchParams;
        const client: TerminalClient = {
            send: (data) => ws.readyState === ws.OPEN && ws.send(data, { binary: typeof data !== "string" }),
            close: () => ws.close(),
        };
        let attachment: Awaited<ReturnType<TerminalSessions["attach"]>>;
        try {
            attachment = await terminals.attach(learner.student ?? "", client, {
                readOnly,
                size: terminalSize(query.get("cols"), query.get("rows")),
            });
        } catch (err) {
            client.send(JSON.stringify({ type: "error", text: `the terminal could not open: ${(err as Error).message}` }));
            ws.close();
            return;
        }
        let lastTouch = 0;
        ws.on("message", (data, isBinary) => {
            if (readOnly || isBinary) return;
            let message: { type?: string; data?: unknown; cols?: unknown; rows?: unknown };
            try {
                message = JSON.parse(String(data));
            } catch {
                return;
            }
            if (message.type === "input" && typeof message.data === "string") {
                attachment.input(message.data);
                // Typing is activity, but the roster hears of it at most every few seconds.
                if (Date.now() - lastTouch > 5_000) {
                    lastTouch = Date.now();
                    portal.touch(learner);
                }
            } else if (message.type === "resize") {
                const size = terminalSize(message.cols, message.rows);
                attachment.resize(size.cols, size.rows);
            }
        });
        ws.on("close", () => attachment.detach());
    }

    app.addHook("onClose", async () => {
        terminals.closeAll();
        for (const ws of sockets.clients) ws.terminate();
    });
}

/** Which terminal a websocket asks for, and whether it may type: its learner's own, or the teacher's read-only view of one. */
function terminalTarget(portal: ClassPortal, request: IncomingMessage): { learner: PortalLearner; readOnly: boolean } {
    const url = new URL(request.url ?? "/", "http://portal");
    if (!sameOrigin(request.headers.origin, request.headers.host)) {
        throw new PortalError(403, "refused: this terminal was not opened from the portal's own page (its Origin is not this host)");
    }
    const student = /^\/s\/([^/]+)\/terminal$/.exec(url.pathname);
    const teacher = /^\/t\/([^/]+)\/terminal\/([^/]+)$/.exec(url.pathname);
    let learner: PortalLearner;
    let readOnly: boolean;
    if (student) {
        learner = learnerOf(portal, student[1]);
        readOnly = false;
    } else if (teacher) {
        requireTeacher(portal, teacher[1]);
        learner = portal.student(decodeURIComponent(teacher[2]));
        readOnly = true;
    } else {
        throw new PortalError(404, "no such terminal");
    }
    if (!portal.workstation(learner)) {
        throw new PortalError(409, "no terminal here: only a class of seats gives each student an engine of their own");
    }
    return { learner, readOnly };
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
    const body = JSON.stringify({ error: message });
    const reason = status === 403 ? "Forbidden" : status === 404 ? "Not Found" : status === 409 ? "Conflict" : "Error";
    socket.end(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
}

function wantsPage(request: FastifyRequest): boolean {
    return request.method === "GET" && !/\/api\/|\/events$|\/export\.|\/assets\//.test(request.url);
}

function sendPage(reply: FastifyReply, page: "student.html" | "teacher.html"): FastifyReply {
    return reply.type("text/html; charset=utf-8").send(fs.readFileSync(path.join(ASSETS_DIR, page)));
}

function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A plain page for an error (or the portal's front door): the status and one line. */
function errorPage(status: number, message: string): string {
    const title = status === 200 ? "docker-lab" : `${status}`;
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="stylesheet" href="/assets/portal.css"></head><body class="message-page"><main><h1>${title}</h1><p>${escapeHtml(message)}</p></main></body></html>\n`;
}

export type { PortalRole };
