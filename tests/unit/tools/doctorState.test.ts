import * as path from "node:path";
import * as zlib from "node:zlib";
import { PROJECT_NAME } from "../../../lab";
import {
    DOCTOR_EXIT_CODES,
    type DoctorFinding,
    type DoctorResult,
    doctorCommand,
    formatFindings,
    preflight,
    stateBackend,
} from "../../../tools/doctor";
import { labSpec, replicasOf } from "../../helpers/specs";
import { byId, doctor, type FakeWorld, fake, HOME, HOSTNAME, PROJECT_DIR, problems, STACK, world } from "./doctorFake";

/** The stack under test is not the default one, so the fix names it for `npm run up`. */
const UP = `LAB_STACK=${STACK} npm run up`;

// The doctor's state checks against a fake machine: lock files and checkpoints of the project's local
// Pulumi backend (the files the real CLI writes, in its layout), processes that run or are gone, and
// containers and networks on a fake engine.

const STATE = path.join(PROJECT_DIR, ".pulumi-state", ".pulumi");
const LOCKS = path.join(STATE, "locks", "organization", PROJECT_NAME, STACK);
const CHECKPOINT = path.join(STATE, "stacks", PROJECT_NAME, `${STACK}.json`);
const PID = 19185;
const LOCKED_AT = "2026-11-28T10:57:49.42Z";
const LOCKED_MS = Date.parse(LOCKED_AT);
const CANCEL = `LAB_STACK=${STACK} npm run pulumi -- cancel --yes`;

const spec = labSpec({}, STACK);
const APP0 = replicasOf(spec)[0].name;
const APP1 = replicasOf(spec)[1].name;
const NETWORK = spec.network.name;

type Files = FakeWorld["files"];

/** A lock file as the real CLI writes it, with its .attrs sibling. */
function lock(content: Record<string, unknown>, id = "2f1c7e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"): Files {
    return {
        [path.join(LOCKS, `${id}.json`)]: { content: JSON.stringify(content) },
        [path.join(LOCKS, `${id}.json.attrs`)]: { content: '{"user.cache_control":"","user.content_type":"application/json"}' },
    };
}

const hereLock = (pid = PID) => lock({ pid, username: "learner", hostname: HOSTNAME, timestamp: LOCKED_AT });

interface Op {
    type: string;
    name: string;
    resourceType: string;
    inputs?: Record<string, unknown>;
}

function resource(name: string, resourceType: string, extra: Record<string, unknown> = {}) {
    return {
        urn: `urn:pulumi:${STACK}::${PROJECT_NAME}::docker-lab:lab:Lab$${resourceType}::${name}`,
        custom: true,
        type: resourceType,
        ...extra,
    };
}

/** A stack checkpoint (deployment version 3) with these pending operations and tracked resources. */
function checkpointJson(pending: Op[], resources: Record<string, unknown>[] = []): string {
    return JSON.stringify({
        version: 3,
        checkpoint: {
            stack: `organization/${PROJECT_NAME}/${STACK}`,
            latest: {
                manifest: { time: LOCKED_AT, version: "v3.274.1" },
                resources,
                pending_operations: pending.map((op) => ({
                    resource: resource(op.name, op.resourceType, { inputs: op.inputs ?? {}, outputs: {} }),
                    type: op.type,
                })),
            },
        },
    });
}

const CONTAINER = "docker:index/container:Container";
const IMAGE_UPDATE: Op = { type: "updating", name: "lab-image-build", resourceType: "docker:index/image:Image" };
const createApp = (name: string, index: number): Op => ({
    type: "creating",
    name: `lab-app-${index}`,
    resourceType: CONTAINER,
    inputs: { name },
});

function checkpoint(pending: Op[], resources: Record<string, unknown>[] = [], file = CHECKPOINT): Files {
    return { [file]: { content: checkpointJson(pending, resources) } };
}

const stateFindings = (result: DoctorResult): DoctorFinding[] => result.findings.filter((f) => f.klass === "state");
/** What the e2e suite runs: the commands of every state finding, in order. */
const allCommands = (result: DoctorResult) => stateFindings(result).flatMap((f) => f.commands ?? []);

