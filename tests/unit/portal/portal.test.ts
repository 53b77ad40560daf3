import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { CheckResult, ContainerState } from "../../../engine";
import { OFFLINE_IMAGES, portalTokens } from "../../../lab";
import {
    ClassPortal,
    checksTally,
    type PortalBackend,
    PortalError,
    portalServer,
    type Roster,
    readPortalOutputs,
    type StateResource,
    seatStateOf,
    seatUrns,
    TerminalSessions,
    TokenTable,
} from "../../../tools/portal";
import { specFor } from "../../../tools/stack";

// The roster, the student's page and the teacher's actions on a class of two seats, with the stack's
// outputs and resources as a real `npm run up` left them (tests/unit/fixtures/portal-stack.json:
// `pulumi stack output --json` and the urn/type/parent of `pulumi stack export`, stack portal,
// students alice and bob), through a fake backend that records what the portal asked of the engine.

interface Recorded {
    config: Record<string, unknown>;
    outputs: { checks: Record<string, string>; portal: unknown };
    resources: StateResource[];
}
const RECORDED: Recorded = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "portal-stack.json"), "utf8"));
// No Pulumi.<stack>.yaml has this name: the config is all given here.
const STACK = "unit-portal";
const CONFIG = { ...RECORDED.config, ...OFFLINE_IMAGES };
const TOKENS = portalTokens("f".repeat(64), ["alice", "bob"]);
// The Host every request names: requests go to the server's own port on 127.0.0.1, but same-origin is judged against this.
const HOST = "portal.test:8070";
const ORIGIN = `http://${HOST}`;

function result(passed: boolean, got = ""): CheckResult {
    const stderr = passed ? "" : `step 1 failed\n  command: cat work/ps.txt\n  exit status: 1\n  expected: the table\n  got:\n    ${got}\n`;
    return { id: "x", section: "01", title: "x", passed, status: passed ? 0 : 1, stdout: "", stderr, durationMs: 1 };
}

/** A backend that answers from queues and records each call. */
function fakeBackend() {
    const calls: string[] = [];
    const answers: (CheckResult | Error)[] = [];
    const seats = new Map<string, ContainerState | undefined>();
    let release: () => void = () => undefined;
    const backend: PortalBackend = {
        async check(lab, exercise) {
            calls.push(`check ${lab.student} ${exercise.id}`);
            const next = answers.shift() ?? result(true);
            if (next instanceof Error) throw next;
            return next;
        },
        async seatStates(students) {
            calls.push(`seats ${students.join(",")}`);
            return new Map(students.map((s) => [s, seats.get(s)]));
        },
        async verify(student) {
            calls.push(`verify ${student}`);
            return { passed: 25, total: 26 };
        },
        async resetSeat(lab) {
            calls.push(`reset ${lab.student}`);
            await new Promise<void>((resolve) => {
                release = resolve;
            });
        },
    };
    return { backend, calls, answers, seats, release: () => release() };
}

function classPortal(config: Record<string, unknown> = CONFIG, tokens = TOKENS) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-portal-unit-"));
    const fake = fakeBackend();
    const portal = new ClassPortal({
        stack: STACK,
        spec: specFor(config, STACK),
        tokens: new TokenTable(tokens),
        upChecks: RECORDED.outputs.checks,
        root,
        backend: fake.backend,
        now: () => new Date("2026-12-05T12:00:00Z"),
    });
    const terminals = new TerminalSessions(() => Promise.reject(new Error("no terminals in unit tests")));
    const app = portalServer({ portal, terminals });
    servers.push(app);
    return { portal, root, fake, server: { inject: (r: Request) => send(app, r) } };
}

interface Request {
    method: "GET" | "POST";
    url: string;
    headers: Record<string, string>;
    payload?: string;
}
interface Answer {
    statusCode: number;
    headers: http.IncomingHttpHeaders;
    body: string;
    json: () => any;
}

// A real listener on 127.0.0.1 (fastify's inject needs an ESM-only package that Jest cannot load).
const servers: ReturnType<typeof portalServer>[] = [];
afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
});

async function send(app: ReturnType<typeof portalServer>, r: Request): Promise<Answer> {
    if (!app.server.listening) await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port, method: r.method, path: r.url, headers: r.headers }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk) => {
                body += chunk;
            });
            res.on("end", () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) }));
        });
        req.on("error", reject);
        req.end(r.payload);
    });
}

