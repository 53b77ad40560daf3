import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    DOCTOR_EXIT_CODES,
    type DoctorFinding,
    formatFindings,
    MIN_FREE_BYTES,
    parseDoctorArgs,
    preflight,
    publishedHostPorts,
    runDoctor,
} from "../../../tools/doctor";
import {
    BASE,
    byId,
    DEFAULT_SOCKET,
    doctor,
    type FakeWorld,
    fake,
    HOME,
    INSTANCE,
    MiB,
    OFFLINE_BASE,
    OFFLINE_REGISTRY,
    PROJECT_DIR,
    problems,
    REGISTRY,
    STACK,
    world,
} from "./doctorFake";

// Every check of the doctor against a fake machine (./doctorFake.ts). The state checks are in doctorState.test.ts.

describe("doctor: everything fine", () => {
    test("every check passes, exit code 0, one line each", async () => {
        const result = await doctor(world());
        expect(problems(result)).toEqual([]);
        expect(result.exitCode).toBe(0);
        expect(result.findings.map((f) => f.id)).toEqual([
            "node.version",
            "config.valid",
            "state.lock",
            "engine.endpoint",
            "engine.version",
            "engine.store",
            "ports.ok",
            "disk.free",
            "images.baseImage",
            "images.registryImage",
        ]);
        const text = formatFindings(result.findings);
        const lines = text.split("\n");
        expect(lines).toHaveLength(result.findings.length + 1);
        expect(lines.slice(0, -1).every((l) => l.startsWith("✓ "))).toBe(true);
        expect(lines.at(-1)).toBe(`doctor: all ${result.findings.length} checks passed; exit code 0`);
    });
});

describe("doctor: Node.js", () => {
    test("Node 18 is a node problem with the fix, exit code node", async () => {
        const result = await doctor(world({ node: "v18.19.0" }));
        const node = byId(result, "node.version");
        expect(node.ok).toBe(false);
        expect(node.klass).toBe("node");
        expect(node.message).toMatch(/^Node\.js v18\.19\.0 is too old: docker-lab needs Node\.js 20 or newer; fix: install Node\.js 22/);
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.node);
    });

    test("Node 20 passes and is named", async () => {
        const node = byId(await doctor(world({ node: "v20.0.0" })), "node.version");
        expect(node).toEqual({ id: "node.version", ok: true, klass: "node", message: "Node.js v20.0.0 (20 or newer is needed)" });
    });
});

