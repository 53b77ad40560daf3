import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type LabSpec, OFFLINE_IMAGES } from "../../lab";
import { leftovers, teardownLab } from "../../rig";
import { labSpec, replicasOf } from "../helpers/specs";
import { e2eGate } from "./gate";
import {
    alive,
    type CommandRun,
    describeRun,
    expectExitCode,
    expectFailure,
    expectOutput,
    expectSuccess,
    httpGet,
    killTree,
    sleep,
} from "./processes";
import { type Deployment, e2eProject, fingerprintsOf, idsOf, jsonOf, NOTHING_LEFT, nameOf, stepLogger } from "./project";

// The end-to-end suite: the real Pulumi CLI, driven exactly as a user does (`npm run up|down|doctor|verify`
// and plain `pulumi …` with the project's backend from Pulumi.yaml), in one throw-away copy of the
// project for the whole file. Each step builds on the last. Durations are logged, never asserted.

const STACK = "e2e";
/** What the README has a user set with `pulumi config set` (the e2e port block: 38080-38082, 35000). */
const CONFIG: Record<string, string> = {
    baseImage: OFFLINE_IMAGES.baseImage,
    registryImage: OFFLINE_IMAGES.registryImage,
    appPort: "38080",
    registryPort: "35000",
};
const STEP_TIMEOUT = 600_000;

/** The lab's spec with `replicas` app containers, as the program derives it. */
const specWith = (replicas: number): LabSpec => labSpec({ ...CONFIG, replicas: String(replicas) }, STACK);

const CONTAINER = "docker:index/container:Container";

/** Names whose id (or fingerprint) differs between two URN maps (present in both). */
const changedIds = (before: Map<string, string>, after: Map<string, string>) =>
    [...before].filter(([urn, id]) => after.has(urn) && after.get(urn) !== id).map(([urn]) => nameOf(urn));
const added = (before: Map<string, string>, after: Map<string, string>) => [...after.keys()].filter((u) => !before.has(u)).map(nameOf);

const gate = e2eGate();

