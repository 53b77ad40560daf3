import * as fs from "node:fs";
import * as path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import WebSocket from "ws";
import { docker } from "../../engine";
import { type ClassSpec, OFFLINE_IMAGES, type PortalTokens, seatsApp } from "../../lab";
import { leftovers, teardownLab } from "../../rig";
import { describeBrowser, LAUNCH_OPTIONS } from "../browser/chromium";
import { classSpec } from "../helpers/specs";
import { e2eGate } from "./gate";
import { type CommandRun, describeRun, expectSuccess, httpGet, sleep } from "./processes";
import { e2eProject, NOTHING_LEFT, stepLogger } from "./project";

// The class portal in Debian's chromium, on a class of two seats made by the real Pulumi CLI:
// alice types in her terminal and checks an exercise; the teacher's page, already open, sees it;
// bob's link opens neither her terminal nor the teacher's page; the teacher resets alice's seat and
// bob's lab keeps its containers. One throw-away project copy; stack e2e-portal, ports 39500.., portal 39590.

const STACK = "e2e-portal";
const PORTAL_PORT = 39590;
const CONFIG: Record<string, string> = {
    baseImage: OFFLINE_IMAGES.baseImage,
    registryImage: OFFLINE_IMAGES.registryImage,
    seatImage: OFFLINE_IMAGES.seatImage,
    mode: "seats",
    appPort: "39500",
    registryPort: "39599",
    portalPort: String(PORTAL_PORT),
};
const CLASS = ["alice", "bob"];
const STEP_TIMEOUT = 900_000;
const BASE = `http://127.0.0.1:${PORTAL_PORT}`;
const EXERCISE = "01.02-ps-file";
/** Where the README's screenshots are written with UPDATE_SCREENSHOTS=1; else into artifacts/ (git-ignored). */
const SHOTS =
    process.env.UPDATE_SCREENSHOTS === "1" ? path.join(__dirname, "..", "..", "docs") : path.join(__dirname, "..", "..", "artifacts");

const spec: ClassSpec = classSpec({ ...CONFIG, students: CLASS }, STACK);
const seatOf = (student: string) => seatsApp((spec.students.find((s) => s.student?.name === student) as ClassSpec["students"][0]).app);

/** The ids of the containers inside a student's seat (their lab), and of their seat and workstation on the class's engine. */
async function containerIds(student: string): Promise<{ inSeat: string[]; onHost: string[] }> {
    const { seat, workstation } = seatOf(student);
    const inSeat = await docker(["exec", seat.name, "docker", "ps", "-aq", "--no-trunc"]);
    const onHost = await docker(["inspect", "--format", "{{.Id}}", seat.name, workstation.name]);
    return { inSeat: inSeat.stdout.split("\n").filter(Boolean).sort(), onHost: onHost.stdout.split("\n").filter(Boolean) };
}

/** What an upgrade to a websocket at `url` gets: "open", or the HTTP status that refused it. */
function websocketAnswer(url: string, origin = BASE): Promise<string | number> {
    return new Promise((resolve, reject) => {
        const ws = new WebSocket(url, { origin });
        ws.on("open", () => {
            ws.close();
            resolve("open");
        });
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("error", reject);
    });
}

/** The text on an xterm.js screen (its DOM renderer's rows). */
const screenText = async (page: Page, scope: string) => (await page.locator(`${scope} .xterm-rows`).textContent()) ?? "";

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
        await sleep(500);
    }
}

const gate = e2eGate();

