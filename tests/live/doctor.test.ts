import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { docker } from "../../engine";
import { hostPort, LABEL, PROJECT_NAME } from "../../lab";
import { DOCTOR_EXIT_CODES, type DoctorFinding, type DoctorResult, formatFindings, realProbes, runDoctor } from "../../tools";
import { labSpec, replicasOf } from "../helpers/specs";
import { describeLive, liveImages } from "./engine";

// The doctor with its real probes on this machine: a port really taken, an engine really absent,
// a container of the lab really holding its port, a machine where everything is fine, and the
// Pulumi state an update killed mid-way leaves (a lock whose process is gone, a container it created).
// Ports 292xx and 293xx are used by no other live test.

const PROJECT_DIR = path.join(__dirname, "..", "..");

function byId(result: DoctorResult, id: string): DoctorFinding {
    const found = result.findings.find((f) => f.id === id);
    if (!found) throw new Error(`no finding ${id}:\n${formatFindings(result.findings)}`);
    return found;
}

function hold(port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve(server));
    });
}

const close = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describeLive("doctor on the real machine", () => {
    const images = liveImages();

    test("a port taken by a program: the ports finding names it, exit code ports", async () => {
        const holder = await hold(29000);
        try {
            const result = await runDoctor({
                stack: "test-doctor",
                projectDir: PROJECT_DIR,
                config: { ...images, appPort: "29080", registryPort: "29000" },
            });
            const taken = byId(result, "ports.29000");
            expect(taken.ok).toBe(false);
            expect(taken.message).toMatch(
                /^port 29000 on 127\.0\.0\.1 \(registry, registryPort\) is in use by another program: fix: .*npm run config -- set registryPort \d+$/,
            );
            expect(byId(result, "ports.ok").message).toBe(
                "ports on 127.0.0.1: 29080 (app replica 0, appPort) free, 29081 (app replica 1, appPort + 1) free",
            );
            expect(result.findings.filter((f) => !f.ok).map((f) => f.id)).toEqual(["ports.29000"]);
            expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.ports);
        } finally {
            await close(holder);
        }
    });

    test("no engine at DOCKER_HOST: engine problem with a fix, exit code engine", async () => {
        const dead = "unix:///tmp/nonexistent-docker-lab.sock";
        const probes = realProbes({ ...process.env, DOCKER_HOST: dead });
        const calls: string[][] = [];
        const result = await runDoctor({
            stack: "test-doctor",
            projectDir: PROJECT_DIR,
            config: { ...images, appPort: "29180", registryPort: "29100" },
            probes: {
                ...probes,
                docker: (args, env) => {
                    calls.push(args);
                    return probes.docker(args, env);
                },
            },
        });
        const down = byId(result, "engine.down");
        expect(down.ok).toBe(false);
        expect(down.message).toMatch(
            /^no Docker engine answers at unix:\/\/\/tmp\/nonexistent-docker-lab\.sock, from DOCKER_HOST \(Cannot connect to the Docker daemon at unix:\/\/\/tmp\/nonexistent-docker-lab\.sock\. Is the docker daemon running\?\): fix: (export DOCKER_HOST=unix:\/\/\S+ \(an engine answers there: .+\)|start Docker .*)$/,
        );
        expect(byId(result, "engine.skipped").ok).toBe(false);
        expect(calls.some((args) => args[0] === "ps" || args[0] === "image" || args[0] === "info")).toBe(false);
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.engine);
    });

    test("a port held by the lab's own container is fine; for another stack it is another container", async () => {
        const config = { ...images, appPort: "29280", registryPort: "29200", replicas: "1" };
        // The container replica 0 of stack test-doctor would be: its name, the labels the doctor looks for, its port.
        const replica = replicasOf(labSpec(config, "test-doctor"))[0];
        const { name } = replica;
        const [port] = replica.ports;
        await docker(["rm", "--force", name]);
        const started = await docker([
            "run",
            "--detach",
            "--name",
            name,
            ...[LABEL.managed, LABEL.instance].flatMap((key) => ["--label", `${key}=${replica.labels[key]}`]),
            "--publish",
            `${hostPort(port.ip, port.external)}:${port.internal}`,
            images.baseImage,
            "node",
            "-e",
            "setTimeout(() => {}, 300000)",
        ]);
        expect(started).toMatchObject({ status: 0 });
        try {
            const own = await runDoctor({ stack: "test-doctor", projectDir: PROJECT_DIR, config });
            expect(byId(own, "ports.ok").message).toBe(
                `ports on 127.0.0.1: 29200 (registry, registryPort) free, 29280 (app replica 0, appPort) held by this lab (container ${name})`,
            );
            expect(own.exitCode).toBe(0);

            const other = await runDoctor({ stack: "test-doctor-other", projectDir: PROJECT_DIR, config });
            expect(byId(other, "ports.29280").message).toMatch(
                new RegExp(
                    `^port 29280 on 127\\.0\\.0\\.1 \\(app replica 0, appPort\\) is in use by container ${name}, not part of this lab: fix: docker stop ${name}, or LAB_STACK=test-doctor-other npm run config -- set appPort \\d+$`,
                ),
            );
            expect(other.exitCode).toBe(DOCTOR_EXIT_CODES.ports);
        } finally {
            await docker(["rm", "--force", name]);
        }
    });

    test("everything fine: free ports, images present, exit code 0", async () => {
        const result = await runDoctor({
            stack: "test-doctor",
            projectDir: PROJECT_DIR,
            config: { ...images, appPort: "29180", registryPort: "29100" },
        });
        expect(result.findings.filter((f) => !f.ok)).toEqual([]);
        expect(result.exitCode).toBe(0);
        expect(byId(result, "engine.version").message).toMatch(/^Docker server \S+, API \d+\.\d+$/);
        expect(byId(result, "disk.free").message).toMatch(/GiB free at /);
        expect(byId(result, "images.baseImage").message).toBe(`baseImage ${images.baseImage} is present on the engine`);
        expect(byId(result, "images.registryImage").message).toBe(`registryImage ${images.registryImage} is present on the engine`);
    });
});

