import type { ExecTty } from "../../engine";

/**
 * Terminal sessions: one TTY exec per learner, shared by every browser tab that shows it: the
 * learner's (which type into it) and the teacher's read-only view. A new viewer first gets the recent
 * output, so it sees the screen it joins. The exec ends when its last viewer leaves.
 */

/** A browser's end of a terminal (a websocket). */
export interface TerminalClient {
    /** Terminal output (bytes), or a JSON status line (text). */
    send(data: Buffer | string): void;
    close(): void;
}

/** What an attached client may do. */
export interface TerminalAttachment {
    input(data: string): void;
    resize(cols: number, rows: number): void;
    detach(): void;
}

export interface TerminalSize {
    cols: number;
    rows: number;
}

/** Output kept for a viewer who joins later. */
const SCROLLBACK_BYTES = 128 * 1024;

/** A started shell, and how to end it: closing the exec's stream leaves its process running in the container. */
export interface OpenedShell {
    exec: ExecTty;
    hangUp(): Promise<void>;
}

interface Session {
    exec: ExecTty;
    hangUp: () => Promise<void>;
    /** The terminal's size, as its learner's browser last set it: read-only views take it. */
    size: TerminalSize;
    clients: Map<TerminalClient, { readOnly: boolean }>;
    scrollback: Buffer[];
    scrollbackBytes: number;
}

/** Pure: a terminal size from the query or a message, clamped to what a browser terminal can be; the default for anything else. */
export function terminalSize(cols: unknown, rows: unknown, fallback: TerminalSize = { cols: 80, rows: 24 }): TerminalSize {
    const clamp = (value: unknown, max: number, otherwise: number) => {
        const n = Number(value);
        return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : otherwise;
    };
    return { cols: clamp(cols, 500, fallback.cols), rows: clamp(rows, 200, fallback.rows) };
}

export class TerminalSessions {
    private readonly sessions = new Map<string, Session>();
    private readonly opening = new Map<string, Promise<Session>>();

    /** `open` starts the learner's shell (execTty into their workstation). */
    constructor(private readonly open: (key: string, size: TerminalSize) => Promise<OpenedShell>) {}

    /** Attaches a client to the learner's session, starting it when there is none; rejects when the shell cannot start. */
    async attach(key: string, client: TerminalClient, options: { readOnly: boolean; size: TerminalSize }): Promise<TerminalAttachment> {
        const session = await this.sessionOf(key, options.size);
        session.clients.set(client, { readOnly: options.readOnly });
        if (options.readOnly) client.send(sizeMessage(session.size));
        for (const chunk of session.scrollback) client.send(chunk);
        if (!options.readOnly) resizeSession(session, options.size);
        return {
            input: (data) => {
                if (!options.readOnly && session.clients.has(client)) session.exec.stream.write(data);
            },
            resize: (cols, rows) => {
                if (!options.readOnly && session.clients.has(client)) resizeSession(session, { cols, rows });
            },
            detach: () => {
                session.clients.delete(client);
                if (session.clients.size === 0 && this.sessions.get(key) === session) {
                    this.sessions.delete(key);
                    end(session);
                }
            },
        };
    }

    /** Learners with a session open now. */
    openKeys(): string[] {
        return [...this.sessions.keys()];
    }

    /** Ends every session (the portal stops). */
    closeAll(): void {
        for (const [key, session] of this.sessions) {
            this.sessions.delete(key);
            for (const client of session.clients.keys()) client.close();
            end(session);
        }
    }

    private async sessionOf(key: string, size: TerminalSize): Promise<Session> {
        const existing = this.sessions.get(key);
        if (existing) return existing;
        const pending = this.opening.get(key);
        if (pending) return pending;
        const starting = this.open(key, size).then((shell) => this.started(key, shell, size));
        this.opening.set(key, starting);
        try {
            return await starting;
        } finally {
            this.opening.delete(key);
        }
    }

    private started(key: string, { exec, hangUp }: OpenedShell, size: TerminalSize): Session {
        const session: Session = { exec, hangUp, size, clients: new Map(), scrollback: [], scrollbackBytes: 0 };
        this.sessions.set(key, session);
        exec.stream.on("data", (chunk: Buffer) => {
            session.scrollback.push(chunk);
            session.scrollbackBytes += chunk.length;
            while (session.scrollbackBytes > SCROLLBACK_BYTES && session.scrollback.length > 1) {
                session.scrollbackBytes -= (session.scrollback.shift() as Buffer).length;
            }
            for (const client of session.clients.keys()) client.send(chunk);
        });
        const ended = () => {
            if (this.sessions.get(key) !== session) return;
            this.sessions.delete(key);
            const line = JSON.stringify({ type: "exit", text: "the shell ended" });
            for (const client of session.clients.keys()) {
                client.send(line);
                client.close();
            }
        };
        exec.stream.on("end", ended);
        exec.stream.on("close", ended);
        exec.stream.on("error", ended);
        return session;
    }
}

function end(session: Session): void {
    session.exec.close();
    void session.hangUp().catch(() => undefined);
}

function sizeMessage(size: TerminalSize): string {
    return JSON.stringify({ type: "size", cols: size.cols, rows: size.rows });
}

/** Resizes the shell's terminal and tells the read-only views, which take the same size. */
function resizeSession(session: Session, size: TerminalSize): void {
    session.size = size;
    void session.exec.resize(size.cols, size.rows).catch(() => undefined);
    for (const [client, { readOnly }] of session.clients) if (readOnly) client.send(sizeMessage(size));
}
