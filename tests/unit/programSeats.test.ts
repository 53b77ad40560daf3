import { readAppFiles } from "../../components/modes/seats/workstation";
import {
    type ClassSpec,
    classCaCommand,
    homeFilesCommand,
    type LabSpec,
    PASS_MARKER,
    registryJoinCommands,
    renderCheckScript,
    resolveCheck,
    type SeatSpec,
    seatClientFilesCommands,
    seatsApp,
    seatTlsCommand,
} from "../../lab";
import { classSpec } from "../helpers/specs";
import { fakeDigest, named, ofType, type ProgramRun, type RecordedResource, runProgram, TYPES } from "./helpers/program";
import { mockTlsPart, seatTlsStdout } from "./helpers/seatTlsStdout";

// The program under Pulumi mocks in seats mode: every assertion is on what index.ts sent. The TLS
// commands' stdout is mocked with PEM-shaped blocks (the real openssl runs in tests/unit/lab/seatTls.test.ts).

jest.setTimeout(120_000);

const CLASS = ["alice", "bob"];
const configOf = (students: string[]) => ({ mode: "seats", students: JSON.stringify(students) });
const specOf = (students: string[]): ClassSpec => classSpec({ mode: "seats", students });

const CA = { "ca-key": mockTlsPart("class", "ca-key"), "ca-cert": mockTlsPart("class", "ca-cert") };
/** The mocked PEM of a seat's TLS part. */
const seatPart = (student: string, part: string) => mockTlsPart(student, part);

/** Mocked stdout: the class CA's and each seat's TLS parts as openssl prints them; every check passes. */
const stdoutOf = (name: string): string => {
    const tls = seatTlsStdout(name);
    if (tls) return tls;
    const check = /^lab-([a-z0-9-]+)-check-(.+)$/.exec(name);
    if (check) return `${PASS_MARKER} ${check[2]}\n`;
    return `mock stdout of ${name}`;
};

const seatOf = (lab: LabSpec): SeatSpec => seatsApp(lab.app).seat;
const labOf = (spec: ClassSpec, student: string): LabSpec => {
    const lab = spec.students.find((l) => l.student?.name === student);
    if (!lab) throw new Error(`no lab for ${student}`);
    return lab;
};
/** The name of the provider a resource was registered with ("urn::id" → its name). */
const providerName = (r: RecordedResource) => r.provider?.split("::")[3];

