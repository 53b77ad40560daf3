import { PassThrough } from "node:stream";
import type { ExecTty } from "../../../engine";
import { type TerminalClient, TerminalSessions, terminalSize } from "../../../tools/portal";

/** A shell stand-in: what is typed is recorded, resizes and hang-ups too; `print` is its output. */
function fakeShell() {
    const stream = new PassThrough();
    const typed: string[] = [];
    const events: string[] = [];
    stream.on("data", (chunk: Buffer) => typed.push(chunk.toString()));
    const output = new PassThrough();
    const exec: ExecTty = {
        id: "exec-1",
        stream: Object.assign(output, { write: (data: string) => stream.write(data) }) as unknown as ExecTty["stream"],
        resize: async (cols, rows) => {
            events.push(`resize ${cols}x${rows}`);
        },
        close: () => events.push("close"),
    };
    return { exec, typed, events, print: (text: string) => output.emit("data", Buffer.from(text)), end: () => output.emit("end") };
}

function client() {
    const got: (string | Buffer)[] = [];
    let closed = false;
    const c: TerminalClient = { send: (data) => got.push(data), close: () => (closed = true) };
    return { c, got, text: () => got.map(String).join(""), closed: () => closed };
}

describe("terminal sessions", () => {
    test("the learner and the teacher share one shell; the teacher sees the screen so far at its size, and cannot type", async () => {
        const shell = fakeShell();
        let opened = 0;
        const sessions = new TerminalSessions(async () => {
            opened++;
            return { exec: shell.exec, hangUp: async () => void shell.events.push("hang up") };
        });
        const learner = client();
        const mine = await sessions.attach("alice", learner.c, { readOnly: false, size: { cols: 90, rows: 30 } });
        shell.print("$ docker ps\r\n");
        mine.input("ls\r");
        const teacher = client();
        const view = await sessions.attach("alice", teacher.c, { readOnly: true, size: { cols: 200, rows: 60 } });
        expect(opened).toBe(1);
        expect(teacher.got[0]).toBe(JSON.stringify({ type: "size", cols: 90, rows: 30 }));
        expect(teacher.text()).toContain("$ docker ps");
        view.input("rm -rf ~\r");
        view.resize(10, 10);
        mine.resize(100, 40);
        expect(shell.typed).toEqual(["ls\r"]);
        expect(shell.events).toEqual(["resize 90x30", "resize 100x40"]);
        expect(teacher.got[teacher.got.length - 1]).toBe(JSON.stringify({ type: "size", cols: 100, rows: 40 }));
        shell.print("later\r\n");
        expect(learner.text()).toContain("later");
        expect(teacher.text()).toContain("later");
        // The shell ends (is hung up) only when its last viewer leaves.
        mine.detach();
        expect(shell.events).not.toContain("close");
        view.detach();
        await Promise.resolve();
        expect(shell.events.slice(-2)).toEqual(["close", "hang up"]);
        expect(sessions.openKeys()).toEqual([]);
    });

    test("a shell that exits tells every viewer and closes them; the next attach starts a new one", async () => {
        const shells = [fakeShell(), fakeShell()];
        let i = 0;
        const sessions = new TerminalSessions(async () => ({ exec: shells[i++].exec, hangUp: async () => undefined }));
        const one = client();
        await sessions.attach("bob", one.c, { readOnly: false, size: { cols: 80, rows: 24 } });
        shells[0].end();
        expect(one.got[one.got.length - 1]).toBe(JSON.stringify({ type: "exit", text: "the shell ended" }));
        expect(one.closed()).toBe(true);
        await sessions.attach("bob", client().c, { readOnly: false, size: { cols: 80, rows: 24 } });
        expect(i).toBe(2);
    });

    test("a shell that cannot start rejects the attach, and the next attach tries again", async () => {
        let tries = 0;
        const sessions = new TerminalSessions(async () => {
            tries++;
            throw new Error("Cannot exec in container ws: container is not running");
        });
        await expect(sessions.attach("bob", client().c, { readOnly: false, size: { cols: 80, rows: 24 } })).rejects.toThrow(/not running/);
        await expect(sessions.attach("bob", client().c, { readOnly: false, size: { cols: 80, rows: 24 } })).rejects.toThrow();
        expect(tries).toBe(2);
    });

    test("sizes from a browser are whole numbers within bounds, else the default", () => {
        expect(terminalSize("120", "40")).toEqual({ cols: 120, rows: 40 });
        expect(terminalSize("9999", "9999")).toEqual({ cols: 500, rows: 200 });
        expect(terminalSize("-1", "abc")).toEqual({ cols: 80, rows: 24 });
        expect(terminalSize(null, 2.5)).toEqual({ cols: 80, rows: 24 });
    });
});