describe("doctor: engine discovery", () => {
    test("DOCKER_HOST is preferred over the docker context and named", async () => {
        const tcp = "tcp://127.0.0.1:2375";
        const result = await doctor(
            world({
                env: { DOCKER_HOST: tcp },
                engines: { [tcp]: { version: "27.3.1", api: "1.47" } },
                context: { name: "desktop-linux", host: `unix://${HOME}/.docker/desktop/docker.sock` },
            }),
        );
        expect(byId(result, "engine.endpoint").message).toBe(`Docker engine at ${tcp}, from DOCKER_HOST`);
        expect(byId(result, "engine.version").message).toBe("Docker server 27.3.1, API 1.47");
        expect(result.calls.some((c) => c.args[0] === "context")).toBe(false);
        expect(result.calls.every((c) => c.env.DOCKER_HOST === tcp)).toBe(true);
        expect(result.exitCode).toBe(0);
    });

    test("the stack's dockerHost config wins over DOCKER_HOST, and every docker call uses it", async () => {
        const configured = `unix://${HOME}/.colima/default/docker.sock`;
        const result = await doctor(
            world({ env: { DOCKER_HOST: "tcp://10.0.0.9:2375" }, engines: { [configured]: { version: "26.1.4", api: "1.45" } } }),
            { dockerHost: configured },
        );
        expect(byId(result, "engine.endpoint").message).toBe(`Docker engine at ${configured} (Colima), from the stack's dockerHost config`);
        expect(result.calls.length).toBeGreaterThan(0);
        expect(result.calls.every((c) => c.env.DOCKER_HOST === configured)).toBe(true);
    });

    test("without DOCKER_HOST the current docker context's endpoint is used and named", async () => {
        const colima = `${HOME}/.colima/default/docker.sock`;
        const result = await doctor(
            world({
                sockets: [DEFAULT_SOCKET, colima],
                context: { name: "colima", host: `unix://${colima}` },
                engines: { [`unix://${colima}`]: { version: "27.4.0", api: "1.47" } },
            }),
        );
        expect(result.calls[0].args).toEqual(["context", "inspect", "--format", "{{.Name}} {{.Endpoints.docker.Host}}"]);
        expect(byId(result, "engine.endpoint").message).toBe(
            `Docker engine at unix://${colima} (Colima), from the docker context "colima"`,
        );
        // The provider ignores contexts; /var/run/docker.sock exists, so this is a note, not a problem.
        const note = byId(result, "engine.context");
        expect(note.ok).toBe(true);
        expect(note.message).toContain(`export DOCKER_HOST=unix://${colima}`);
        expect(byId(result, "engine.sockets").message).toContain(`${DEFAULT_SOCKET} (the standard socket of Docker Engine)`);
        expect(result.exitCode).toBe(0);
    });

    test("a context elsewhere with no /var/run/docker.sock is a problem: the lab's provider would miss the engine", async () => {
        const desktop = `${HOME}/.docker/run/docker.sock`;
        const result = await doctor(
            world({
                sockets: [desktop],
                context: { name: "desktop-linux", host: `unix://${desktop}` },
                engines: { [`unix://${desktop}`]: { version: "28.0.1", api: "1.48" } },
            }),
        );
        const problem = byId(result, "engine.context");
        expect(problem.ok).toBe(false);
        expect(problem.message).toBe(
            `the docker context "desktop-linux" points at unix://${desktop}, but the lab's Docker provider ignores the current context and unix:///var/run/docker.sock does not exist: fix: export DOCKER_HOST=unix://${desktop} (or LAB_STACK=doctortest npm run config -- set dockerHost unix://${desktop})`,
        );
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.engine);
    });

    test("DOCKER_CONTEXT set: the provider follows it, no context finding", async () => {
        const colima = `${HOME}/.colima/default/docker.sock`;
        const result = await doctor(
            world({
                env: { DOCKER_CONTEXT: "colima" },
                sockets: [colima],
                context: { name: "colima", host: `unix://${colima}` },
                engines: { [`unix://${colima}`]: { version: "28.0.1", api: "1.48" } },
            }),
        );
        expect(result.findings.some((f) => f.id === "engine.context")).toBe(false);
        expect(result.exitCode).toBe(0);
    });

    test("no usable context: the platform default socket", async () => {
        const result = await doctor(world({ context: null }));
        expect(byId(result, "engine.endpoint").message).toBe(
            "Docker engine at unix:///var/run/docker.sock (the standard socket of Docker Engine), the platform default",
        );
    });

    // The engine at the default address is down; one of the usual sockets exists and answers.
    const usual: [string, string, Partial<FakeWorld>][] = [
        ["Docker Desktop", `${HOME}/.docker/run/docker.sock`, {}],
        ["Docker Desktop for Linux", `${HOME}/.docker/desktop/docker.sock`, {}],
        ["rootless Docker", "/run/user/1000/docker.sock", { env: { XDG_RUNTIME_DIR: "/run/user/1000" }, uid: undefined }],
        ["rootless Docker", "/run/user/1234/docker.sock", { env: {}, uid: 1234 }],
        ["Colima", `${HOME}/.colima/default/docker.sock`, {}],
        ["Colima", `${HOME}/.colima/docker.sock`, {}],
        ["Rancher Desktop", `${HOME}/.rd/docker.sock`, {}],
        ["OrbStack", `${HOME}/.orbstack/run/docker.sock`, {}],
    ];
    test.each(usual)("engine down, %s socket at %s found: suggests export DOCKER_HOST", async (name, socket, extra) => {
        const result = await doctor(
            world({ sockets: [socket], engines: { [`unix://${socket}`]: { version: "28.0.1", api: "1.48" } }, ...extra }),
        );
        const down = byId(result, "engine.down");
        expect(down.ok).toBe(false);
        expect(down.message).toBe(
            `no Docker engine answers at unix:///var/run/docker.sock (the standard socket of Docker Engine), from the docker context "default" (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?): fix: export DOCKER_HOST=unix://${socket} (an engine answers there: ${name})`,
        );
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.engine);
    });

    test.each(usual)("engine up at %s socket %s: named as the engine found", async (name, socket, extra) => {
        const result = await doctor(
            world({
                env: { ...extra.env, DOCKER_HOST: `unix://${socket}` },
                uid: extra.uid ?? 1000,
                sockets: [socket],
                engines: { [`unix://${socket}`]: { version: "28.0.1", api: "1.48" } },
            }),
        );
        expect(byId(result, "engine.endpoint").message).toBe(`Docker engine at unix://${socket} (${name}), from DOCKER_HOST`);
    });

    test("engine down and the other socket does not answer either: start Docker, and the socket is named", async () => {
        const colima = `${HOME}/.colima/default/docker.sock`;
        const result = await doctor(world({ env: { DOCKER_HOST: "unix:///tmp/gone.sock" }, sockets: [colima], engines: {} }));
        expect(byId(result, "engine.down").message).toBe(
            `no Docker engine answers at unix:///tmp/gone.sock, from DOCKER_HOST (Cannot connect to the Docker daemon at unix:///tmp/gone.sock. Is the docker daemon running?): fix: start Docker (Docker Desktop, colima start, or sudo systemctl start docker), or unset DOCKER_HOST; also found ${colima} (Colima), not answering either`,
        );
    });

    test("configured dockerHost down with an answering socket: suggests npm run config -- set dockerHost", async () => {
        const result = await doctor(world({ engines: { [`unix://${DEFAULT_SOCKET}`]: { version: "28.0.1", api: "1.48" } } }), {
            dockerHost: "unix:///tmp/old.sock",
        });
        expect(byId(result, "engine.down").message).toMatch(
            /fix: LAB_STACK=doctortest npm run config -- set dockerHost unix:\/\/\/var\/run\/docker\.sock \(an engine answers there: the standard socket of Docker Engine\)$/,
        );
    });

    test("engine down: ports, disk and images are skipped with one finding, and nothing is probed", async () => {
        const result = await doctor(world({ engines: {} }));
        expect(result.findings.map((f) => f.id)).toEqual(["node.version", "config.valid", "state.lock", "engine.down", "engine.skipped"]);
        expect(byId(result, "engine.skipped").message).toBe(
            "ports, disk space and images not checked: the Docker engine does not answer (fix it first)",
        );
        expect(result.calls.map((c) => c.args[0])).toEqual(["context", "version"]);
        expect(result.portProbes).toEqual([]);
    });

    test("permission denied on the socket: usermod fix", async () => {
        const result = await doctor(world({ engines: { [`unix://${DEFAULT_SOCKET}`]: "permission-denied" } }));
        const denied = byId(result, "engine.permission");
        expect(denied.ok).toBe(false);
        expect(denied.message).toMatch(
            /^no permission to use the Docker engine at unix:\/\/\/var\/run\/docker\.sock .*fix: sudo usermod -aG docker \$USER/,
        );
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.engine);
    });

    test("no docker CLI: engine problem naming PATH", async () => {
        const result = await doctor(world({ dockerMissing: true }));
        expect(byId(result, "engine.cli").message).toMatch(/^the docker CLI is not on PATH: fix: install Docker/);
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.engine);
    });
});