describe("seats mode, a class of alice and bob", () => {
    let run: ProgramRun;
    const spec = specOf(CLASS);
    beforeAll(async () => {
        run = await runProgram(configOf(CLASS), "dev", { commandStdout: stdoutOf });
    });

    test("one class CA, made by its openssl command, its stdout a secret; one TLS command per seat, fed the CA as a secret environment", () => {
        const cas = ofType(run, TYPES.command).filter((c) => c.name.endsWith("-seat-ca"));
        expect(cas.map((c) => c.name)).toEqual(["lab-seat-ca"]);
        const ca = named(run, "lab-seat-ca");
        expect(ca.inputs).toEqual({ create: classCaCommand("docker-lab-dev"), interpreter: ["/bin/sh", "-c"] });
        expect(ca.additionalSecretOutputs).toEqual(["stdout"]);
        expect(ca.parent).toBe("lab");

        expect(
            ofType(run, TYPES.command)
                .filter((c) => c.name.endsWith("-seat-tls"))
                .map((c) => c.name)
                .sort(),
        ).toEqual(["lab-alice-seat-tls", "lab-bob-seat-tls"]);
        for (const student of CLASS) {
            const tls = named(run, `lab-${student}-seat-tls`);
            expect(tls.inputs).toEqual({
                create: seatTlsCommand(seatOf(labOf(spec, student)).tls),
                interpreter: ["/bin/sh", "-c"],
                environment: { LAB_SEAT_CA_KEY: CA["ca-key"], LAB_SEAT_CA_CERT: CA["ca-cert"] },
            });
            expect(tls.inputs.create).not.toContain("BEGIN");
            expect(tls.secretInputs).toEqual(["environment"]);
            expect(tls.additionalSecretOutputs).toEqual(expect.arrayContaining(["stdout", "environment"]));
            expect(tls.dependsOn).toContain("lab-seat-ca");
            expect(tls.parent).toBe(`lab-${student}`);
        }
    });

    test("each seat: the seat image on the class's engine, TLS dockerd, exactly three capabilities and never privileged", () => {
        for (const student of CLASS) {
            const seat = seatOf(labOf(spec, student));
            const r = named(run, `lab-${student}-seat`);
            expect(r.type).toBe(TYPES.container);
            expect(providerName(r)).toBe("lab-engine");
            expect(r.inputs.name).toBe(`docker-lab-dev-${student}-seat`);
            expect(r.inputs.image).toBe("docker:28-dind");
            expect(r.inputs.capabilities).toEqual({ adds: ["CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE"] });
            expect(r.inputs).not.toHaveProperty("privileged");
            expect(r.inputs.securityOpts).toEqual(["seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"]);
            expect(r.inputs.labels).toEqual(
                expect.arrayContaining([
                    { label: "docker-lab.seat-security-opts", value: "seccomp=unconfined apparmor=unconfined systempaths=unconfined" },
                    { label: "docker-lab.student", value: student },
                    { label: "docker-lab.role", value: "seat" },
                ]),
            );
            expect(r.inputs.command).toEqual(seat.dockerdArgs);
            expect(r.inputs.command).toEqual(expect.arrayContaining(["--tlsverify", "--tlscacert=/etc/docker-lab/tls/clients-ca.pem"]));
            expect(r.inputs.entrypoints).toEqual(seat.entrypoint);
            expect(r.inputs).toMatchObject({ wait: true, waitTimeout: 120, mustRun: true, restart: "unless-stopped", cpus: "1.0" });
            expect(r.deleteBeforeReplace).toBe(true);
        }
    });

    test("each seat publishes its app ports and then its engine port on 127.0.0.1, in its own block", () => {
        expect(named(run, "lab-alice-seat").inputs.ports).toEqual([
            { internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" },
            { internal: 8081, external: 8081, ip: "127.0.0.1", protocol: "tcp" },
            { internal: 2376, external: 8082, ip: "127.0.0.1", protocol: "tcp" },
        ]);
        expect(named(run, "lab-bob-seat").inputs.ports).toEqual([
            { internal: 8083, external: 8083, ip: "127.0.0.1", protocol: "tcp" },
            { internal: 8084, external: 8084, ip: "127.0.0.1", protocol: "tcp" },
            { internal: 2376, external: 8085, ip: "127.0.0.1", protocol: "tcp" },
        ]);
    });

    test("each seat is on its own network only, at its fixed address there, its /var/lib/docker on its own volume", () => {
        for (const [student, address, subnet] of [
            ["alice", "172.16.0.2", "172.16.0.0/28"],
            ["bob", "172.16.0.18", "172.16.0.16/28"],
        ]) {
            const r = named(run, `lab-${student}-seat`);
            expect(r.inputs.networksAdvanced).toEqual([{ name: `docker-lab-dev-seat-${student}-net`, ipv4Address: address }]);
            expect(named(run, `lab-${student}-seat-network`).inputs.ipamConfigs).toEqual([
                {
                    subnet,
                    gateway: address.replace(/\d+$/, (n) => String(Number(n) - 1)),
                    ipRange: subnet.replace(/\.(\d+)\/28$/, (_, n) => `.${Number(n) + 8}/29`),
                },
            ]);
            expect(r.inputs.volumes).toEqual(
                expect.arrayContaining([{ volumeName: `docker-lab-dev-${student}-seat-data`, containerPath: "/var/lib/docker" }]),
            );
            expect(named(run, `lab-${student}-seat-network`).inputs.name).toBe(`docker-lab-dev-seat-${student}-net`);
            expect(named(run, `lab-${student}-seat-data`).inputs.name).toBe(`docker-lab-dev-${student}-seat-data`);
            expect(r.dependsOn).toEqual(
                expect.arrayContaining([`lab-${student}-seat-network`, `lab-${student}-seat-data`, `lab-${student}-seat-tls`]),
            );
            expect(r.dependsOn).not.toContain("lab-network");
        }
    });

    test("the class registry joins each seat's network before the seat pulls, again when the registry or the network is replaced", () => {
        for (const student of CLASS) {
            const join = named(run, `lab-${student}-seat-registry`);
            const commands = registryJoinCommands({
                network: { name: `docker-lab-dev-seat-${student}-net` },
                registryName: "docker-lab-dev-registry",
            });
            expect(join.inputs.create).toBe(commands.create);
            expect(join.inputs.delete).toBe(commands.delete);
            expect(join.inputs.triggers).toEqual([
                `lab-${student}-seat-network-id`,
                "lab-registry-container-id",
                "lab-registry-pids-limit-id",
            ]);
            expect(join.dependsOn).toEqual(expect.arrayContaining(["lab-registry-container", "lab-registry-pids-limit"]));
            expect(join.deleteBeforeReplace).toBe(true);
            expect(named(run, `lab-${student}-pull`).dependsOn).toContain(`lab-${student}-seat-registry`);
        }
    });

    test("each seat gets its clients CA, server certificate and key as secret uploads, and nothing else of the TLS", () => {
        for (const student of CLASS) {
            const r = named(run, `lab-${student}-seat`);
            expect(r.inputs.uploads).toEqual([
                { file: "/etc/docker-lab/tls/clients-ca.pem", content: seatPart(student, "clients-ca-cert"), permissions: "0600" },
                { file: "/etc/docker-lab/tls/server-cert.pem", content: seatPart(student, "server-cert"), permissions: "0600" },
                { file: "/etc/docker-lab/tls/server-key.pem", content: seatPart(student, "server-key"), permissions: "0600" },
            ]);
            expect(r.secretInputs).toContain("uploads");
            const sent = JSON.stringify(r.inputs);
            expect(sent).not.toContain(seatPart(student, "client-key").split("\n")[1]);
            expect(sent).not.toContain(CA["ca-key"].split("\n")[1]);
        }
    });

    test("an engine provider per seat: its engine port on 127.0.0.1, the student's client certificate and key, all secret", () => {
        const providers = ofType(run, TYPES.provider).map((p) => p.name);
        expect(providers.filter((n) => n.endsWith("-seat-engine")).sort()).toEqual(["lab-alice-seat-engine", "lab-bob-seat-engine"]);
        for (const [student, port] of [
            ["alice", 8082],
            ["bob", 8085],
        ] as const) {
            const engine = named(run, `lab-${student}-seat-engine`);
            expect(engine.inputs.host).toBe(`tcp://127.0.0.1:${port}`);
            expect(engine.inputs.caMaterial).toBe(CA["ca-cert"]);
            expect(engine.inputs.certMaterial).toBe(seatPart(student, "client-cert"));
            expect(engine.inputs.keyMaterial).toBe(seatPart(student, "client-key"));
            expect(engine.secretInputs).toEqual(expect.arrayContaining(["certMaterial", "keyMaterial", "caMaterial"]));
            expect(engine.secretInputs).not.toContain("host");
            // The provider waits for the seat to be healthy and hardened.
            expect(engine.dependsOn).toEqual(expect.arrayContaining([`lab-${student}-seat`, `lab-${student}-seat-pids-limit`]));
            expect(engine.parent).toBe(`lab-${student}`);
        }
    });

    test("the student's client files are written from a secret environment, rewritten with a new seat, removed on destroy", () => {
        for (const student of CLASS) {
            const client = named(run, `lab-${student}-seat-client`);
            const files = seatClientFilesCommands(`.docker-lab/seats/docker-lab-dev/${student}`);
            expect(client.inputs.create).toBe(files.create);
            expect(client.inputs.delete).toBe(files.delete);
            expect(client.inputs.environment).toEqual({
                LAB_SEAT_CLIENT_CA: CA["ca-cert"].trimEnd(),
                LAB_SEAT_CLIENT_CERT: seatPart(student, "client-cert").trimEnd(),
                LAB_SEAT_CLIENT_KEY: seatPart(student, "client-key").trimEnd(),
            });
            expect(client.secretInputs).toEqual(["environment"]);
            expect(client.inputs.triggers).toEqual([`lab-${student}-seat-id`]);
        }
    });

    test("inside each seat: the lab network, the image pulled from the class registry, the replicas, all through the seat's provider", () => {
        const digest = fakeDigest(named(run, "lab-image-build").inputs.imageName);
        for (const student of CLASS) {
            const lab = labOf(spec, student);
            const inner = seatsApp(lab.app).inner.replicas;
            expect(inner).toHaveLength(2);
            for (const [i, replica] of inner.entries()) {
                const c = named(run, `lab-${student}-app-${i}`);
                expect(providerName(c)).toBe(`lab-${student}-seat-engine`);
                expect(c.inputs.name).toBe(`docker-lab-dev-${student}-app-${i}`);
                expect(c.inputs.image).toBe(`docker-lab-dev-registry:5000/docker-lab-dev/${student}/hellodocker@${digest}`);
                // On the seat's own address: the seat's network is its only one.
                expect(c.inputs.ports).toEqual([
                    { internal: 8080, external: replica.ports[0].external, ip: seatsApp(lab.app).seat.address, protocol: "tcp" },
                ]);
                expect(c.inputs.networksAdvanced).toEqual([{ name: `docker-lab-dev-${student}-net`, aliases: ["hellodocker"] }]);
                expect(c.inputs.capabilities).toEqual({ drops: ["ALL"] });
                expect(named(run, `lab-${student}-app-${i}-pids-limit`).inputs.environment).toEqual(lab.commandEnv);
            }
            expect(providerName(named(run, `lab-${student}-network`))).toBe(`lab-${student}-seat-engine`);
            expect(named(run, `lab-${student}-network`).dependsOn).toContain(`lab-${student}-seat-client`);
            const pull = named(run, `lab-${student}-pull`);
            expect(providerName(pull)).toBe(`lab-${student}-seat-engine`);
            expect(pull.inputs.name).toBe(`docker-lab-dev-registry:5000/docker-lab-dev/${student}/hellodocker:1.0.0`);
            expect(pull.dependsOn).toContain(`lab-${student}-image`);
            // The class copies its image into the student's repository on its own engine.
            const copy = named(run, `lab-${student}-image`);
            expect(copy.inputs.create).toContain(`docker push localhost:5000/docker-lab-dev/${student}/hellodocker:1.0.0`);
            expect(copy.inputs.environment).toEqual({});
        }
        // The seats themselves are on the class's engine, the replicas only in them.
        for (const c of ofType(run, TYPES.container).filter((x) => /^lab-[a-z]+-app-\d+$/.test(x.name))) {
            expect(providerName(c)).toMatch(/^lab-(alice|bob)-seat-engine$/);
        }
    });

    test("the class's base image goes into the class registry once, after the class image", () => {
        const base = ofType(run, TYPES.command).filter((c) => c.name.endsWith("-seat-base"));
        expect(base.map((c) => c.name)).toEqual(["lab-seat-base"]);
        expect(base[0].inputs.create).toBe(
            `{ docker image inspect ${spec.image.buildArgs.BASE_IMAGE} >/dev/null 2>&1 || docker pull ${spec.image.buildArgs.BASE_IMAGE} >/dev/null; } && ` +
                `docker tag ${spec.image.buildArgs.BASE_IMAGE} localhost:5000/docker-lab-dev/base:lab && docker push localhost:5000/docker-lab-dev/base:lab >/dev/null`,
        );
        expect(base[0].dependsOn).toEqual(expect.arrayContaining(["lab-registry-container", "lab-image-build"]));
        expect(ofType(run, TYPES.image).map((i) => i.name)).toEqual(["lab-image-build", "lab-workstation-image-build"]);
    });

    test("one workstation image for the class, from workstation/ on the seat image; each workstation runs it by digest as the student, read-only, its home a volume", () => {
        const build = named(run, "lab-workstation-image-build");
        expect(build.inputs.imageName).toBe("localhost:5000/docker-lab-dev/workstation:lab");
        expect(build.inputs.build).toEqual(
            expect.objectContaining({
                context: "workstation",
                dockerfile: "workstation/Dockerfile",
                args: { SEAT_IMAGE: spec.students[0] && seatsApp(spec.students[0].app).seat.image, STUDENT_UID: "1000" },
            }),
        );
        expect(build.dependsOn).toEqual(expect.arrayContaining(["lab-registry-container"]));
        const digest = `localhost:5000/docker-lab-dev/workstation@${fakeDigest("localhost:5000/docker-lab-dev/workstation:lab")}`;
        for (const student of CLASS) {
            const ws = named(run, `lab-${student}-workstation-container`);
            expect(ws.inputs.image).toBe(digest);
            expect(ws.inputs.user).toBe("1000:1000");
            expect(ws.inputs.readOnly).toBe(true);
            expect(ws.inputs.tmpfs).toEqual({ "/tmp": "rw,noexec,nosuid,size=16m" });
            expect(ws.inputs.capabilities).toEqual({ drops: ["ALL"] });
            expect(ws.inputs.entrypoints).toBeUndefined();
            expect(ws.inputs.networksAdvanced).toEqual([{ name: `docker-lab-dev-seat-${student}-net` }]);
            const home = named(run, `lab-${student}-workstation-home`);
            expect(home.inputs.name).toBe(`docker-lab-dev-${student}-workstation-home`);
            expect(ws.inputs.volumes).toEqual([{ volumeName: home.inputs.name, containerPath: "/home/student" }]);
            // No uploads (they go through the read-only root): a command writes the home's files once the workstation runs.
            expect(ws.inputs.uploads).toBeUndefined();
            const files = named(run, `lab-${student}-workstation-files`);
            const paths = [
                "/home/student/.docker/ca.pem",
                "/home/student/.docker/cert.pem",
                "/home/student/.docker/key.pem",
                ...readAppFiles("app").map((f) => `/home/student/app/${f.name}`),
                "/home/student/LESSONS.md",
                "/home/student/EXERCISES.md",
            ];
            expect(files.inputs.create).toBe(homeFilesCommand(seatsApp(labOf(spec, student).app).workstation, paths).create);
            expect(files.inputs.triggers).toEqual([`lab-${student}-workstation-container-id`]);
            expect(files.secretInputs).toEqual(["environment"]);
            expect(files.inputs.environment).toEqual(
                expect.objectContaining({
                    LAB_HOME_FILE_0: CA["ca-cert"].endsWith("\n") ? CA["ca-cert"] : `${CA["ca-cert"]}\n`,
                    LAB_HOME_FILE_2: expect.stringContaining(seatPart(student, "client-key").trimEnd()),
                    [`LAB_HOME_FILE_${paths.length - 2}`]: expect.stringContaining(`# docker-lab: ${student}'s lessons`),
                    [`LAB_HOME_FILE_${paths.length - 1}`]: expect.stringContaining(`# docker-lab: ${student}'s exercises`),
                }),
            );
            // The key is only in the secret environment, never in the script.
            expect(files.inputs.create).not.toContain("PRIVATE KEY");
        }
    });

    test("each student's checks run in their seat, with TLS, one at a time, after the seat's client files and the base image", () => {
        const imageRefOf = (student: string) =>
            `docker-lab-dev-registry:5000/docker-lab-dev/${student}/hellodocker@${fakeDigest(named(run, "lab-image-build").inputs.imageName)}`;
        for (const student of CLASS) {
            const lab = labOf(spec, student);
            expect(lab.checks.length).toBeGreaterThan(0);
            const checks = ofType(run, TYPES.command).filter((c) => c.name.startsWith(`lab-${student}-check-`));
            expect(checks.map((c) => c.name).sort()).toEqual(lab.checks.map((c) => `lab-${student}-check-${c.id}`).sort());
            for (const [k, check] of lab.checks.entries()) {
                const cmd = named(run, `lab-${student}-check-${check.id}`);
                expect(cmd.inputs.environment).toEqual({
                    DOCKER_HOST: student === "alice" ? "tcp://127.0.0.1:8082" : "tcp://127.0.0.1:8085",
                    DOCKER_TLS_VERIFY: "1",
                    DOCKER_CERT_PATH: `.docker-lab/seats/docker-lab-dev/${student}`,
                });
                expect(cmd.inputs.create).toBe(renderCheckScript(resolveCheck(check, { imageRef: imageRefOf(student) })));
                expect(cmd.dependsOn).toEqual(
                    expect.arrayContaining([`lab-${student}-app-0`, `lab-${student}-app-1`, `lab-${student}-seat-client`, "lab-seat-base"]),
                );
                const previous = cmd.dependsOn.filter((d) => d.startsWith(`lab-${student}-check-`));
                expect(previous).toEqual(k === 0 ? [] : [`lab-${student}-check-${lab.checks[k - 1].id}`]);
            }
        }
    });

    test("outputs: seatClients has alice's and bob's engine and TLS files; the roster, URLs and checks are the class's", () => {
        // runProgram resolves outputs with apply, which drops secretness: that seatClients is a secret is
        // not visible here (its parts are secret inputs of the resources above).
        expect(run.outputs.seatClients).toEqual({
            alice: {
                engineHost: "tcp://127.0.0.1:8082",
                ca: CA["ca-cert"],
                cert: seatPart("alice", "client-cert"),
                key: seatPart("alice", "client-key"),
            },
            bob: {
                engineHost: "tcp://127.0.0.1:8085",
                ca: CA["ca-cert"],
                cert: seatPart("bob", "client-cert"),
                key: seatPart("bob", "client-key"),
            },
        });
        expect(run.outputs.appUrls).toEqual([
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8081",
            "http://127.0.0.1:8083",
            "http://127.0.0.1:8084",
        ]);
        expect(run.outputs.containerNames).toEqual([
            "docker-lab-dev-alice-app-0",
            "docker-lab-dev-alice-app-1",
            "docker-lab-dev-bob-app-0",
            "docker-lab-dev-bob-app-1",
        ]);
        const total = spec.students.reduce((n, l) => n + l.checks.length, 0);
        expect(run.outputs.checkSummary).toBe(`${total} of ${total} lesson checks passed (2 students)`);
        expect((run.outputs.roster as { student: string }[]).map((r) => r.student)).toEqual(CLASS);
    });

    test("every student's resource is named for the student and parented under their SeatLab", () => {
        for (const student of CLASS) {
            const seatLab = named(run, `lab-${student}`);
            expect(seatLab.type).toBe("docker-lab:lab:SeatLab");
            expect(seatLab.parent).toBe("lab");
        }
        const other = (name: string) => CLASS.filter((s) => !name.startsWith(`lab-${s}`));
        for (const r of run.resources.filter((x) => /^lab-(alice|bob)(-|$)/.test(x.name))) {
            // Nothing of alice's depends on bob's, nor the other way round.
            const foreign = other(r.name).flatMap((s) => r.dependsOn.filter((d) => d.startsWith(`lab-${s}-`) || d === `lab-${s}`));
            expect({ name: r.name, foreign }).toEqual({ name: r.name, foreign: [] });
        }
    });

    /** Name → type and inputs of every resource. */
    const byName = (r: ProgramRun) => new Map(r.resources.map((x) => [x.name, JSON.stringify({ type: x.type, inputs: x.inputs })]));

    test("adding carol adds only carol's resources; alice's and bob's keep their names and inputs", async () => {
        const after = await runProgram(configOf([...CLASS, "carol"]), "dev", { commandStdout: stdoutOf });
        const [b, a] = [byName(run), byName(after)];
        expect(b.size).toBe(run.resources.length);
        expect(a.size).toBe(after.resources.length);
        const added = [...a.keys()].filter((n) => !b.has(n));
        expect([...b.keys()].filter((n) => !a.has(n))).toEqual([]);
        expect(added.length).toBeGreaterThan(0);
        expect(added.filter((n) => !n.includes("carol"))).toEqual([]);
        expect(added).toEqual(
            expect.arrayContaining(["lab-carol", "lab-carol-seat", "lab-carol-seat-tls", "lab-carol-seat-engine", "lab-carol-app-0"]),
        );
        // Carol's resources are as many as bob's.
        const count = (m: Map<string, string>, s: string) =>
            [...m.keys()].filter((n) => n === `lab-${s}` || n.startsWith(`lab-${s}-`)).length;
        expect(count(a, "carol")).toBe(count(b, "bob"));
        expect([...b].filter(([name, inputs]) => a.get(name) !== inputs).map(([name]) => name)).toEqual([]);
        expect(named(after, "lab-carol-seat").inputs.ports.map((p: { external: number }) => p.external)).toEqual([8086, 8087, 8088]);
        expect(Object.keys(after.outputs.seatClients as object)).toEqual(["alice", "bob", "carol"]);
        // One class CA for the class, whatever its size.
        expect(ofType(after, TYPES.command).filter((c) => c.name.endsWith("-seat-ca"))).toHaveLength(1);
    });
});

describe("seats mode, configs it refuses", () => {
    test.each([
        [{ mode: "seats" }, /mode = seats: seats are one Docker engine per student, and there are no students; add them/],
        [
            { mode: "seats", students: '["alice"]', dockerHost: "tcp://10.0.0.5:2376" },
            /mode = seats with dockerHost = "tcp:\/\/10\.0\.0\.5:2376": the seats' engines are published on this machine's bindAddress/,
        ],
    ])("%j fails with the seats message and declares nothing", async (config, message) => {
        const resources: unknown[] = [];
        await expect(
            runProgram(config, "dev", { commandStdout: stdoutOf }).then((r) => {
                resources.push(...r.resources);
            }),
        ).rejects.toThrow(message);
        expect(resources).toEqual([]);
    });

    test("a unix:// dockerHost is accepted: the class's engine and commands use it, the students' checks their seats", async () => {
        const run = await runProgram({ ...configOf(["alice"]), dockerHost: "unix:///run/docker.sock" }, "dev", { commandStdout: stdoutOf });
        expect(named(run, "lab-engine").inputs.host).toBe("unix:///run/docker.sock");
        expect(named(run, "lab-seat-base").inputs.environment).toEqual({ DOCKER_HOST: "unix:///run/docker.sock" });
        expect(named(run, "lab-alice-image").inputs.environment).toEqual({ DOCKER_HOST: "unix:///run/docker.sock" });
        expect(named(run, "lab-alice-seat-pids-limit").inputs.environment).toEqual({ DOCKER_HOST: "unix:///run/docker.sock" });
        expect(named(run, "lab-alice-check-00-shared-kernel").inputs.environment.DOCKER_HOST).toBe("tcp://127.0.0.1:8082");
    });
});