describe("doctor state: locks", () => {
    test("no state folder at all: one ok finding, exit code 0", async () => {
        const result = await doctor(world());
        expect(stateFindings(result)).toEqual([
            { id: "state.lock", ok: true, klass: "state", message: `no update of stack ${STACK} is running (no lock)` },
        ]);
        expect(result.reads).toEqual([]);
        expect(result.exitCode).toBe(0);
    });

    test("a lock of this host whose pid is gone: state.lock with the fix, exit code 15", async () => {
        const result = await doctor(world({ files: hereLock() }));
        expect(problems(result)).toEqual([
            {
                id: "state.lock",
                ok: false,
                klass: "state",
                message: `stack ${STACK} is locked by an update that is no longer running (pid ${PID} on ${HOSTNAME}, since 2026-11-28T10:57:49Z; it was interrupted): fix: ${CANCEL}, then ${UP}`,
                commands: [CANCEL, UP],
            },
        ]);
        expect(result.exitCode).toBe(15);
        expect(DOCTOR_EXIT_CODES.state).toBe(15);
        expect(formatFindings(result.findings).split("\n").at(-1)).toBe("doctor: 1 problem (state); exit code 15 (state)");
    });

    test("a lock whose pid runs on this host, started before the lock: state.busy, nothing to run", async () => {
        const result = await doctor(
            world({
                files: { ...hereLock(), ...checkpoint([createApp(APP0, 0)]) },
                processes: { [PID]: new Date(LOCKED_MS - 2_000) },
                containers: [{ name: APP0, ports: "" }],
            }),
        );
        expect(stateFindings(result)).toEqual([
            {
                id: "state.busy",
                ok: false,
                klass: "state",
                message: `another pulumi (pid ${PID}) is updating stack ${STACK} right now: wait for it to finish`,
                commands: [],
            },
        ]);
        // The running update's own pending create is not an orphan.
        expect(result.calls.some((c) => c.args[0] === "container")).toBe(false);
        expect(result.exitCode).toBe(15);
    });

    test("a running pid whose start time the system does not tell: busy", async () => {
        const result = await doctor(world({ files: hereLock(), processes: { [PID]: null } }));
        expect(byId(result, "state.busy").ok).toBe(false);
    });

    test("the pid now belongs to a process started after the lock (reused after a reboot): stale", async () => {
        const result = await doctor(world({ files: hereLock(), processes: { [PID]: new Date("2026-11-28T12:00:00Z") } }));
        expect(byId(result, "state.lock")).toMatchObject({
            ok: false,
            message: `stack ${STACK} is locked by an update that is no longer running (pid ${PID} on ${HOSTNAME}, since 2026-11-28T10:57:49Z, and pid ${PID} is now another program, started 2026-11-28T12:00:00Z; it was interrupted): fix: ${CANCEL}, then ${UP}`,
            commands: [CANCEL, UP],
        });
    });

    test("a lock of another host: state.lock-remote names the host, cancel only if nothing runs there", async () => {
        const result = await doctor(
            world({
                files: {
                    ...lock({ pid: 4242, username: "ana", hostname: "ana-laptop", timestamp: "2026-11-27T08:00:00+01:00" }),
                    ...checkpoint([createApp(APP0, 0)]),
                },
                containers: [{ name: APP0, ports: "" }],
            }),
        );
        expect(stateFindings(result)).toEqual([
            {
                id: "state.lock-remote",
                ok: false,
                klass: "state",
                message: `stack ${STACK} is locked by an update of another host (pid 4242 on ana-laptop, since 2026-11-27T07:00:00Z): if no update runs on ana-laptop any more, fix: ${CANCEL}, then ${UP}`,
                commands: [CANCEL, UP],
            },
        ]);
        // What an update that may still run elsewhere left is not judged.
        expect(result.calls.some((c) => c.args[0] === "container")).toBe(false);
        expect(result.exitCode).toBe(15);
    });

    test("a remote lock and a stale one of this host: one finding, one cancel, conditional on the remote host", async () => {
        const result = await doctor(
            world({
                files: {
                    ...hereLock(),
                    ...lock({ pid: 4242, username: "ana", hostname: "ana-laptop", timestamp: LOCKED_AT }, "b"),
                },
            }),
        );
        expect(stateFindings(result).map((f) => f.id)).toEqual(["state.lock-remote"]);
        expect(byId(result, "state.lock-remote").message).toBe(
            `stack ${STACK} is locked by an update of another host (pid 4242 on ana-laptop, since 2026-11-28T10:57:49Z), and by one no longer running here (pid ${PID} on ${HOSTNAME}, since 2026-11-28T10:57:49Z): if no update runs on ana-laptop any more, fix: ${CANCEL}, then ${UP}`,
        );
        expect(allCommands(result)).toEqual([CANCEL, UP]);
    });

    test("a live lock wins over a stale one: cancel would remove the running update's lock too", async () => {
        const result = await doctor(
            world({
                files: { ...hereLock(), ...lock({ pid: 777, hostname: HOSTNAME, timestamp: LOCKED_AT }, "c") },
                processes: { 777: null },
            }),
        );
        expect(stateFindings(result).map((f) => f.id)).toEqual(["state.busy"]);
        expect(byId(result, "state.busy").message).toContain("(pid 777)");
        expect(allCommands(result)).toEqual([]);
    });

    test("an unreadable lock file names no owner: cancel only if no update runs", async () => {
        const result = await doctor(world({ files: { [path.join(LOCKS, "d.json")]: { content: '{"pid":' } } }));
        expect(byId(result, "state.lock-remote").message).toBe(
            `stack ${STACK} is locked by an update of another host or an unknown owner (lock file d.json, which names no process): if no update of stack ${STACK} runs any more, fix: ${CANCEL}, then ${UP}`,
        );
    });

    test("locks of other stacks and projects are not this stack's", async () => {
        const other = path.join(STATE, "locks", "organization", PROJECT_NAME, "dev", "x.json");
        const otherProject = path.join(STATE, "locks", "organization", "other", STACK, "y.json");
        const content = JSON.stringify({ pid: PID, hostname: HOSTNAME, timestamp: LOCKED_AT });
        const result = await doctor(world({ files: { [other]: { content }, [otherProject]: { content } } }));
        expect(byId(result, "state.lock").ok).toBe(true);
        expect(result.exitCode).toBe(0);
    });
});