const post = (url: string, origin: string | null = ORIGIN) => ({
    method: "POST" as const,
    url,
    headers: { host: HOST, "content-type": "application/json", ...(origin ? { origin } : {}) },
    payload: "{}",
});
const get = (url: string) => ({ method: "GET" as const, url, headers: { host: HOST } });
const settle = () => new Promise((resolve) => setTimeout(resolve, 80));

describe("the roster from a real stack's outputs", () => {
    test("every student: 26 of 26 checks from up, their seat as the engine has it, no exercise done yet", async () => {
        const { portal, fake } = classPortal();
        fake.seats.set("alice", { status: "running", running: true, health: "healthy" });
        fake.seats.set("bob", { status: "exited", running: false });
        await portal.pollSeats();
        const roster = portal.roster();
        expect(roster).toMatchObject({ stack: STACK, mode: "seats", terminal: true, checksTotal: 26, exercisesTotal: 17 });
        expect(roster.students.map((s) => s.student)).toEqual(["alice", "bob"]);
        expect(roster.students[0]).toEqual({
            student: "alice",
            link: `/s/${TOKENS.students.alice}/`,
            seat: { state: "healthy" },
            checks: { passed: 26, total: 26, source: "up" },
            exercises: { done: 0, total: 17 },
        });
        expect(roster.students[1].seat).toEqual({ state: "stopped", detail: "exited: npm run up starts it again" });
        expect(fake.calls).toEqual(["seats alice,bob"]);
        // The tokens are a secret output: the CLI shows them only with --show-secrets.
        expect(RECORDED.outputs.portal).toBe("[secret]");
    });

    test("checksTally counts a student's own checks only, a failed one as failed, and a re-verify over up", () => {
        const checks = { ...RECORDED.outputs.checks };
        const [aliceKey] = Object.keys(checks).filter((k) => k.startsWith("alice/"));
        checks[aliceKey] = "failed";
        expect(checksTally(checks, "alice", 26)).toEqual({ passed: 25, total: 26, source: "up" });
        expect(checksTally(checks, "bob", 26)).toEqual({ passed: 26, total: 26, source: "up" });
        expect(checksTally(checks, "carol", 26)).toEqual({ passed: 0, total: 26, source: "none" });
        expect(checksTally(checks, "alice", 26, { passed: 26, total: 26, at: "t" })).toEqual({
            passed: 26,
            total: 26,
            at: "t",
            source: "verify",
        });
        expect(checksTally({ "02-http-0": "passed" }, undefined, 26)).toEqual({ passed: 1, total: 26, source: "up" });
    });

    test("seat states: healthy, starting, unhealthy, running without a health check, stopped, missing", () => {
        expect(seatStateOf({ status: "running", running: true, health: "starting" }).state).toBe("starting");
        expect(seatStateOf({ status: "running", running: true, health: "unhealthy" }).state).toBe("unhealthy");
        expect(seatStateOf({ status: "running", running: true }).state).toBe("running");
        expect(seatStateOf(undefined)).toEqual({ state: "missing", detail: "no seat container: npm run up makes it again" });
    });

    test("a student's seat in the state: their component and everything under it, nobody else's", () => {
        const alice = seatUrns(RECORDED.resources, "alice");
        const bob = seatUrns(RECORDED.resources, "bob");
        const name = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
        expect(alice.map(name)).toEqual(expect.arrayContaining(["lab-alice", "lab-alice-seat", "lab-alice-workstation", "lab-alice-pull"]));
        expect(alice.every((urn) => name(urn).startsWith("lab-alice"))).toBe(true);
        expect(bob.every((urn) => name(urn).startsWith("lab-bob"))).toBe(true);
        expect(alice.filter((urn) => bob.includes(urn))).toEqual([]);
        expect(alice.length).toBe(bob.length);
        // The class's own resources (the registry, the image, the CA) are nobody's seat.
        const everyone = new Set([...alice, ...bob]);
        expect(RECORDED.resources.filter((r) => !everyone.has(r.urn)).map((r) => name(r.urn))).toEqual(
            expect.arrayContaining(["lab-registry", "lab-seat-ca", "lab-portal-secret"]),
        );
        expect(seatUrns(RECORDED.resources, "carol")).toEqual([]);
    });
});