/** The pid of a process that has certainly ended: `true`, waited for. */
function deadPid(): Promise<number> {
    return new Promise((resolve, reject) => {
        const child = spawn("true", { stdio: "ignore" });
        child.once("error", reject);
        child.once("exit", () => (child.pid ? resolve(child.pid) : reject(new Error("true has no pid"))));
    });
}

describeLive("doctor on the real machine: the Pulumi state an interrupted update leaves", () => {
    const images = liveImages();
    // Unique per run: a test-* stack, so the live suite's set-up removes what an interrupted run leaves.
    const stack = `test-doctor-state-${process.pid}`;
    const config = { ...images, appPort: "29380", registryPort: "29300" };
    const cancel = `LAB_STACK=${stack} npm run pulumi -- cancel --yes`;
    let project: string;
    let bookkeeping: string;
    // The real probes, with the project's default backend (<project>/.pulumi-state) whatever the caller's environment says.
    const probes = () => realProbes({ ...process.env, PULUMI_BACKEND_URL: undefined });
    const doctorHere = () => runDoctor({ stack, projectDir: project, config, probes: probes() });

    /** Writes a lock file as the real CLI does: <state>/.pulumi/locks/organization/<project>/<stack>/<uuid>.json. */
    function writeLock(content: Record<string, unknown>): void {
        const dir = path.join(bookkeeping, "locks", "organization", PROJECT_NAME, stack);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "0b6f7a52-5d1e-4c1a-9d0e-7f3b2a1c9e8d.json"), JSON.stringify(content));
        fs.writeFileSync(path.join(dir, "0b6f7a52-5d1e-4c1a-9d0e-7f3b2a1c9e8d.json.attrs"), "{}");
    }

    beforeEach(() => {
        project = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-doctor-state-"));
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
        bookkeeping = path.join(project, ".pulumi-state", ".pulumi");
    });

    afterEach(() => {
        fs.rmSync(project, { recursive: true, force: true });
    });

    test("a lock whose process is gone on this host: state.lock with its commands, exit code 15", async () => {
        const pid = await deadPid();
        writeLock({ pid, username: os.userInfo().username, hostname: os.hostname(), timestamp: "2026-11-28T10:57:49.42Z" });
        const result = await doctorHere();
        expect(result.findings.filter((f) => !f.ok)).toEqual([
            {
                id: "state.lock",
                ok: false,
                klass: "state",
                message: `stack ${stack} is locked by an update that is no longer running (pid ${pid} on ${os.hostname()}, since 2026-11-28T10:57:49Z; it was interrupted): fix: ${cancel}, then LAB_STACK=${stack} npm run up`,
                commands: [cancel, `LAB_STACK=${stack} npm run up`],
            },
        ]);
        expect(result.exitCode).toBe(15);
    });

    test("a lock whose process runs on this host: busy; the same pid with a lock older than the process: stale", async () => {
        writeLock({ pid: process.pid, hostname: os.hostname(), timestamp: new Date().toISOString() });
        const busy = await doctorHere();
        expect(byId(busy, "state.busy").message).toBe(
            `another pulumi (pid ${process.pid}) is updating stack ${stack} right now: wait for it to finish`,
        );
        expect(busy.exitCode).toBe(15);

        // ps tells when this process started: long after a lock of 2001, so that pid was reused.
        writeLock({ pid: process.pid, hostname: os.hostname(), timestamp: "2001-01-01T00:00:00Z" });
        const reused = await doctorHere();
        expect(byId(reused, "state.lock").message).toMatch(
            new RegExp(
                `\\(pid ${process.pid} on \\S+, since 2001-01-01T00:00:00Z, and pid ${process.pid} is now another program, started \\d{4}-`,
            ),
        );
        expect(byId(reused, "state.lock").commands).toEqual([cancel, `LAB_STACK=${stack} npm run up`]);
    });

    test("a checkpoint save killed half-way: its commands, run from the project root, leave a checkpoint Pulumi can read", async () => {
        const dir = path.join(bookkeeping, "stacks", PROJECT_NAME);
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${stack}.json`);
        const whole = (pending: unknown[]) =>
            JSON.stringify({ version: 3, checkpoint: { stack, latest: { manifest: {}, resources: [], pending_operations: pending } } });
        fs.writeFileSync(file, whole([]));
        fs.writeFileSync(`${file}.attrs`, "");
        const newer = whole([
            { type: "updating", resource: { urn: `urn:pulumi:${stack}::${PROJECT_NAME}::docker:index/image:Image::lab-image-build` } },
        ]);
        fs.writeFileSync(`${file}.18ec31bc5f9a9cd4.tmp`, newer);

        const broken = await doctorHere();
        const repair = byId(broken, "state.checkpoint");
        expect(repair.commands).toEqual([
            `rm .pulumi-state/.pulumi/stacks/${PROJECT_NAME}/${stack}.json.attrs`,
            `mv .pulumi-state/.pulumi/stacks/${PROJECT_NAME}/${stack}.json.18ec31bc5f9a9cd4.tmp .pulumi-state/.pulumi/stacks/${PROJECT_NAME}/${stack}.json`,
            `LAB_STACK=${stack} npm run up`,
        ]);
        expect(broken.exitCode).toBe(15);
        for (const command of repair.commands?.filter((c) => c !== `LAB_STACK=${stack} npm run up`) ?? []) {
            execFileSync("sh", ["-c", command], { cwd: project });
        }
        expect(fs.readFileSync(file, "utf8")).toBe(newer);
        expect(fs.existsSync(`${file}.attrs`)).toBe(false);
        const repaired = await doctorHere();
        expect(repaired.findings.some((f) => f.id === "state.checkpoint")).toBe(false);
        expect(byId(repaired, "state.pending").message).toBe("1 interrupted operation (updating lab-image-build); npm run up redoes it");
    });

    test("an interrupted container create whose container exists: state.orphan with docker rm -f; gone once removed", async () => {
        const replica = replicasOf(labSpec(config, stack))[0];
        const { name } = replica;
        await docker(["rm", "--force", name]);
        const created = await docker([
            "create",
            "--name",
            name,
            ...[LABEL.managed, LABEL.instance].flatMap((key) => ["--label", `${key}=${replica.labels[key]}`]),
            images.baseImage,
            "node",
            "-e",
            "",
        ]);
        expect(created).toMatchObject({ status: 0 });
        try {
            const dir = path.join(bookkeeping, "stacks", PROJECT_NAME);
            fs.mkdirSync(dir, { recursive: true });
            const checkpoint = {
                version: 3,
                checkpoint: {
                    stack: `organization/${PROJECT_NAME}/${stack}`,
                    latest: {
                        manifest: {},
                        resources: [],
                        pending_operations: [
                            {
                                resource: {
                                    urn: `urn:pulumi:${stack}::${PROJECT_NAME}::docker-lab:lab:Replicas$docker:index/container:Container::lab-app-0`,
                                    custom: true,
                                    type: "docker:index/container:Container",
                                    inputs: { name },
                                },
                                type: "creating",
                            },
                        ],
                    },
                },
            };
            fs.writeFileSync(path.join(dir, `${stack}.json`), JSON.stringify(checkpoint));
            const orphan = await doctorHere();
            expect(orphan.findings.filter((f) => !f.ok)).toEqual([
                {
                    id: "state.orphan",
                    ok: false,
                    klass: "state",
                    message: `container ${name} was created by an interrupted update but Pulumi's state does not track it: fix: docker rm -f ${name}, then LAB_STACK=${stack} npm run up`,
                    commands: [`docker rm -f ${name}`, `LAB_STACK=${stack} npm run up`],
                },
            ]);
            expect(orphan.exitCode).toBe(15);

            expect(await docker(["rm", "--force", name])).toMatchObject({ status: 0 });
            const redo = await doctorHere();
            expect(byId(redo, "state.pending").message).toBe("1 interrupted operation (creating lab-app-0); npm run up redoes it");
            expect(redo.exitCode).toBe(0);
        } finally {
            await docker(["rm", "--force", name]);
        }
    });
});