describe("doctor state: pending operations", () => {
    test("an interrupted image update: an ok note, exit code 0", async () => {
        const result = await doctor(world({ files: checkpoint([IMAGE_UPDATE]) }));
        expect(stateFindings(result)).toEqual([
            { id: "state.lock", ok: true, klass: "state", message: `no update of stack ${STACK} is running (no lock)` },
            {
                id: "state.pending",
                ok: true,
                klass: "state",
                message: "1 interrupted operation (updating lab-image-build); npm run up redoes it",
            },
        ]);
        expect(result.exitCode).toBe(0);
    });

    test("gzip checkpoint (PULUMI_DIY_BACKEND_GZIP), newer than a plain one: read and gunzipped", async () => {
        const result = await doctor(
            world({
                files: {
                    [CHECKPOINT]: { content: checkpointJson([]), mtimeMs: 1_000 },
                    [`${CHECKPOINT}.gz`]: { content: zlib.gzipSync(checkpointJson([IMAGE_UPDATE, createApp(APP1, 1)])), mtimeMs: 2_000 },
                },
            }),
        );
        expect(byId(result, "state.pending").message).toBe(
            "2 interrupted operations (updating lab-image-build, creating lab-app-1); npm run up redoes them",
        );
        expect(result.reads.filter((r) => !r.endsWith(".attrs"))).toEqual([`${CHECKPOINT}.gz`]);
        expect(result.exitCode).toBe(0);
    });

    test("a plain checkpoint newer than a gzip one is the stack's state", async () => {
        const result = await doctor(
            world({
                files: {
                    [CHECKPOINT]: { content: checkpointJson([]), mtimeMs: 3_000 },
                    [`${CHECKPOINT}.gz`]: { content: zlib.gzipSync(checkpointJson([IMAGE_UPDATE])), mtimeMs: 2_000 },
                },
            }),
        );
        expect(result.findings.some((f) => f.id === "state.pending")).toBe(false);
        expect(result.reads.filter((r) => !r.endsWith(".attrs"))).toEqual([CHECKPOINT]);
    });

    test("an interrupted container create whose container exists: state.orphan with docker rm -f, exit code 15", async () => {
        const result = await doctor(
            world({ files: checkpoint([IMAGE_UPDATE, createApp(APP0, 0)]), containers: [{ name: APP0, id: "f".repeat(64), ports: "" }] }),
        );
        expect(stateFindings(result)).toEqual([
            { id: "state.lock", ok: true, klass: "state", message: `no update of stack ${STACK} is running (no lock)` },
            {
                id: "state.pending",
                ok: true,
                klass: "state",
                message: "1 interrupted operation (updating lab-image-build); npm run up redoes it",
            },
            {
                id: "state.orphan",
                ok: false,
                klass: "state",
                message: `container ${APP0} was created by an interrupted update but Pulumi's state does not track it: fix: docker rm -f ${APP0}, then ${UP}`,
                commands: [`docker rm -f ${APP0}`, UP],
            },
        ]);
        expect(result.calls.find((c) => c.args[0] === "container")?.args).toEqual(["container", "inspect", "--format", "{{.Id}}", APP0]);
        expect(result.exitCode).toBe(15);
    });

    test("an interrupted container create whose container is absent: a note, exit code 0", async () => {
        const result = await doctor(world({ files: checkpoint([createApp(APP0, 0)]) }));
        expect(byId(result, "state.pending")).toEqual({
            id: "state.pending",
            ok: true,
            klass: "state",
            message: "1 interrupted operation (creating lab-app-0); npm run up redoes it",
        });
        expect(result.exitCode).toBe(0);
    });

    test("a container of that name that the state tracks (same id) is not an orphan", async () => {
        const id = "e".repeat(64);
        const result = await doctor(
            world({
                files: checkpoint([createApp(APP0, 0)], [resource("lab-app-0-old", CONTAINER, { id })]),
                containers: [{ name: APP0, id, ports: "" }],
            }),
        );
        expect(result.findings.some((f) => f.id === "state.orphan")).toBe(false);
        expect(result.exitCode).toBe(0);
    });

    test("a stale lock and two orphans: cancel, remove both, then one npm run up at the very end", async () => {
        const result = await doctor(
            world({
                files: { ...hereLock(), ...checkpoint([createApp(APP0, 0), createApp(APP1, 1)]) },
                containers: [
                    { name: APP0, ports: "" },
                    { name: APP1, ports: "" },
                ],
            }),
        );
        expect(stateFindings(result).map((f) => [f.id, f.ok])).toEqual([
            ["state.lock", false],
            ["state.orphan", false],
        ]);
        expect(byId(result, "state.lock").message).toMatch(new RegExp(`it was interrupted\\): fix: ${CANCEL}$`));
        expect(byId(result, "state.lock").commands).toEqual([CANCEL]);
        expect(byId(result, "state.orphan").message).toBe(
            `container ${APP0} and container ${APP1} were created by an interrupted update but Pulumi's state does not track them: fix: docker rm -f ${APP0} ${APP1}, then ${UP}`,
        );
        expect(allCommands(result)).toEqual([CANCEL, `docker rm -f ${APP0} ${APP1}`, UP]);
        expect(result.exitCode).toBe(15);
    });

    test("an interrupted network create that reached the engine: removed by id, after the containers", async () => {
        const netId = "9".repeat(64);
        const result = await doctor(
            world({
                files: checkpoint([
                    { type: "creating", name: "lab-net", resourceType: "docker:index/network:Network", inputs: { name: NETWORK } },
                    createApp(APP0, 0),
                ]),
                containers: [{ name: APP0, ports: "" }],
                networks: [
                    { id: netId, name: NETWORK },
                    { id: "8".repeat(64), name: `${NETWORK}-other` },
                ],
            }),
        );
        expect(byId(result, "state.orphan").commands).toEqual([`docker rm -f ${APP0}`, `docker network rm ${netId}`, UP]);
        expect(byId(result, "state.orphan").message).toMatch(new RegExp(`^container ${APP0} and network ${NETWORK} were created`));
    });

    test("the stack's dockerHost: the engine is asked there, and the fix names it", async () => {
        const tcp = "tcp://127.0.0.1:2375";
        const result = await doctor(
            world({
                files: checkpoint([createApp(APP0, 0)]),
                containers: [{ name: APP0, ports: "" }],
                engines: { [tcp]: { version: "28.0.1", api: "1.48" } },
            }),
            { dockerHost: tcp },
        );
        expect(result.calls.find((c) => c.args[0] === "container")?.env.DOCKER_HOST).toBe(tcp);
        expect(byId(result, "state.orphan").commands).toEqual([`docker -H ${tcp} rm -f ${APP0}`, UP]);
    });

    test("engine down: whether the container exists is not checked, said in the note; the engine finding says why", async () => {
        const result = await doctor(world({ files: checkpoint([createApp(APP0, 0)]), engines: {} }));
        expect(byId(result, "state.pending").message).toBe(
            `1 interrupted operation (creating lab-app-0); npm run up redoes it; whether container ${APP0} exists was not checked (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?): if it does, remove it first`,
        );
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.engine);
    });

    test("an unreadable checkpoint: a note, not a problem", async () => {
        const result = await doctor(world({ files: { [CHECKPOINT]: { content: "{not json" } } }));
        expect(byId(result, "state.pending").ok).toBe(true);
        expect(byId(result, "state.pending").message).toMatch(/^interrupted operations of stack doctortest not checked: .*JSON/);
        expect(result.exitCode).toBe(0);
    });
});