describe("doctor: server and API version", () => {
    test("API 1.41 (Docker 20.10): informational note about start_interval, still ok", async () => {
        const result = await doctor(world({ engines: { [`unix://${DEFAULT_SOCKET}`]: { version: "20.10.24+dfsg1", api: "1.41" } } }));
        expect(byId(result, "engine.version").message).toBe("Docker server 20.10.24+dfsg1, API 1.41");
        const note = byId(result, "engine.api");
        expect(note.ok).toBe(true);
        expect(note.message).toBe(
            "note: API 1.41 < 1.44, so healthcheck start_interval is not available; the lab does not use it (2 s interval), nothing to do",
        );
        expect(result.exitCode).toBe(0);
    });

    test("API 1.44 and newer: no start_interval note", async () => {
        const result = await doctor(world({ engines: { [`unix://${DEFAULT_SOCKET}`]: { version: "25.0.0", api: "1.44" } } }));
        expect(result.findings.some((f) => f.id === "engine.api")).toBe(false);
    });

    test("API 1.40 (Docker 19.03) is older than the lab supports", async () => {
        const result = await doctor(world({ engines: { [`unix://${DEFAULT_SOCKET}`]: { version: "19.03.15", api: "1.40" } } }));
        const version = byId(result, "engine.version");
        expect(version.ok).toBe(false);
        expect(version.message).toMatch(/^Docker 19\.03\.15 \(API 1\.40\) is older than Docker 20\.10 .*fix: upgrade Docker/);
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.engine);
    });
});

