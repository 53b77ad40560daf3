import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { docker } from "../../engine";
import {
    appContainers,
    type ClassSpec,
    exerciseLabel,
    exerciseProgressFile,
    labExercises,
    OFFLINE_IMAGES,
    REGISTRY_CONTAINER_PORT,
    seatClientDir,
    seatsApp,
} from "../../lab";
import { leftovers, teardownLab } from "../../rig";
import { exerciseCommand } from "../../tools/exercise";
import { classSpec } from "../helpers/specs";
import { e2eGate } from "./gate";
import { describeRun, expectOutput, expectSuccess, httpGet } from "./processes";
import { changedInBoth, e2eProject, idsOf, NOTHING_LEFT, nameOf, stateChanges, stepLogger } from "./project";

// A class of seats through the real Pulumi CLI: three students, each with a Docker engine of their own
// reached with TLS client certificates, their lab inside it and a workstation beside it. One `npm run up`,
// every student verified, a clean no-op and refresh, the isolation between seats, a fourth student, a
// removed one, `npm run down`. One throw-away copy of the project; stack e2e-seats, ports 39100.., registry 39199.

const STACK = "e2e-seats";
const CONFIG: Record<string, string> = {
    baseImage: OFFLINE_IMAGES.baseImage,
    registryImage: OFFLINE_IMAGES.registryImage,
    seatImage: OFFLINE_IMAGES.seatImage,
    mode: "seats",
    appPort: "39100",
    registryPort: "39199",
};
const CLASS = ["alice", "bob", "carol"];
const STEP_TIMEOUT = 900_000;
const CONTAINER = "docker:index/container:Container";

const specOf = (students: string[]): ClassSpec => classSpec({ ...CONFIG, students }, STACK);
const seatOf = (students: string[], student: string) => {
    const lab = specOf(students).students.find((s) => s.student?.name === student);
    if (!lab) throw new Error(`no ${student} in ${students.join(", ")}`);
    return { lab, ...seatsApp(lab.app) };
};

const gate = e2eGate();