gate.describe("e2e: the class portal through npm run portal and the real Pulumi CLI", () => {
    describeBrowser("in chromium", () => {
        const project = e2eProject(STACK, "docker-lab-e2e-portal-", STEP_TIMEOUT - 60_000);
        const step = stepLogger("e2e portal");
        const { npm, pulumi } = project;
        let tokens: PortalTokens;
        let portalPid = 0;
        let portalRun: Promise<CommandRun> | undefined;
        let browser: Browser;
        let teacher: Page;
        let alice: Page;
        const pageErrors: string[] = [];

        beforeAll(async () => {
            await step("setup: a class of two seats, the portal, chromium", async () => {
                await teardownLab(spec);
                project.create();
                await project.configure(CONFIG);
                for (const [i, name] of CLASS.entries()) {
                    expectSuccess(await pulumi(["config", "set", "--stack", STACK, "--path", `students[${i}]`, name]));
                }
                expectSuccess(await npm("up"));
                const out = expectSuccess(await pulumi(["stack", "output", "portal", "--show-secrets", "--json", "--stack", STACK]));
                tokens = JSON.parse(out.stdout);
                portalRun = npm(
                    "portal",
                    [],
                    {},
                    {
                        detached: true,
                        onStart: (pid) => {
                            portalPid = pid;
                        },
                    },
                );
                await waitFor("the portal answers", async () =>
                    (await httpGet(`${BASE}/`).catch(() => undefined))?.status === 200 ? true : undefined,
                );
                browser = await chromium.launch(LAUNCH_OPTIONS);
                const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
                teacher = await context.newPage();
                alice = await context.newPage();
                for (const page of [teacher, alice]) {
                    page.on("pageerror", (e) => pageErrors.push(String(e)));
                    page.on(
                        "console",
                        (m) => m.type() === "error" && !/Failed to load resource/.test(m.text()) && pageErrors.push(m.text()),
                    );
                }
                await teacher.goto(`${BASE}/t/${tokens.teacher}/`);
                await teacher.locator('[data-testid="live"].is-live').waitFor();
            });
        }, STEP_TIMEOUT);

        afterAll(async () => {
            await step("teardown: stop the portal, npm run down, safety net, remove the copy", async () => {
                try {
                    await browser?.close();
                    if (portalPid) process.kill(-portalPid, "SIGTERM");
                    const stopped = await portalRun;
                    if (stopped && stopped.code !== 0) console.log(`portal: ${describeRun(stopped, "exit 0 on SIGTERM")}`);
                    if (project.hasState()) {
                        const down = await npm("down");
                        if (down.code !== 0) console.log(`teardown: ${describeRun(down, "exit 0")}`);
                    }
                    await teardownLab(spec);
                } finally {
                    project.remove();
                }
            });
        }, STEP_TIMEOUT);

        test(
            "the teacher's page lists each student's link; alice's opens her page, where docker ps in the terminal shows her lab's containers",
            () =>
                step("alice's terminal", async () => {
                    const row = teacher.locator('tr[data-student="alice"]');
                    expect(await row.locator('[data-testid="checks"]').textContent()).toBe("26/26");
                    expect(await row.locator('[data-testid="exercises"]').textContent()).toBe("0/17");
                    const link = await row.locator('[data-testid="link"]').textContent();
                    expect(link).toBe(`${BASE}/s/${tokens.students.alice}/`);
                    await alice.goto(link ?? "");
                    await alice.locator('[data-testid="terminal"] .xterm-helper-textarea').focus();
                    await waitFor("the shell's prompt", async () =>
                        (await screenText(alice, '[data-testid="terminal"]')).includes("$") ? true : undefined,
                    );
                    await alice.keyboard.type("docker ps --format '{{.Names}}'\n");
                    const screen = await waitFor("docker ps in the terminal", async () => {
                        const text = await screenText(alice, '[data-testid="terminal"]');
                        return text.includes(`${spec.instance}-alice-app-1`) ? text : undefined;
                    });
                    expect(screen).toContain(`${spec.instance}-alice-app-0`);
                    expect(screen).not.toContain(`${spec.instance}-bob-app-0`);
                }),
            STEP_TIMEOUT,
        );

        test(
            "Check gives ✗ with what was expected; after the solution typed in the terminal it gives ✓, and the open teacher's page shows it without a reload",
            () =>
                step("check an exercise", async () => {
                    const card = alice.locator(`[data-exercise="${EXERCISE}"]`);
                    await card.scrollIntoViewIfNeeded();
                    await card.locator('[data-testid="check"]').click();
                    const failed = card.locator('[data-testid="result"].fail');
                    await failed.waitFor({ timeout: 60_000 });
                    expect(await failed.textContent()).toMatch(/✗[\s\S]*work\/ps\.txt[\s\S]*No such file/);
                    await alice.locator('[data-testid="terminal"] .xterm-helper-textarea').focus();
                    await alice.keyboard.type("docker ps > work/ps.txt && echo saved-$((40+2))\n");
                    await waitFor("the solution ran", async () =>
                        (await screenText(alice, '[data-testid="terminal"]')).includes("saved-42") ? true : undefined,
                    );
                    await card.locator('[data-testid="check"]').click();
                    await card.locator('[data-testid="result"].pass').waitFor({ timeout: 60_000 });
                    expect(await alice.locator('[data-testid="progress"]').textContent()).toBe("1 / 17");
                    const exercises = teacher.locator('tr[data-student="alice"] [data-testid="exercises"]');
                    await waitFor(
                        "the teacher's roster shows it",
                        async () => ((await exercises.textContent()) === "1/17" ? true : undefined),
                        15_000,
                    );
                    fs.mkdirSync(SHOTS, { recursive: true });
                    await alice.screenshot({ path: path.join(SHOTS, "portal-student.png") });
                }),
            STEP_TIMEOUT,
        );

        test(
            "the grades export has alice's row: done, when, in two attempts",
            () =>
                step("export", async () => {
                    const csv = await httpGet(`${BASE}/t/${tokens.teacher}/export.csv`);
                    expect(csv.status).toBe(200);
                    const lines = csv.body.trim().split("\r\n");
                    expect(lines[0]).toBe("student,exercise,section,state,firstPassedAt,attempts,solvedByReference");
                    expect(lines.find((l) => l.startsWith(`alice,${EXERCISE},`))).toMatch(
                        /^alice,01\.02-ps-file,01\.02,done,\d{4}-\d\d-\d\dT[\d:.]+Z,2,false$/,
                    );
                    expect(lines.find((l) => l.startsWith(`bob,${EXERCISE},`))).toBe(`bob,${EXERCISE},01.02,todo,,0,false`);
                }),
            STEP_TIMEOUT,
        );

        test(
            "bob's link opens neither alice's terminal nor the teacher's page (403), and the teacher's token is in no student's page",
            () =>
                step("403s", async () => {
                    const bob = tokens.students.bob;
                    expect(await websocketAnswer(`ws://127.0.0.1:${PORTAL_PORT}/t/${bob}/terminal/alice`)).toBe(403);
                    expect(await websocketAnswer(`ws://127.0.0.1:${PORTAL_PORT}/s/${bob}/terminal`, "http://evil.example")).toBe(403);
                    expect((await httpGet(`${BASE}/t/${bob}/`)).status).toBe(403);
                    expect((await httpGet(`${BASE}/t/${tokens.students.alice}/api/roster`)).status).toBe(403);
                    const state = await httpGet(`${BASE}/s/${bob}/api/state`);
                    expect(JSON.parse(state.body).student).toBe("bob");
                    expect(state.body).not.toContain(tokens.teacher);
                    expect(await alice.content()).not.toContain(tokens.teacher);
                }),
            STEP_TIMEOUT,
        );

        test(
            "the teacher watches alice's terminal read-only: her screen is there, and what the teacher types never reaches it",
            () =>
                step("watch alice's terminal", async () => {
                    await teacher.locator('tr[data-student="alice"] button[data-action="watch"]').click();
                    const watch = '[data-testid="watch-terminal"]';
                    await waitFor("alice's screen in the teacher's view", async () =>
                        (await screenText(teacher, watch)).includes("saved-42") ? true : undefined,
                    );
                    await teacher.locator(`${watch} .xterm-helper-textarea`).focus();
                    await teacher.keyboard.type("echo from-the-teacher\n");
                    await alice.locator('[data-testid="terminal"] .xterm-helper-textarea').focus();
                    await alice.keyboard.type("echo from-alice-$((6*7))\n");
                    await waitFor("alice's own typing in both views", async () =>
                        (await screenText(teacher, watch)).includes("from-alice-42") ? true : undefined,
                    );
                    expect(await screenText(alice, '[data-testid="terminal"]')).not.toContain("from-the-teacher");
                }),
            STEP_TIMEOUT,
        );

        test(
            "the teacher resets alice's seat: it comes back verified, her work is gone, and bob's containers keep their ids",
            () =>
                step("reset alice's seat", async () => {
                    const bobBefore = await containerIds("bob");
                    const aliceBefore = await containerIds("alice");
                    expect(bobBefore.inSeat.length).toBeGreaterThanOrEqual(2);
                    teacher.once("dialog", (dialog) => void dialog.accept());
                    const row = teacher.locator('tr[data-student="alice"]');
                    await row.locator('button[data-action="reset"]').click();
                    await waitFor(
                        "the reset's result in the roster",
                        async () =>
                            (await row.locator('[data-testid="action"]').textContent())?.includes("seat rebuilt") ? true : undefined,
                        600_000,
                    );
                    expect(await row.locator('[data-testid="action"]').textContent()).toContain("seat rebuilt; 26 of 26 checks passed");
                    expect(await row.locator('[data-testid="checks"]').textContent()).toBe("26/26");
                    expect(await row.locator('[data-testid="seat"]').getAttribute("data-state")).toBe("healthy");
                    expect(await containerIds("bob")).toEqual(bobBefore);
                    const aliceAfter = await containerIds("alice");
                    expect(aliceAfter.onHost).toEqual(aliceBefore.onHost);
                    expect(aliceAfter.inSeat.length).toBe(aliceBefore.inSeat.length);
                    expect(aliceAfter.inSeat.filter((id) => aliceBefore.inSeat.includes(id))).toEqual([]);
                    const work = await docker([
                        "exec",
                        "-u",
                        "student",
                        seatOf("alice").workstation.name,
                        "ls",
                        "-A",
                        "/home/student/work",
                    ]);
                    expect({ status: work.status, files: work.stdout.trim() }).toEqual({ status: 0, files: "" });
                    await teacher.screenshot({ path: path.join(SHOTS, "portal-teacher.png") });
                    expect(pageErrors).toEqual([]);
                }),
            STEP_TIMEOUT,
        );

        test(
            "Ctrl-C (SIGTERM) stops the portal, which printed the teacher's link and each student's; npm run down leaves nothing",
            () =>
                step("stop, down", async () => {
                    await browser.close();
                    process.kill(-portalPid, "SIGTERM");
                    const stopped = (await portalRun) as CommandRun;
                    portalPid = 0;
                    // npm itself ends by the signal; the portal under it closes and says so.
                    expect(stopped.stdout).toContain(`class portal of ${spec.instance} stopped`);
                    expect(stopped.stderr).not.toMatch(/portal: /);
                    expect(stopped.stdout).toContain(`teacher: ${BASE}/t/${tokens.teacher}/`);
                    for (const name of CLASS) expect(stopped.stdout).toContain(`${name}: ${BASE}/s/${tokens.students[name]}/`);
                    expectSuccess(await npm("down"));
                    expect(await leftovers(spec)).toEqual(NOTHING_LEFT);
                }),
            STEP_TIMEOUT,
        );
    });
});