describe("doctor: ports", () => {
    test("free ports: one ok line naming each port and its role", async () => {
        const result = await doctor(world(), { appPort: "29080", registryPort: "29000", replicas: "2" });
        expect(byId(result, "ports.ok").message).toBe(
            "ports on 127.0.0.1: 29000 (registry, registryPort) free, 29080 (app replica 0, appPort) free, 29081 (app replica 1, appPort + 1) free",
        );
        expect(result.portProbes.slice(0, 3)).toEqual([29000, 29080, 29081]);
    });

    test("a port held by this lab's own container is fine", async () => {
        const result = await doctor(
            world({
                busy: [8080],
                containers: [{ name: `${INSTANCE}-app-0`, instance: INSTANCE, ports: "127.0.0.1:8080->8080/tcp" }],
            }),
        );
        expect(byId(result, "ports.ok").message).toContain(`8080 (app replica 0, appPort) held by this lab (container ${INSTANCE}-app-0)`);
        expect(result.exitCode).toBe(0);
    });

    test("a port held by another container (another lab too) names it and a free alternative", async () => {
        const result = await doctor(
            world({
                busy: [8081],
                containers: [
                    { name: `${INSTANCE}-app-0`, instance: INSTANCE, ports: "127.0.0.1:8080->8080/tcp" },
                    { name: "docker-lab-other-app-0", instance: "docker-lab-other", ports: "0.0.0.0:8081->8080/tcp, :::8081->8080/tcp" },
                ],
            }),
        );
        const taken = byId(result, "ports.8081");
        expect(taken).toEqual({
            id: "ports.8081",
            ok: false,
            klass: "ports",
            message:
                "port 8081 on 127.0.0.1 (app replica 1, appPort + 1) is in use by container docker-lab-other-app-0, not part of this lab: fix: docker stop docker-lab-other-app-0, or LAB_STACK=doctortest npm run config -- set appPort 8082",
        });
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.ports);
    });

    test("a port held by another program: lsof hint and the next free registry port", async () => {
        const result = await doctor(world({ busy: [5000, 5001] }));
        expect(byId(result, "ports.5000").message).toBe(
            "port 5000 on 127.0.0.1 (registry, registryPort) is in use by another program: fix: stop it (find it with lsof -i :5000 or ss -ltnp), or LAB_STACK=doctortest npm run config -- set registryPort 5002",
        );
        expect(result.findings.some((f) => f.id === "ports.8080" || f.id === "ports.8081")).toBe(false);
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.ports);
    });

    test("the suggested appPort skips busy ports and the registry port", async () => {
        const result = await doctor(world({ busy: [8080, 8083] }), { registryPort: "8082" });
        expect(byId(result, "ports.8080").message).toMatch(/LAB_STACK=doctortest npm run config -- set appPort 8084$/);
    });

    test("two busy app ports: one search for a free appPort, suggested in both findings", async () => {
        const result = await doctor(world({ busy: [29080, 29081] }), { appPort: "29080", registryPort: "29000", replicas: "2" });
        expect(byId(result, "ports.29080").message).toMatch(/LAB_STACK=doctortest npm run config -- set appPort 29082$/);
        expect(byId(result, "ports.29081").message).toMatch(/LAB_STACK=doctortest npm run config -- set appPort 29082$/);
        expect(result.portProbes).toEqual([29000, 29080, 29081, 29082, 29083]);
    });

    test("bindAddress that is not an address of this machine: one problem", async () => {
        const result = await doctor(world({ portState: "no-such-address" }), { bindAddress: "10.9.8.7" });
        expect(problems(result)).toEqual([
            {
                id: "ports.address",
                ok: false,
                klass: "ports",
                message:
                    "bindAddress 10.9.8.7 is not an address of this machine, so no port can be published on it: fix: LAB_STACK=doctortest npm run config -- set bindAddress 127.0.0.1 (or 0.0.0.0 for all interfaces)",
            },
        ]);
    });

    test("remote engine: ports and disk are the remote host's, not checked here", async () => {
        const remote = "ssh://learner@lab-host";
        const result = await doctor(world({ env: { DOCKER_HOST: remote }, engines: { [remote]: { version: "28.0.1", api: "1.48" } } }));
        expect(byId(result, "ports.remote").ok).toBe(true);
        expect(byId(result, "disk.remote").message).toContain(remote);
        expect(result.portProbes).toEqual([]);
        expect(result.exitCode).toBe(0);
    });
});