gate.describe("e2e: a class of seats through npm run and the real Pulumi CLI", () => {
    const project = e2eProject(STACK, "docker-lab-e2e-seats-", STEP_TIMEOUT - 60_000);
    const step = stepLogger("e2e seats");
    const { npm, pulumi, deployment } = project;
    const everyone = [...CLASS, "dave"];
    const clientDirs = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-e2e-seat-clients-"));
    const setStudent = async (index: number, name: string) =>
        expectSuccess(await pulumi(["config", "set", "--stack", STACK, "--path", `students[${index}]`, name]));
    /** `npm run seat -- env NAME --dir …`: the environment its lines set. */
    const clientEnv = async (student: string): Promise<Record<string, string>> => {
        const run = expectSuccess(await npm("seat", ["env", student, "--dir", path.join(clientDirs, student)]));
        return Object.fromEntries([...run.stdout.matchAll(/^export (\w+)='?([^'\n]*)'?$/gm)].map((m) => [m[1], m[2]]));
    };
    /** `docker ARGS` in a student's workstation, as the student. */
    const inWorkstation = (students: string[], student: string, args: string[]) =>
        docker(["exec", "-u", "student", seatOf(students, student).workstation.name, ...args]);
    beforeAll(async () => {
        await step("setup: copy the project", async () => {
            await teardownLab(specOf(everyone));
            project.create();
        });
    }, STEP_TIMEOUT);

    afterAll(async () => {
        await step("teardown: npm run down, safety net, remove the copy", async () => {
            try {
                if (project.hasState()) {
                    const down = await npm("down");
                    if (down.code !== 0) console.log(`teardown: ${describeRun(down, "exit 0")}`);
                }
                await teardownLab(specOf(everyone));
            } finally {
                project.remove();
                fs.rmSync(clientDirs, { recursive: true, force: true });
            }
        });
    }, STEP_TIMEOUT);

    test(
        "one npm run up gives each of three students a seat with their lab verified in it, and npm run verify passes for the class",
        () =>
            step("class of three seats: up, verify", async () => {
                await project.configure(CONFIG);
                for (const [i, name] of CLASS.entries()) await setStudent(i, name);
                const up = expectSuccess(await npm("up"));
                const spec = specOf(CLASS);
                const total = spec.students.reduce((n, s) => n + s.checks.length, 0);
                expect(Number(expectOutput(up, /^(\d+) passed, 0 failed in /m)[1])).toBe(total);
                const verify = expectSuccess(await npm("verify", ["--no-report"]));
                expect(Number(expectOutput(verify, /^(\d+) passed, 0 failed in /m)[1])).toBe(total);
                for (const lab of spec.students) {
                    for (const [i, url] of lab.appUrls.entries()) {
                        const { status, body } = await httpGet(url);
                        expect({ url, status, hostname: JSON.parse(body).hostname }).toEqual({
                            url,
                            status: 200,
                            hostname: appContainers(lab)[i].hostname,
                        });
                    }
                }
                // The keys are secrets: never in plain text in the state or the outputs.
                const state = expectSuccess(await pulumi(["stack", "export", "--stack", STACK])).stdout;
                const outputs = expectSuccess(await pulumi(["stack", "output", "--json", "--stack", STACK])).stdout;
                expect({ state: /PRIVATE KEY/.test(state), outputs: /PRIVATE KEY/.test(outputs) }).toEqual({
                    state: false,
                    outputs: false,
                });
            }),
        STEP_TIMEOUT,
    );

    test(
        "a second up and a refresh of the class change nothing",
        () =>
            step("no-op up and refresh", async () => {
                expectSuccess(await npm("up", ["--expect-no-changes"]));
                expectSuccess(await pulumi(["refresh", "--yes", "--expect-no-changes", "--stack", STACK]));
                expectSuccess(await npm("up", ["--expect-no-changes"]));
            }),
        STEP_TIMEOUT,
    );

    test(
        "isolation: alice's certificate opens her seat only; her workstation sees only her lab, and reaches neither bob's seat nor the host's Docker socket",
        () =>
            step("isolation", async () => {
                const alice = await clientEnv("alice");
                const bob = seatOf(CLASS, "bob");
                expect(alice.DOCKER_HOST).toBe(seatOf(CLASS, "alice").seat.engineHost);
                const own = await docker(["ps", "-a", "--format", "{{.Names}}"], alice);
                expect(own.status).toBe(0);
                expect(own.stdout.trim().split("\n").sort()).toEqual(
                    appContainers(seatOf(CLASS, "alice").lab)
                        .map((c) => c.name)
                        .sort(),
                );
                const refused = await docker(["ps"], { ...alice, DOCKER_HOST: bob.seat.engineHost });
                expect(refused.status).not.toBe(0);
                expect(refused.stderr).toMatch(/certificate/i);

                const listed = await inWorkstation(CLASS, "alice", ["docker", "ps", "-a", "--format", "{{.Names}}"]);
                expect(listed.status).toBe(0);
                expect(listed.stdout.trim().split("\n").sort()).toEqual(
                    appContainers(seatOf(CLASS, "alice").lab)
                        .map((c) => c.name)
                        .sort(),
                );

                // The seats share no network: bob's seat is on his own only, at its fixed address, with the class registry.
                const networks = await docker([
                    "inspect",
                    "--format",
                    "{{range $name, $n := .NetworkSettings.Networks}}{{$name}}={{$n.IPAddress}} {{end}}",
                    bob.seat.name,
                ]);
                expect(networks.stdout.trim()).toBe(`${bob.seat.network.name}=${bob.seat.address}`);
                const { registry, network } = specOf(CLASS);
                const registryNetworks = await docker([
                    "inspect",
                    "--format",
                    "{{json .NetworkSettings.Networks}}",
                    registry.container.name,
                ]);
                expect(Object.keys(JSON.parse(registryNetworks.stdout)).sort()).toEqual(
                    [network.name, ...CLASS.map((s) => seatOf(CLASS, s).seat.network.name)].sort(),
                );
                const tcp = (host: string, port: number) =>
                    inWorkstation(CLASS, "alice", ["timeout", "3", "bash", "-c", `echo > /dev/tcp/${host}/${port}`]);
                // Neither bob's engine nor his app, whose replicas publish on his seat's address inside it.
                for (const port of [2376, bob.seat.ports[0].internal]) {
                    const reach = await tcp(bob.seat.address, port);
                    expect({ port, reached: reach.status === 0 }).toEqual({ port, reached: false });
                }
                // Her own seat's engine and app, and the class registry, she reaches.
                const aliceSeat = seatOf(CLASS, "alice").seat;
                for (const [host, port] of [
                    [aliceSeat.name, 2376],
                    [aliceSeat.address, aliceSeat.ports[0].internal],
                    [registry.container.name, REGISTRY_CONTAINER_PORT],
                ] as const) {
                    const reach = await tcp(host, port);
                    expect({ host, port, reached: reach.status === 0 }).toEqual({ host, port, reached: true });
                }
                const socket = await inWorkstation(CLASS, "alice", ["docker", "-H", "unix:///var/run/docker.sock", "ps"]);
                expect(socket.status).not.toBe(0);
                expect(socket.stderr).toMatch(/Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker\.sock/);
            }),
        STEP_TIMEOUT,
    );

    test(
        "npm run exercise -- --student: alice's exercises are done and checked in her workstation, every one of them; bob's stay his",
        () =>
            step("exercises in a seat", async () => {
                const exercise = (student: string, ...args: string[]) => npm("exercise", [...args, "--student", student, "--lang", "en"]);
                const psFile = "01.02-ps-file";
                const ids = labExercises(specOf(CLASS), STACK, "alice").map((e) => e.id);
                const first = await exercise("alice", "check", psFile);
                expect(first.code).toBe(1);
                expect(first.stdout).toMatch(/^✗ 01\.02-ps-file .*\n {2}expected: work\/ps\.txt /m);
                // What alice types in her workstation (npm run seat -- shell alice), as herself.
                const typed = await inWorkstation(CLASS, "alice", ["sh", "-c", "docker ps > work/ps.txt"]);
                expect(typed.status).toBe(0);
                const passed = expectSuccess(await exercise("alice", "check", psFile));
                expect(passed.stdout).toMatch(new RegExp(`^✓ 01\\.02-ps-file .* passed \\(1/${ids.length} done\\)$`, "m"));
                // Bob's workstation has no such file, and his progress is his own.
                const bob = await exercise("bob", "check", psFile);
                expect(bob.code).toBe(1);
                expect(expectSuccess(await exercise("bob", "list")).stdout).toContain(
                    `docker-lab exercises · lab ${specOf(CLASS).instance} · bob · 0/${ids.length} done\n`,
                );
                const progress = (student: string) =>
                    JSON.parse(fs.readFileSync(path.join(project.dir, exerciseProgressFile(STACK, student)), "utf8"));
                expect(progress("alice").exercises[psFile]).toMatchObject({ done: true, failedChecks: 1 });
                expect(progress("bob").exercises[psFile]).toMatchObject({ done: false, failedChecks: 1 });

                // Every exercise in her seat: it fails, its reference solution passes, and its reset makes it fail again.
                // They need her workstation's curl, the registry on her seat's network and her seat's address.
                // The same command in this process (no process start for each of these 85 runs), on this stack's config.
                expectSuccess(await exercise("alice", "reset"));
                const config = JSON.stringify({ ...CONFIG, students: CLASS });
                const quiet = { out: () => {}, err: () => {}, color: false, env: { LANG: "C.UTF-8" }, root: project.dir };
                const run = (...argv: string[]) =>
                    exerciseCommand([...argv, "--student", "alice", "--stack", STACK, "--config", config, "--lang", "en"], quiet);
                const outcomes: string[] = [];
                for (const id of ids) {
                    const codes = [
                        await run("check", id),
                        await run("solve", id),
                        await run("check", id),
                        await run("reset", id),
                        await run("check", id),
                    ];
                    outcomes.push(`${id} ${codes.join(" ")}`);
                }
                expect(outcomes).toEqual(ids.map((id) => `${id} 1 0 0 0 1`));
                // Nothing of the exercises is left in her seat or her work folder; her lab still verifies.
                const aliceEnv = await clientEnv("alice");
                const left = await docker(
                    ["ps", "-a", "--filter", `label=${exerciseLabel(specOf(CLASS).instance)}`, "--format", "{{.Names}}"],
                    aliceEnv,
                );
                expect(left.stdout.trim()).toBe("");
                expect((await inWorkstation(CLASS, "alice", ["ls", "-A", "work"])).stdout.trim()).toBe("");
                const verified = expectSuccess(await npm("verify", ["--student", "alice", "--no-report"]));
                expect(Number(expectOutput(verified, /^(\d+) passed, 0 failed in /m)[1])).toBe(seatOf(CLASS, "alice").lab.checks.length);
            }),
        STEP_TIMEOUT,
    );

    test(
        "stopping alice's seat engine leaves bob's lab verified, and npm run up brings alice's seat back verified",
        () =>
            step("a stopped seat", async () => {
                expect((await docker(["stop", seatOf(CLASS, "alice").seat.name])).status).toBe(0);
                const bob = expectSuccess(await npm("verify", ["--student", "bob", "--no-report"]));
                expect(Number(expectOutput(bob, /^(\d+) passed, 0 failed in /m)[1])).toBe(seatOf(CLASS, "bob").lab.checks.length);
                expectSuccess(await npm("up"));
                const alice = expectSuccess(await npm("verify", ["--student", "alice", "--no-report"]));
                expect(Number(expectOutput(alice, /^(\d+) passed, 0 failed in /m)[1])).toBe(seatOf(CLASS, "alice").lab.checks.length);
            }),
        STEP_TIMEOUT,
    );

    test(
        "npm run seat -- rotate alice: new certificates for alice's seat only; her old client files are refused, the new ones work",
        () =>
            step("rotate alice's certificates", async () => {
                const before = await deployment();
                const old = await clientEnv("alice");
                expectSuccess(await npm("seat", ["rotate", "alice"]));
                const after = await deployment();
                expect(stateChanges(before, after)).toEqual({ added: [], removed: [] });
                const changedNames = changedInBoth(before, after);
                expect(changedNames).toEqual(expect.arrayContaining(["lab-alice-seat-tls", "lab-alice-seat"]));
                expect(changedNames.filter((n) => !/^lab-alice(-|$)/.test(n))).toEqual([]);
                const refused = await docker(["ps"], old);
                expect(refused.status).not.toBe(0);
                const fresh = await clientEnv("alice");
                expect((await docker(["ps"], fresh)).status).toBe(0);
                const verified = expectSuccess(await npm("verify", ["--student", "alice", "--no-report"]));
                expect(Number(expectOutput(verified, /^(\d+) passed, 0 failed in /m)[1])).toBe(seatOf(CLASS, "alice").lab.checks.length);
            }),
        STEP_TIMEOUT,
    );

    test(
        "a fourth student gets only their seat, and a removed student loses only theirs; the others keep their ids",
        () =>
            step("add dave, free bob's seat", async () => {
                const before = await deployment();
                await setStudent(3, "dave");
                expectSuccess(await npm("up"));
                const withDave = await deployment();
                const added = stateChanges(before, withDave);
                expect(added.removed).toEqual([]);
                expect(added.added.length).toBeGreaterThan(0);
                expect(added.added.filter((n) => !/^lab-dave(-|$)/.test(n))).toEqual([]);
                expect(changedInBoth(before, withDave)).toEqual([]);
                const seats = [...idsOf(withDave, CONTAINER).keys()].map(nameOf).filter((n) => /-seat$/.test(n));
                expect(seats.sort()).toEqual(["lab-alice-seat", "lab-bob-seat", "lab-carol-seat", "lab-dave-seat"]);

                await setStudent(1, "");
                expectSuccess(await npm("up"));
                const withoutBob = await deployment();
                const removed = stateChanges(withDave, withoutBob);
                expect(removed.added).toEqual([]);
                expect(removed.removed.length).toBeGreaterThan(0);
                expect(removed.removed.filter((n) => !/^lab-bob(-|$)/.test(n))).toEqual([]);
                expect(changedInBoth(withDave, withoutBob)).toEqual([]);
                const gone = await docker(["inspect", seatOf(CLASS, "bob").seat.name]);
                expect(gone.status).not.toBe(0);
                expectSuccess(await npm("up", ["--expect-no-changes"]));
            }),
        STEP_TIMEOUT,
    );

    test(
        "npm run down leaves nothing of the class: no container, network, volume, image tag or client file",
        () =>
            step("down", async () => {
                expectSuccess(await npm("down"));
                expect(await leftovers(specOf(everyone))).toEqual(NOTHING_LEFT);
                expect(fs.existsSync(path.join(project.dir, path.dirname(seatClientDir(specOf(CLASS).instance, "alice"))))).toBe(false);
            }),
        STEP_TIMEOUT,
    );
});