describe("doctor state: a checkpoint save killed half-way", () => {
    // Measured with the real CLI: killed between writing <stack>.json.attrs and renaming the whole new
    // checkpoint (<stack>.json.<id>.tmp) into place; every pulumi command then fails with "failed to load checkpoint: EOF".
    const REL = path.relative(PROJECT_DIR, CHECKPOINT);
    const TMP = `${CHECKPOINT}.18ec31bc5f9a9cd4.tmp`;
    const brokenSave = (tmp: Files = {}): Files => ({
        [CHECKPOINT]: { content: checkpointJson([createApp(APP0, 0)]), mtimeMs: 1_000 },
        [`${CHECKPOINT}.attrs`]: { content: "", mtimeMs: 2_000 },
        ...tmp,
    });

    test("the new checkpoint saved whole as a temp file: remove the empty .attrs, move it into place, before pulumi cancel", async () => {
        const files = {
            ...hereLock(),
            ...brokenSave({
                [TMP]: { content: checkpointJson([createApp(APP0, 0), IMAGE_UPDATE]), mtimeMs: 2_000 },
                [`${CHECKPOINT}.0000000000000001.tmp`]: { content: '{"checkpoint": {', mtimeMs: 3_000 },
            }),
        };
        const result = await doctor(world({ files }));
        expect(byId(result, "state.checkpoint")).toEqual({
            id: "state.checkpoint",
            ok: false,
            klass: "state",
            message: `the last save of stack ${STACK}'s checkpoint was killed half-way: ${REL}.attrs is empty, so every pulumi command (pulumi cancel too) fails with "failed to load checkpoint: EOF"; the new checkpoint was saved whole as ${path.basename(TMP)}: fix: rm ${REL}.attrs, then mv ${REL}.18ec31bc5f9a9cd4.tmp ${REL}`,
            commands: [`rm ${REL}.attrs`, `mv ${REL}.18ec31bc5f9a9cd4.tmp ${REL}`],
        });
        expect(stateFindings(result).map((f) => f.id)).toEqual(["state.checkpoint", "state.lock", "state.pending"]);
        // The pending operations are read from the checkpoint that will be in place.
        expect(byId(result, "state.pending").message).toBe(
            "2 interrupted operations (creating lab-app-0, updating lab-image-build); npm run up redoes them",
        );
        expect(allCommands(result)).toEqual([`rm ${REL}.attrs`, `mv ${REL}.18ec31bc5f9a9cd4.tmp ${REL}`, CANCEL, UP]);
        expect(result.exitCode).toBe(15);
    });

    test("no whole temp file: removing the empty .attrs is enough, the checkpoint holds the last whole state", async () => {
        const result = await doctor(world({ files: brokenSave({ [TMP]: { content: "{", mtimeMs: 2_000 } }) }));
        expect(byId(result, "state.checkpoint").message).toMatch(
            new RegExp(`; ${STACK}\\.json holds the last whole checkpoint: fix: rm ${REL.replace(/\./g, "\\.")}\\.attrs, then ${UP}$`),
        );
        expect(allCommands(result)).toEqual([`rm ${REL}.attrs`, UP]);
    });

    test("gzip: the temp file is read gunzipped", async () => {
        const gz = `${CHECKPOINT}.gz`;
        const result = await doctor(
            world({
                files: {
                    [gz]: { content: zlib.gzipSync(checkpointJson([])), mtimeMs: 1_000 },
                    [`${gz}.attrs`]: { content: "", mtimeMs: 2_000 },
                    [`${gz}.abc.tmp`]: { content: zlib.gzipSync(checkpointJson([IMAGE_UPDATE])), mtimeMs: 2_000 },
                },
            }),
        );
        expect(byId(result, "state.checkpoint").commands).toEqual([`rm ${REL}.gz.attrs`, `mv ${REL}.gz.abc.tmp ${REL}.gz`, UP]);
        expect(byId(result, "state.pending").message).toBe("1 interrupted operation (updating lab-image-build); npm run up redoes it");
    });

    test("valid .attrs and a leftover temp file: nothing to repair", async () => {
        const result = await doctor(
            world({
                files: {
                    ...checkpoint([]),
                    [`${CHECKPOINT}.attrs`]: { content: '{"md5":"x"}' },
                    [TMP]: { content: checkpointJson([IMAGE_UPDATE]) },
                },
            }),
        );
        expect(result.findings.some((f) => f.id === "state.checkpoint")).toBe(false);
        expect(result.exitCode).toBe(0);
    });

    test("while an update runs its save is in flight: only busy", async () => {
        const result = await doctor(world({ files: { ...hereLock(), ...brokenSave() }, processes: { [PID]: null } }));
        expect(stateFindings(result).map((f) => f.id)).toEqual(["state.busy"]);
    });

    test("with another host's lock the repair is conditional too", async () => {
        const result = await doctor(
            world({ files: { ...lock({ pid: 4242, hostname: "ana-laptop", timestamp: LOCKED_AT }), ...brokenSave() } }),
        );
        expect(byId(result, "state.checkpoint").message).toMatch(/: if no update runs on ana-laptop any more, fix: rm \S+\.attrs$/);
        expect(allCommands(result)).toEqual([`rm ${REL}.attrs`, CANCEL, UP]);
    });
});