describe("doctor: disk", () => {
    test("low disk where the engine keeps its data: disk problem with prune fix and exit code disk", async () => {
        const result = await doctor(world({ free: { "/var/lib/docker": 300 * MiB } }));
        expect(byId(result, "disk.free")).toEqual({
            id: "disk.free",
            ok: false,
            klass: "disk",
            message:
                "only 300 MiB free at /var/lib/docker (Docker's data directory), the lab needs at least 1.0 GiB to build and pull: fix: docker system prune (removes stopped containers, unused networks, dangling images and build cache), or free space on that disk",
        });
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.disk);
    });

    test("exactly the minimum is enough", async () => {
        const result = await doctor(world({ free: { "/var/lib/docker": MIN_FREE_BYTES } }));
        expect(byId(result, "disk.free").ok).toBe(true);
    });

    test("data directory not on this machine (VM): measured at the temp dir, and said so", async () => {
        const result = await doctor(world({ free: { "/tmp": 200 * MiB } }));
        const disk = byId(result, "disk.free");
        expect(disk.ok).toBe(false);
        expect(disk.message).toMatch(/^only 200 MiB free at \/tmp \(Docker's data directory \/var\/lib\/docker is not on this machine/);
    });
});

describe("doctor: images", () => {
    test("present images are ok", async () => {
        const result = await doctor(world());
        expect(byId(result, "images.baseImage").message).toBe(`baseImage ${BASE} is present on the engine`);
        expect(byId(result, "images.registryImage").message).toBe(`registryImage ${REGISTRY} is present on the engine`);
    });

    test("missing but pullable: ok, will be pulled", async () => {
        const result = await doctor(world({ images: [REGISTRY], pullable: [BASE] }));
        const base = byId(result, "images.baseImage");
        expect(base.ok).toBe(true);
        expect(base.message).toBe(`baseImage ${BASE} is not on the engine yet; its registry has it, so up will pull it`);
        expect(result.calls.some((c) => c.args.join(" ") === `manifest inspect ${BASE}`)).toBe(true);
        expect(result.exitCode).toBe(0);
    });

    test("missing and not pullable, offline image present: suggests selecting it", async () => {
        const result = await doctor(world({ images: [REGISTRY, OFFLINE_BASE] }));
        expect(byId(result, "images.baseImage")).toEqual({
            id: "images.baseImage",
            ok: false,
            klass: "images",
            message: `baseImage ${BASE} is not on the engine and cannot be pulled (lookup registry.invalid: no such host): fix: LAB_STACK=doctortest npm run config -- set baseImage ${OFFLINE_BASE} (the air-gapped image is on the engine), or docker pull ${BASE} where the network allows`,
        });
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.images);
    });

    test("missing and not pullable, no offline image: build them", async () => {
        const result = await doctor(world({ images: [BASE] }));
        expect(byId(result, "images.registryImage").message).toBe(
            `registryImage ${REGISTRY} is not on the engine and cannot be pulled (lookup registry.invalid: no such host): fix: docker pull ${REGISTRY} where the network allows, or build the air-gapped images (bash scripts/offline-images.sh) and LAB_STACK=doctortest npm run config -- set registryImage ${OFFLINE_REGISTRY}`,
        );
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.images);
    });

    test("the offline image itself missing: run the offline script", async () => {
        const result = await doctor(world({ images: [OFFLINE_BASE] }), { baseImage: OFFLINE_BASE, registryImage: OFFLINE_REGISTRY });
        expect(byId(result, "images.baseImage").ok).toBe(true);
        expect(byId(result, "images.registryImage").message).toMatch(/fix: build the air-gapped images: bash scripts\/offline-images\.sh$/);
    });
});