describe("the student's page", () => {
    const alice = `/s/${TOKENS.students.alice}`;

    test("opens with the student's token only, with the security headers", async () => {
        const { server } = classPortal();
        const page = await server.inject(get(`${alice}/`));
        expect(page.statusCode).toBe(200);
        expect(page.headers["content-security-policy"]).toMatch(/default-src 'self'/);
        expect(page.headers["referrer-policy"]).toBe("no-referrer");
        expect(page.body).toContain("/assets/student.js");
        expect((await server.inject(get(alice))).headers.location).toBe(`${alice}/`);
        const wrong = await server.inject(get(`/s/${"x".repeat(32)}/`));
        expect(wrong.statusCode).toBe(403);
        expect(wrong.body).toContain("this link is not valid for this portal");
        expect((await server.inject(get(`/s/${TOKENS.teacher}/api/state`))).json()).toEqual({
            error: "this is the teacher's token: the teacher's page is /t/<token>/",
        });
    });

    test("every script and stylesheet the pages name is served by the portal itself, and nothing else under /assets", async () => {
        const { server } = classPortal();
        for (const page of [`${alice}/`, `/t/${TOKENS.teacher}/`]) {
            const html = (await server.inject(get(page))).body;
            const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
            expect(assets).toEqual(expect.arrayContaining(["/assets/xterm/xterm.js", "/assets/page.js", "/assets/portal.css"]));
            for (const asset of assets)
                expect({ asset, status: (await server.inject(get(asset))).statusCode }).toEqual({ asset, status: 200 });
        }
        expect((await server.inject(get("/assets/../package.json"))).statusCode).toBe(404);
        expect((await server.inject(get("/assets/portal.ts"))).statusCode).toBe(404);
    });

    test("its state: the student's 17 exercises in zh and en, and a terminal", async () => {
        const { server } = classPortal();
        const state = (await server.inject(get(`${alice}/api/state`))).json();
        expect(state).toMatchObject({ student: "alice", terminal: { available: true }, done: 0, total: 17 });
        expect(state.exercises[0]).toMatchObject({ state: "todo", attempts: 0 });
        expect(state.exercises[0].title).toEqual({ zh: expect.any(String), en: expect.any(String) });
        expect(JSON.stringify(state)).not.toContain(TOKENS.teacher);
        expect(JSON.stringify(state)).not.toContain(TOKENS.students.bob);
    });

    test("Check: ✗ with expected, seen and the next hint, then ✓; recorded in the student's progress file", async () => {
        const { server, fake, root, portal } = classPortal();
        fake.answers.push(result(false, "cat: work/ps.txt: No such file or directory"), result(true));
        const failed = await server.inject(post(`${alice}/api/exercises/01.02-ps-file/check`));
        expect(failed.statusCode).toBe(200);
        expect(failed.json()).toMatchObject({
            id: "01.02-ps-file",
            passed: false,
            seen: { lines: ["cat: work/ps.txt: No such file or directory"], status: 1 },
            hint: { index: 0, count: expect.any(Number), text: { zh: expect.any(String), en: expect.any(String) } },
            exercise: { state: "failed", attempts: 1, failedChecks: 1 },
            done: 0,
            total: 17,
        });
        expect(failed.json().expected.en).toContain("work/ps.txt");
        const passed = (await server.inject(post(`${alice}/api/exercises/01.02-ps-file/check`))).json();
        expect(passed).toMatchObject({
            passed: true,
            exercise: { state: "done", attempts: 2, doneAt: "2026-12-05T12:00:00.000Z" },
            done: 1,
        });
        expect(passed.hint).toBeUndefined();
        expect(fake.calls).toEqual(["check alice 01.02-ps-file", "check alice 01.02-ps-file"]);
        const saved = JSON.parse(fs.readFileSync(path.join(root, ".docker-lab", `progress-${STACK}`, "alice.json"), "utf8"));
        expect(saved.exercises["01.02-ps-file"]).toMatchObject({ done: true, attempts: 2 });
        const row = portal.roster().students[0];
        expect(row.exercises).toEqual({ done: 1, total: 17 });
        expect(row.lastActivity).toBe("2026-12-05T12:00:00.000Z");
        // A portal restart reads the same file.
        const again = new ClassPortal({ ...portal.options });
        expect(again.roster().students[0].exercises.done).toBe(1);
    });

    test("a Check from another origin, or with none, is refused and runs nothing", async () => {
        const { server, fake } = classPortal();
        for (const origin of ["http://evil.example", null, "http://127.0.0.1:9999", "null"]) {
            const refused = await server.inject(post(`${alice}/api/exercises/01.02-ps-file/check`, origin));
            expect(refused.statusCode).toBe(403);
            expect(refused.json().error).toMatch(/did not come from the portal's own page/);
        }
        expect(fake.calls).toEqual([]);
    });

    test("an unknown exercise is a 404 that lists the exercises; a seat that is down a 409 with its fix", async () => {
        const { server, fake } = classPortal();
        const unknown = await server.inject(post(`${alice}/api/exercises/99-nope/check`));
        expect(unknown.statusCode).toBe(404);
        expect(unknown.json().error).toMatch(/^no exercise "99-nope" \(the exercises: 00-kernel, /);
        fake.answers.push(new PortalError(409, "your lab is not whole, so nothing was checked (…); ask your teacher to reset your seat"));
        const down = await server.inject(post(`${alice}/api/exercises/01.02-ps-file/check`));
        expect(down.statusCode).toBe(409);
        expect(down.json().error).toMatch(/ask your teacher to reset your seat/);
        // The portal keeps running: the next request is answered.
        expect((await server.inject(get(`${alice}/api/state`))).statusCode).toBe(200);
    });
});

describe("the teacher's page", () => {
    const teacher = `/t/${TOKENS.teacher}`;

    test("opens with the teacher's token only", async () => {
        const { server } = classPortal();
        expect((await server.inject(get(`${teacher}/`))).statusCode).toBe(200);
        const student = await server.inject(get(`/t/${TOKENS.students.alice}/api/roster`));
        expect(student.statusCode).toBe(403);
        expect(student.json()).toEqual({ error: "a student's link cannot open the teacher's page" });
        expect((await server.inject(get(`/t/${TOKENS.students.bob}/`))).statusCode).toBe(403);
        expect((await server.inject(get(`${teacher}/api/roster`))).json().students[1].link).toBe(`/s/${TOKENS.students.bob}/`);
    });

    test("a change reaches every listener of the roster once, with the roster as it is after the change", async () => {
        const { server, portal } = classPortal();
        const heard: Roster[][] = [[], []];
        for (const got of heard) portal.on("roster", (roster: Roster) => got.push(roster));
        await server.inject(post(`/s/${TOKENS.students.alice}/api/exercises/01.02-ps-file/check`));
        await settle();
        for (const got of heard) {
            expect(got).toHaveLength(1);
            expect(got[0].students[0].exercises).toEqual({ done: 1, total: 17 });
        }
        expect(heard[0][0]).toBe(heard[1][0]);
    });

    test("re-verify: accepted, busy while it runs, then its count", async () => {
        const { server, fake, portal } = classPortal();
        const accepted = await server.inject(post(`${teacher}/api/students/bob/verify`));
        expect(accepted.statusCode).toBe(202);
        await settle();
        const bob = portal.roster().students[1];
        expect(bob.checks).toEqual({ passed: 25, total: 26, at: "2026-12-05T12:00:00.000Z", source: "verify" });
        expect(bob.lastAction).toEqual({ kind: "verify", ok: true, message: "25 of 26 checks passed", at: "2026-12-05T12:00:00.000Z" });
        expect(fake.calls).toEqual(["verify bob"]);
    });

    test("reset: one at a time per student, the student's checks refused meanwhile, then verified", async () => {
        const { server, fake, portal } = classPortal();
        expect((await server.inject(post(`${teacher}/api/students/alice/reset`))).statusCode).toBe(202);
        await settle();
        expect(portal.roster().students[0].busy).toBe("reset");
        const again = await server.inject(post(`${teacher}/api/students/alice/reset`));
        expect(again.statusCode).toBe(409);
        expect(again.json().error).toMatch(/alice is busy \(reset running\)/);
        const check = await server.inject(post(`/s/${TOKENS.students.alice}/api/exercises/01.02-ps-file/check`));
        expect(check.statusCode).toBe(409);
        fake.release();
        await settle();
        expect(portal.roster().students[0]).toMatchObject({
            lastAction: { kind: "reset", ok: true, message: "seat rebuilt; 25 of 26 checks passed" },
        });
        expect(portal.roster().students[0].busy).toBeUndefined();
        expect(fake.calls).toEqual(["reset alice", "verify alice"]);
    });

    test("actions refuse an unknown student, an unknown action, and a request from another origin", async () => {
        const { server, fake } = classPortal();
        const nobody = await server.inject(post(`${teacher}/api/students/zoe/verify`));
        expect(nobody.statusCode).toBe(404);
        expect(nobody.json().error).toBe('no student "zoe" in this class (its students: alice, bob)');
        expect((await server.inject(post(`${teacher}/api/students/bob/delete`))).statusCode).toBe(404);
        expect((await server.inject(post(`${teacher}/api/students/bob/reset`, "http://evil.example"))).statusCode).toBe(403);
        expect(fake.calls).toEqual([]);
    });

    test("the grades export: CSV and JSON, a row per student and exercise", async () => {
        const { server, fake } = classPortal();
        fake.answers.push(result(true));
        await server.inject(post(`/s/${TOKENS.students.alice}/api/exercises/01.02-ps-file/check`));
        const csv = await server.inject(get(`${teacher}/export.csv`));
        expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
        expect(csv.headers["content-disposition"]).toBe(`attachment; filename="grades-${STACK}.csv"`);
        const lines = csv.body.trim().split("\r\n");
        expect(lines).toHaveLength(1 + 2 * 17);
        expect(lines).toContain("alice,01.02-ps-file,01.02,done,2026-12-05T12:00:00.000Z,1,false");
        expect(lines).toContain("bob,01.02-ps-file,01.02,todo,,0,false");
        const json = (await server.inject(get(`${teacher}/export.json`))).json();
        expect(json.rows).toHaveLength(34);
        expect((await server.inject(get(`/t/${TOKENS.students.alice}/export.csv`))).statusCode).toBe(403);
    });
});

describe("without seats", () => {
    test("the one learner: exercises and Check, no terminal, no seat to reset", async () => {
        const one = portalTokens("f".repeat(64), []);
        const { server } = classPortal({ ...OFFLINE_IMAGES }, one);
        const state = (await server.inject(get(`/s/${one.learner}/api/state`))).json();
        expect(state).toMatchObject({ student: null, total: 17, terminal: { available: false } });
        expect(state.terminal.reason.en).toMatch(/a web shell on the host would be a root door/);
        expect((await server.inject(post(`/s/${one.learner}/api/exercises/00-kernel/check`))).json()).toMatchObject({ passed: true });
        const roster = (await server.inject(get(`/t/${one.teacher}/api/roster`))).json();
        expect(roster).toMatchObject({ terminal: false, students: [{ seat: { state: "none" }, exercises: { done: 1, total: 17 } }] });
        expect(roster.students[0].student).toBeUndefined();
    });

    test("a class sharing one engine: each student's exercises and Check, no terminal, no seat to reset", async () => {
        const { server, fake } = classPortal({ ...OFFLINE_IMAGES, students: ["alice", "bob"] });
        const state = (await server.inject(get(`/s/${TOKENS.students.alice}/api/state`))).json();
        expect(state).toMatchObject({ student: "alice", total: 17, terminal: { available: false } });
        expect(JSON.stringify(state)).toContain("-alice-ex-");
        expect(JSON.stringify(state)).not.toContain("-bob-ex-");
        expect((await server.inject(post(`/s/${TOKENS.students.bob}/api/exercises/00-kernel/check`))).json()).toMatchObject({
            passed: true,
        });
        expect(fake.calls).toEqual(["check bob 00-kernel"]);
        const roster = (await server.inject(get(`/t/${TOKENS.teacher}/api/roster`))).json();
        expect(roster.terminal).toBe(false);
        expect(roster.students.map((s: { seat: { state: string } }) => s.seat.state)).toEqual(["none", "none"]);
        expect(roster.students.map((s: { exercises: { done: number } }) => s.exercises.done)).toEqual([0, 1]);
        const reset = await server.inject(post(`/t/${TOKENS.teacher}/api/students/alice/reset`));
        expect(reset.statusCode).toBe(409);
        expect(reset.json().error).toBe("alice has no seat to reset: only a class of seats gives each student one");
    });
});

describe("reading the stack", () => {
    const stackWith = (outputs: Record<string, { value: unknown; secret: boolean }>) =>
        ({ name: "dev", outputs: async () => outputs }) as unknown as Parameters<typeof readPortalOutputs>[0];

    test("the tokens, the checks and a registry password from the outputs", async () => {
        const outputs = await readPortalOutputs(
            stackWith({
                portal: { value: TOKENS, secret: true },
                checks: { value: RECORDED.outputs.checks, secret: false },
                registryPassword: { value: "", secret: true },
            }),
        );
        expect(outputs).toEqual({ tokens: TOKENS, checks: RECORDED.outputs.checks });
        const withPassword = await readPortalOutputs(
            stackWith({ portal: { value: TOKENS, secret: true }, registryPassword: { value: "pw", secret: true } }),
        );
        expect(withPassword).toEqual({ tokens: TOKENS, checks: {}, registryPassword: "pw" });
    });

    test("a stack from before the portal is refused with the fix", async () => {
        await expect(readPortalOutputs(stackWith({ checks: { value: {}, secret: false } }))).rejects.toThrow(
            "stack dev has no portal tokens yet: run npm run up once (it makes them, and changes nothing else)",
        );
    });
});