gate.describe("e2e: the lab through npm run and the real Pulumi CLI", () => {
    /** `npm run …` as a user types it (LAB_STACK picks the stack), plain `pulumi …` with the passphrase; the backend comes from Pulumi.yaml. */
    const project = e2eProject(STACK, "docker-lab-e2e-");
    const step = stepLogger("e2e");
    const { npm, pulumi, setConfig: configSet, deployment: stackExport, stackOutputs } = project;
    let detachedUp: number | undefined;

    /** Every replica of the stack outputs answers with the app's JSON and its own hostname. */
    async function expectReplicasAnswer(replicas: number): Promise<void> {
        const spec = specWith(replicas);
        const { appUrls } = await stackOutputs();
        expect(appUrls).toEqual(spec.appUrls);
        const answers = await Promise.all(
            appUrls.map(async (url: string) => {
                const { status, body } = await httpGet(url);
                return { url, status, ...JSON.parse(body) };
            }),
        );
        expect(answers.map(({ url, status, app, hostname }) => ({ url, status, app, hostname }))).toEqual(
            replicasOf(spec).map((r, i) => ({ url: spec.appUrls[i], status: 200, app: "hellodocker", hostname: r.hostname })),
        );
    }

    beforeAll(async () => {
        await step("setup: copy the project", async () => {
            await teardownLab(specWith(2)); // what an interrupted earlier run may have left on the e2e ports
            project.create();
        });
    }, STEP_TIMEOUT);

    afterAll(async () => {
        await step("teardown: npm run down, safety net, remove the copy", async () => {
            try {
                if (detachedUp !== undefined && alive(detachedUp)) killTree(detachedUp);
                if (project.hasState()) {
                    const down = await npm("down");
                    if (down.code !== 0) console.log(`teardown: ${describeRun(down, "exit 0")}`);
                }
                await teardownLab(specWith(2));
            } finally {
                project.remove();
            }
        });
    }, STEP_TIMEOUT);

    test(
        "a fresh project is configured as the README says: pulumi stack init, then pulumi config set",
        () =>
            step("pulumi stack init and config set", async () => {
                const init = await pulumi(["stack", "init", STACK]);
                if (init.code !== 0) {
                    // Let the later steps run on a state folder made by hand, but fail this one.
                    fs.mkdirSync(path.join(project.dir, ".pulumi-state"), { recursive: true });
                    expectSuccess(await pulumi(["stack", "init", STACK]));
                }
                for (const [key, value] of Object.entries(CONFIG)) await configSet(key, value);
                expectSuccess(init);
            }),
        STEP_TIMEOUT,
    );

    test(
        "invalid config creates nothing: the preflight and the program both name replicas",
        () =>
            step("invalid config", async () => {
                await configSet("replicas", "0");
                const preflight = expectFailure(await npm("up"), /preflight[\s\S]*replicas/);
                const program = expectFailure(await npm("up", [], { LAB_SKIP_PREFLIGHT: "1" }), /replicas = "0"/);
                if (/preflight found problems/.test(program.output)) throw new Error(describeRun(program, "no preflight"));
                expect(preflight.command).not.toEqual(program.command);
                expect(await leftovers(specWith(2))).toEqual(NOTHING_LEFT);
                const types = ((await stackExport()).resources ?? []).map((r) => r.type);
                expect(types.filter((t) => /^(docker|command):|^pulumi:providers:(docker|command)$/.test(t))).toEqual([]);
                await configSet("replicas", "2");
            }),
        STEP_TIMEOUT,
    );

    test(
        "a fresh npm run up: every replica answers and every check passes",
        () =>
            step("fresh up", async () => {
                const up = expectSuccess(await npm("up"));
                const [, passed] = expectOutput(up, /^(\d+) passed, 0 failed in /m);
                expect(Number(passed)).toBe(specWith(2).checks.length);
                await expectReplicasAnswer(2);
            }),
        STEP_TIMEOUT,
    );

    test(
        "stack outputs are short: each check's status and a summary, no full outputs",
        () =>
            step("short outputs", async () => {
                const outputs = await stackOutputs();
                expect(outputs).not.toHaveProperty("checkResults");
                expect(outputs.checks).toEqual(Object.fromEntries(specWith(2).checks.map((c) => [c.id, "passed"])));
                expect(outputs.checkSummary).toBeTruthy();
                const multiLine = Object.entries(outputs).filter(([, v]) => JSON.stringify(v).includes("\\n"));
                expect(multiLine.map(([k]) => k)).toEqual([]);
            }),
        STEP_TIMEOUT,
    );

    test(
        "a second up changes nothing, and neither does pulumi refresh",
        () =>
            step("no-op up and refresh", async () => {
                expectSuccess(await npm("up", ["--expect-no-changes"]));
                expectSuccess(await pulumi(["refresh", "--yes", "--expect-no-changes", "--stack", STACK]));
            }),
        STEP_TIMEOUT,
    );

    test(
        "a one-line change in app/ replaces only the image, its tag clean-up, the replicas and the checks",
        () =>
            step("one-line change in app/", async () => {
                const before = await stackExport();
                fs.appendFileSync(path.join(project.dir, "app", "app.js"), "// e2e: a one-line change\n");
                expectSuccess(await npm("up"));
                const after = await stackExport();
                const [idsBefore, idsAfter] = [idsOf(before), idsOf(after)];
                expect([...idsAfter.keys()].sort()).toEqual([...idsBefore.keys()].sort());

                // Changed (updated in place or replaced): the image and its tag clean-up, every replica with
                // what belongs to it (lab-app-<i>-…), every check. Kept: everything else, ids and outputs alike.
                const names = [...idsBefore.keys()].map(nameOf);
                const replicas = replicasOf(specWith(2)).map((_, i) => `lab-app-${i}`);
                const expected = [
                    "lab-image-build",
                    "lab-image-local-tags",
                    ...names.filter((n) => replicas.some((r) => n === r || n.startsWith(`${r}-`))),
                    ...specWith(2).checks.map((c) => `lab-check-${c.id}`),
                ];
                expect(names).toEqual(expect.arrayContaining(expected));
                expect(changedIds(fingerprintsOf(before), fingerprintsOf(after)).sort()).toEqual(expected.sort());
                expect(changedIds(idsBefore, idsAfter)).toEqual(expect.arrayContaining(replicas)); // new containers, by the new digest
                const kept = names.filter((n) => !expected.includes(n));
                expect(kept).toEqual(expect.arrayContaining(["lab-registry-container", "lab-registry-data", "lab-network", "lab-engine"]));
                await expectReplicasAnswer(2);
            }),
        STEP_TIMEOUT,
    );

    test(
        "replicas 2 -> 3 creates exactly one container, 3 -> 2 deletes exactly one; the others keep their ids",
        () =>
            step("replicas 2 -> 3 -> 2", async () => {
                const two = idsOf(await stackExport(), CONTAINER);
                await configSet("replicas", "3");
                expectSuccess(await npm("up"));
                const three = idsOf(await stackExport(), CONTAINER);
                expect(added(two, three)).toEqual(["lab-app-2"]);
                expect(added(three, two)).toEqual([]);
                expect(changedIds(two, three)).toEqual([]);
                await expectReplicasAnswer(3);

                await configSet("replicas", "2");
                expectSuccess(await npm("up"));
                const back = idsOf(await stackExport(), CONTAINER);
                expect(added(back, three)).toEqual(["lab-app-2"]);
                expect(added(three, back)).toEqual([]);
                expect(changedIds(three, back)).toEqual([]);
                await expectReplicasAnswer(2);
            }),
        STEP_TIMEOUT,
    );

    test(
        "an up killed mid-update (SIGKILL to the whole process tree) is recovered by the steps the doctor names",
        () =>
            step("killed up, doctor, recovery", async () => {
                fs.appendFileSync(path.join(project.dir, "app", "app.js"), "// e2e: another one-line change\n");
                const onStart = (pid: number) => {
                    detachedUp = pid;
                };
                const running = npm("up", [], {}, { detached: true, onStart });
                let ended: CommandRun | undefined;
                running.then((run) => {
                    ended = run;
                    detachedUp = undefined; // gone: its pid may be reused, never kill it again
                });
                const pending = await waitForPendingOperation(() => ended, 240_000);
                const killed = killTree(detachedUp!);
                const run = await running;
                console.log(
                    `e2e: killed ${killed.length} processes of ${run.command} while pending: ${pending.map((op) => `${op.type} ${nameOf(op.resource.urn)}`).join(", ")}`,
                );
                expect(run.signal).toBe("SIGKILL");
                await sleep(500);
                expect(killed.filter(alive)).toEqual([]);

                expectFailure(await npm("up"), /lock/i);

                const doctor = expectExitCode(await npm("doctor", ["--json"]), 15);
                const state = (jsonOf(doctor).findings as { klass: string; ok: boolean; message: string; commands?: string[] }[]).filter(
                    (f) => f.klass === "state" && !f.ok,
                );
                if (state.length === 0) throw new Error(describeRun(doctor, 'a finding with klass "state"'));
                expect(state.map((f) => f.message).join("\n")).toMatch(/lock/i);
                const commands = [...new Set(state.flatMap((f) => f.commands ?? []))];
                if (commands.length === 0) throw new Error(describeRun(doctor, 'a "state" finding whose commands name the fix'));
                console.log(`e2e: the doctor names: ${commands.join(" && ")}`);
                for (const command of commands) expectSuccess(await project.shell(command));
                expectSuccess(await npm("verify"));
                await expectReplicasAnswer(2);
                expect((await stackExport()).pending_operations ?? []).toEqual([]);
            }),
        STEP_TIMEOUT,
    );

    /** Polls the stack's checkpoint until it records a pending operation; fails if the command ends first. */
    async function waitForPendingOperation(ended: () => CommandRun | undefined, timeoutMs: number) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            try {
                const pending = JSON.parse(fs.readFileSync(project.checkpointFile(), "utf8")).checkpoint?.latest?.pending_operations ?? [];
                if (pending.length > 0) return pending as NonNullable<Deployment["pending_operations"]>;
            } catch {
                // Being rewritten: read it again.
            }
            const run = ended();
            if (run) throw new Error(describeRun(run, "to be killed while an operation was pending, but it ended first"));
            if (Date.now() > deadline) throw new Error(`no pending operation in ${project.checkpointFile()} within ${timeoutMs / 1000} s`);
            await sleep(50);
        }
    }

    test(
        "PULUMI_BACKEND_URL still wins over the backend of Pulumi.yaml",
        () =>
            step("PULUMI_BACKEND_URL override", async () => {
                const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-e2e-backend-"));
                const other = { PULUMI_BACKEND_URL: `file://${elsewhere}` };
                const stackNames = (run: CommandRun) =>
                    (jsonOf(expectSuccess(run)) as { name: string }[]).map((s) => s.name.split("/").pop());
                try {
                    expect(stackNames(await pulumi(["stack", "ls", "--json"], other))).not.toContain(STACK);
                    expectSuccess(await pulumi(["stack", "init", `${STACK}-other`], other));
                    const file = path.join(".pulumi", "stacks", "docker-lab", `${STACK}-other.json`);
                    expect(fs.existsSync(path.join(elsewhere, file))).toBe(true);
                    expect(fs.existsSync(path.join(project.dir, ".pulumi-state", file))).toBe(false);
                    const own = stackNames(await pulumi(["stack", "ls", "--json"]));
                    expect(own).toContain(STACK);
                    expect(own).not.toContain(`${STACK}-other`);
                    expectSuccess(await pulumi(["stack", "rm", "--yes", `${STACK}-other`], other));
                } finally {
                    fs.rmSync(elsewhere, { recursive: true, force: true });
                    fs.rmSync(path.join(project.dir, `Pulumi.${STACK}-other.yaml`), { force: true });
                }
            }),
        STEP_TIMEOUT,
    );

    test(
        "npm run down leaves nothing labelled",
        () =>
            step("down", async () => {
                expectSuccess(await npm("down"));
                expect(await leftovers(specWith(2))).toEqual(NOTHING_LEFT);
            }),
        STEP_TIMEOUT,
    );
});
