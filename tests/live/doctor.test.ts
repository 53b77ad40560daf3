import * as net from "node:net";
import * as path from "node:path";
import { docker } from "../../engine";
import { hostPort, LABEL, labSpecFor } from "../../lab";
import { DOCTOR_EXIT_CODES, type DoctorFinding, type DoctorResult, formatFindings, realProbes, runDoctor } from "../../tools";
import { describeLive, liveImages } from "./engine";

// The doctor with its real probes on this machine: a port really taken, an engine really absent,
// a container of the lab really holding its port, and a machine where everything is fine.
// Ports 292xx are used by no other live test.

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
                /^port 29000 on 127\.0\.0\.1 \(registry, registryPort\) is in use by another program: fix: .*pulumi config set registryPort \d+$/,
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
        const replica = labSpecFor(config, "test-doctor").replicas[0];
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
                    `^port 29280 on 127\\.0\\.0\\.1 \\(app replica 0, appPort\\) is in use by container ${name}, not part of this lab: fix: docker stop ${name}, or pulumi config set appPort \\d+$`,
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