describe("doctor state: backends", () => {
    test("a non-file backend (Pulumi Cloud): not checked, ok", async () => {
        const result = await doctor(world({ env: { PULUMI_BACKEND_URL: "https://api.pulumi.com" }, files: hereLock() }));
        expect(stateFindings(result)).toEqual([
            { id: "state.backend", ok: true, klass: "state", message: "state: not checked (backend https://api.pulumi.com)" },
        ]);
        expect(result.reads).toEqual([]);
        expect(result.exitCode).toBe(0);
    });

    test("credentials in a backend URL are not printed", async () => {
        const result = await doctor(world({ env: { PULUMI_BACKEND_URL: "https://user:secret@state.example.com/lab" } }));
        expect(byId(result, "state.backend").message).toBe("state: not checked (backend https://****@state.example.com/lab)");
    });

    test("a file:// PULUMI_BACKEND_URL is where the locks are looked for", async () => {
        const elsewhere = "/srv/pulumi-state";
        const files: Files = {
            [path.join(elsewhere, ".pulumi", "locks", "organization", PROJECT_NAME, STACK, "a.json")]: {
                content: JSON.stringify({ pid: PID, hostname: HOSTNAME, timestamp: LOCKED_AT }),
            },
        };
        const there = await doctor(world({ env: { PULUMI_BACKEND_URL: `file://${elsewhere}` }, files }));
        expect(byId(there, "state.lock").commands).toEqual([CANCEL, UP]);
        const notThere = await doctor(world({ files }));
        expect(byId(notThere, "state.lock").ok).toBe(true);
    });

    test("stateBackend: default, relative, absolute, home, query, other", () => {
        expect(stateBackend({}, "/p", HOME)).toEqual({ dir: "/p/.pulumi-state" });
        expect(stateBackend({ PULUMI_BACKEND_URL: "file://./.pulumi-state" }, "/p", HOME)).toEqual({ dir: "/p/.pulumi-state" });
        expect(stateBackend({ PULUMI_BACKEND_URL: "file://../shared-state" }, "/p/lab", HOME)).toEqual({ dir: "/p/shared-state" });
        expect(stateBackend({ PULUMI_BACKEND_URL: "file:///srv/state" }, "/p", HOME)).toEqual({ dir: "/srv/state" });
        expect(stateBackend({ PULUMI_BACKEND_URL: "file://~" }, "/p", HOME)).toEqual({ dir: HOME });
        expect(stateBackend({ PULUMI_BACKEND_URL: "file://~/state?no_tmp_dir=true" }, "/p", HOME)).toEqual({ dir: `${HOME}/state` });
        expect(stateBackend({ PULUMI_BACKEND_URL: "s3://bucket/lab" }, "/p", HOME)).toEqual({ url: "s3://bucket/lab" });
    });
});