describe("doctor: config", () => {
    test("invalid config: one config finding per problem, exit code 2, and no docker call at all", async () => {
        const result = await doctor(world(), { replicas: "0", appPort: "99999" });
        const config = problems(result).filter((f) => f.id !== "config.skipped");
        expect(config.map((f) => f.klass)).toEqual(["config", "config"]);
        expect(config[0].message).toMatch(/^config: replicas = "0": must be a whole number from 1 to 20/);
        expect(config[1].message).toMatch(/^config: appPort = "99999": must be a whole number from 1 to 65535/);
        expect(byId(result, "config.skipped").message).toContain("fix the config first");
        expect(result.exitCode).toBe(2);
        expect(result.calls).toEqual([]);
        expect(result.portProbes).toEqual([]);
    });

    test("the skipped-checks line is printed but not counted: two config errors are 2 problems", async () => {
        const result = await doctor(world(), { replicas: "0", appPort: "99999" });
        const lines = formatFindings(result.findings, { problemsOnly: true }).split("\n");
        expect(lines).toHaveLength(4);
        expect(lines[2]).toMatch(/^✗ Pulumi state, Docker engine, ports, disk space and images not checked: fix the config first/);
        expect(lines[3]).toBe("doctor: 2 problems (config); exit code 2 (config)");
    });

    test("engine down: the skipped-checks line is not counted as a second problem", async () => {
        const result = await doctor(world({ engines: {} }));
        const lines = formatFindings(result.findings).split("\n");
        expect(lines.at(-2)).toBe("✗ ports, disk space and images not checked: the Docker engine does not answer (fix it first)");
        expect(lines.at(-1)).toBe("doctor: 1 problem (engine); exit code 11 (engine)");
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.engine);
    });

    test("a stack name Docker cannot use is a config problem", async () => {
        const f = fake(world());
        const result = await runDoctor({ stack: "Bad--Name!", projectDir: PROJECT_DIR, probes: f.probes, config: {} });
        expect(byId(result, "config.1").message).toMatch(/^config: stack Bad--Name!: .*Docker cannot use/);
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.config);
        expect(f.calls).toEqual([]);
    });

    test("reads Pulumi.<stack>.yaml of the project when no config is given", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-doctor-"));
        try {
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            fs.writeFileSync(
                path.join(dir, "Pulumi.s1.yaml"),
                'config:\n  docker-lab:registryPort: "29500"\n  docker-lab:appPort: "29500"\n',
            );
            const f = fake(world());
            const bad = await runDoctor({ stack: "s1", projectDir: dir, probes: f.probes });
            expect(byId(bad, "config.1").message).toMatch(/^config: registryPort = 29500: overlaps the app ports 29500\.\.29501/);
            fs.writeFileSync(path.join(dir, "Pulumi.s2.yaml"), 'config:\n  docker-lab:appPort: "29580"\n');
            const good = await runDoctor({ stack: "s2", projectDir: dir, probes: fake(world()).probes });
            expect(byId(good, "config.valid").message).toBe("config of stack s2 is valid (Pulumi.s2.yaml)");
            expect(byId(good, "ports.ok").message).toContain("29580 (app replica 0, appPort) free");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("doctor: several classes, output, preflight, CLI", () => {
    test("several classes fail: the lowest code wins and the summary says which", async () => {
        const result = await doctor(world({ node: "v18.20.4", busy: [8080], free: { "/var/lib/docker": 10 * MiB }, images: [REGISTRY] }));
        expect([...new Set(problems(result).map((f) => f.klass))]).toEqual(["node", "ports", "disk", "images"]);
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.node);
        expect(formatFindings(result.findings).split("\n").at(-1)).toBe(
            "doctor: 4 problems (node, ports, disk, images); exit code 10 (node)",
        );
    });

    test("config and node together: exit code 2", async () => {
        const result = await doctor(world({ node: "v16.20.0" }), { memoryLimitMb: "1" });
        expect(result.exitCode).toBe(2);
    });

    test("exit codes are distinct and non-zero", () => {
        const codes = Object.values(DOCTOR_EXIT_CODES);
        expect(new Set(codes).size).toBe(codes.length);
        expect(codes.every((c) => c > 1)).toBe(true);
    });

    test("every message is one line, even from multi-line docker errors", async () => {
        const result = await doctor(world({ images: [], manifestError: "error one\nsecond line: more\n\tthird" }));
        expect(result.findings.every((f) => !f.message.includes("\n") && f.message.length > 0)).toBe(true);
        expect(byId(result, "images.baseImage").message).toContain("(error one)");
        const lines = formatFindings(result.findings).split("\n");
        expect(lines.filter((l) => l.startsWith("✗ "))).toHaveLength(2);
    });

    test("formatFindings problemsOnly shows only the problems and the summary", () => {
        const findings: DoctorFinding[] = [
            { id: "a", ok: true, klass: "node", message: "fine" },
            { id: "b", ok: false, klass: "disk", message: "full" },
        ];
        expect(formatFindings(findings, { problemsOnly: true })).toBe("✗ full\ndoctor: 1 problem (disk); exit code 13 (disk)");
    });

    test("preflight writes the problems and returns the code; silent when all is well", async () => {
        const written: string[] = [];
        const code = await preflight({
            stack: STACK,
            projectDir: PROJECT_DIR,
            probes: fake(world({ busy: [5000] })).probes,
            config: {},
            write: (t) => written.push(t),
        });
        expect(code).toBe(DOCTOR_EXIT_CODES.ports);
        expect(written.join("\n")).toMatch(/preflight found problems[\s\S]*✗ port 5000 on 127\.0\.0\.1[\s\S]*exit code 12 \(ports\)$/);
        expect(written.join("\n")).not.toContain("✓");
        const quiet: string[] = [];
        expect(
            await preflight({
                stack: STACK,
                projectDir: PROJECT_DIR,
                probes: fake(world()).probes,
                config: {},
                write: (t) => quiet.push(t),
            }),
        ).toBe(0);
        expect(quiet).toEqual([]);
    });

    test("progress messages name each step", async () => {
        const steps: string[] = [];
        await runDoctor({
            stack: STACK,
            projectDir: PROJECT_DIR,
            probes: fake(world()).probes,
            config: {},
            onProgress: (m) => steps.push(m),
        });
        expect(steps).toEqual([
            "checking Node.js…",
            `checking the config of stack ${STACK}…`,
            `checking the Pulumi state of stack ${STACK}…`,
            "checking the Docker engine…",
            "checking ports on 127.0.0.1…",
            "checking free disk space…",
            "checking images…",
        ]);
    });

    test("publishedHostPorts reads single ports, ranges and IPv6", () => {
        expect(publishedHostPorts("127.0.0.1:8080->8080/tcp, :::8081->8080/tcp, 0.0.0.0:9000-9002->9000-9002/tcp, 5000/tcp")).toEqual([
            8080, 8081, 9000, 9001, 9002,
        ]);
    });

    test("CLI arguments: --stack, --stack=, LAB_STACK, --json, one line per mistake", () => {
        expect(parseDoctorArgs([], {})).toEqual({ stack: "dev", json: false });
        expect(parseDoctorArgs([], { LAB_STACK: "class1" })).toEqual({ stack: "class1", json: false });
        expect(parseDoctorArgs(["--stack", "s9", "--json"], { LAB_STACK: "class1" })).toEqual({ stack: "s9", json: true });
        expect(parseDoctorArgs(["--stack=s8"], {})).toEqual({ stack: "s8", json: false });
        expect(parseDoctorArgs(["--json", "--stack", "-s7"], {})).toEqual({ stack: "-s7", json: true });
        expect(parseDoctorArgs(["--stack"], {})).toBe("--stack needs a value: --stack NAME");
        expect(parseDoctorArgs(["--stack", "--json"], {})).toBe("--stack needs a value: --stack NAME");
        expect(parseDoctorArgs(["--stack="], {})).toBe("--stack needs a value: --stack NAME");
        expect(parseDoctorArgs(["--verbose"], {})).toBe('unknown option "--verbose": use --stack NAME, --json');
        expect(parseDoctorArgs(["s9"], {})).toBe('unexpected argument "s9": use --stack NAME, --json');
        expect(parseDoctorArgs(["--json=true"], {})).toBe("--json takes no value: --json");
    });
});
