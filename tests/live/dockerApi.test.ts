import { execFileSync } from "node:child_process";
import type { Duplex } from "node:stream";
import { containerState, type EngineEndpoint, type ExecTty, execTty, resolveEndpoint } from "../../engine/dockerApi";
import { OFFLINE_IMAGES } from "../../lab";
import { describeLive } from "./engine";

// The portal's engine API client against the real engine: a TTY shell in a container, resized while it runs.

const running = `docker-lab-apitest-${process.pid}`;
const created = `${running}-created`;
// globalSetup removes containers with these labels that an interrupted run left behind.
const labels = ["--label", "docker-lab.managed=true", "--label", `docker-lab.instance=docker-lab-test-apitest-${process.pid}`];

function docker(...args: string[]): string {
    return execFileSync("docker", args, { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 })
        .toString()
        .trim();
}

/** `docker rm --force` exits 1 when one of them is already gone, which is fine here. */
function removeContainers(): void {
    try {
        docker("rm", "--force", running, created);
    } catch {}
}

/** Everything a stream has sent so far, and a wait for a condition on it with a deadline. */
function collect(stream: Duplex) {
    let text = "";
    let ended = false;
    stream.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
    });
    stream.on("close", () => {
        ended = true;
    });
    return {
        text: () => text,
        until: async (done: (text: string, ended: boolean) => boolean, what: string, timeoutMs = 10_000): Promise<string> => {
            const deadline = Date.now() + timeoutMs;
            while (!done(text, ended)) {
                if (Date.now() > deadline)
                    throw new Error(`no ${what} within ${timeoutMs / 1000}s; the terminal showed ${JSON.stringify(text)}`);
                await new Promise((resolve) => setTimeout(resolve, 25));
            }
            return text;
        },
    };
}

describeLive("the engine API client on a real engine", () => {
    let endpoint: EngineEndpoint;
    const sessions: ExecTty[] = [];

    beforeAll(async () => {
        removeContainers();
        docker("run", "--detach", "--name", running, ...labels, OFFLINE_IMAGES.baseImage, "sleep", "300");
        docker("create", "--name", created, ...labels, OFFLINE_IMAGES.baseImage, "sleep", "300");
        endpoint = await resolveEndpoint(process.env);
    });

    afterEach(() => {
        for (const session of sessions.splice(0)) session.close();
    });

    afterAll(removeContainers);

    test("a shell gets a TTY of the asked size, and resizes while it runs", async () => {
        const tty = await execTty(endpoint, running, { cmd: ["/bin/sh"], cols: 100, rows: 30 });
        sessions.push(tty);
        const output = collect(tty.stream);
        tty.stream.write("stty size; echo hello-$((6*7))\n");
        await output.until((text) => text.includes("30 100") && text.includes("hello-42"), "30 100 and hello-42");

        await tty.resize(120, 40);
        const before = output.text().length;
        tty.stream.write("stty size\n");
        await output.until((text) => text.slice(before).includes("40 120"), "40 120 after the resize");
    });

    test("a command the container lacks starts, and its terminal says why it ended", async () => {
        const tty = await execTty(endpoint, running, { cmd: ["no-such-command"] });
        sessions.push(tty);
        const output = collect(tty.stream);
        await output.until((text, ended) => ended && text.includes("no-such-command"), "an error and the end of the stream");
        expect(output.text()).toMatch(/not found/);
    });

    test("containerState tells running, never started and missing containers apart", async () => {
        const state = await containerState(endpoint, running);
        expect(state).toMatchObject({ status: "running", running: true });
        expect(Date.parse(state!.startedAt!)).toBeGreaterThan(Date.now() - 10 * 60_000);
        await expect(containerState(endpoint, created)).resolves.toEqual({ status: "created", running: false });
        await expect(containerState(endpoint, `${running}-missing`)).resolves.toBeUndefined();
    });

    test("exec into a container that is not running, or not there, rejects naming it and saying why", async () => {
        await expect(execTty(endpoint, created, { cmd: ["/bin/sh"] })).rejects.toThrow(
            new RegExp(`container ${created}: .*is not running`),
        );
        await expect(execTty(endpoint, `${running}-missing`, { cmd: ["/bin/sh"] })).rejects.toThrow(
            `Cannot exec in container ${running}-missing: No such container: ${running}-missing`,
        );
    });
});