describe("doctor state: preflight and --json", () => {
    test("the preflight of npm run up stops on a stale lock with the fix", async () => {
        const written: string[] = [];
        const code = await preflight({
            stack: STACK,
            projectDir: PROJECT_DIR,
            probes: fake(world({ files: hereLock() })).probes,
            config: {},
            write: (t) => written.push(t),
        });
        expect(code).toBe(15);
        expect(written.join("\n")).toContain(`✗ stack ${STACK} is locked by an update that is no longer running`);
        expect(written.join("\n")).toMatch(/exit code 15 \(state\)$/);
    });

    test("npm run doctor -- --json: stack, exitCode, exitCodes, findings; state findings carry their commands", async () => {
        let out = "";
        const f = fake(world({ files: { ...hereLock(), ...checkpoint([createApp(APP0, 0)]) }, containers: [{ name: APP0, ports: "" }] }));
        const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
        try {
            const code = await doctorCommand(
                ["--json", "--stack", STACK],
                {},
                { probes: f.probes, projectDir: PROJECT_DIR, stdout: (t) => (out += t) },
            );
            expect(code).toBe(15);
        } finally {
            stderr.mockRestore();
        }
        const json = JSON.parse(out);
        expect(Object.keys(json)).toEqual(["stack", "exitCode", "exitCodes", "findings"]);
        expect(json).toMatchObject({ stack: STACK, exitCode: 15, exitCodes: DOCTOR_EXIT_CODES });
        const state = json.findings.filter((x: DoctorFinding) => x.klass === "state");
        expect(state.flatMap((x: DoctorFinding) => x.commands ?? [])).toEqual([CANCEL, `docker rm -f ${APP0}`, UP]);
        expect(json.findings.filter((x: DoctorFinding) => x.klass !== "state").every((x: DoctorFinding) => x.commands === undefined)).toBe(
            true,
        );
    });
});
