import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ipaddr from "ipaddr.js";
import {
    buildSpec,
    homeFilesCommand,
    isClassSpec,
    type LabConfig,
    LabConfigError,
    type LabSpec,
    labsOf,
    MODES,
    networkArgs,
    registryJoinCommands,
    SEAT_CLIENT_ENV,
    SEAT_ENGINE_PORT,
    type SeatSpec,
    type Spec,
    seatAddresses,
    seatClientFilesCommands,
    seatsApp,
    subnetsOverlap,
    untagRepositoryCommand,
} from "../../../lab";
import { SEAT_CAPABILITIES, SEAT_SECURITY_LABEL, SEAT_SECURITY_OPTS } from "../../../lab/modes/seats/seat";
import { labConfig } from "../../../tools/stack";

// Seats mode's pure model: one Docker engine (a seat) per student, reached with TLS, running the
// student's lab as containers mode runs it; the class registry and image build stay on the class's engine.

const ctx = { project: "docker-lab", stack: "dev", appDir: "app" };
const specOf = (raw: Record<string, unknown>): { config: LabConfig; spec: Spec } => {
    const config = labConfig(raw);
    return { config, spec: buildSpec(config, ctx) };
};
const seatOf = (lab: LabSpec): SeatSpec => seatsApp(lab.app).seat;
const labOf = (spec: Spec, student: string): LabSpec => {
    const lab = labsOf(spec).find((l) => l.student?.name === student);
    if (!lab) throw new Error(`no lab for ${student}`);
    return lab;
};
/** The seats among what a learner can break, in order. */
const seatsGuarded = (spec: Spec) => MODES.seats.guarded(spec, labsOf(spec)).filter((o) => o.role === "seat");
/** The error parseLabConfig throws for `raw`, with its problems; fails the test when it throws none. */
const configError = (raw: Record<string, unknown>): LabConfigError => {
    try {
        labConfig(raw);
    } catch (err) {
        if (err instanceof LabConfigError) return err;
        throw err;
    }
    throw new Error(`config ${JSON.stringify(raw)} was accepted`);
};

const CLASS = { mode: "seats", replicas: "2", appPort: "9000", registryPort: "9020" };

describe("a class in seats mode", () => {
    const { config, spec } = specOf({ ...CLASS, students: ["alice", "bob"] });
    const alice = labOf(spec, "alice");
    const bob = labOf(spec, "bob");

    test("is a class of one lab per student, each in mode seats with a seat <instance>-<student>-seat", () => {
        expect(isClassSpec(spec)).toBe(true);
        expect(spec.mode).toBe("seats");
        expect(labsOf(spec).map((l) => [l.student?.name, l.app.mode, seatOf(l).name])).toEqual([
            ["alice", "seats", "docker-lab-dev-alice-seat"],
            ["bob", "seats", "docker-lab-dev-bob-seat"],
        ]);
        expect(seatOf(alice).hostname).toBe("docker-lab-dev-alice-seat");
        expect(seatOf(alice).image).toBe(config.seatImage);
        expect(seatOf(alice).labels).toEqual({
            "docker-lab.managed": "true",
            "docker-lab.instance": "docker-lab-dev",
            "docker-lab.student": "alice",
            "docker-lab.role": "seat",
        });
    });

    test("each seat has its own network (a subnet of seatSubnets by place, the seat on a fixed address) and data volume, and no other network", () => {
        expect(seatOf(alice).network).toEqual({
            name: "docker-lab-dev-seat-alice-net",
            labels: {
                "docker-lab.managed": "true",
                "docker-lab.instance": "docker-lab-dev",
                "docker-lab.student": "alice",
                "docker-lab.role": "seat-network",
            },
            ipam: { subnet: "172.16.0.0/28", gateway: "172.16.0.1", ipRange: "172.16.0.8/29" },
        });
        expect(seatOf(alice).address).toBe("172.16.0.2");
        expect(seatOf(bob).network.name).toBe("docker-lab-dev-seat-bob-net");
        expect(seatOf(bob).network.ipam).toEqual({ subnet: "172.16.0.16/28", gateway: "172.16.0.17", ipRange: "172.16.0.24/29" });
        expect(seatOf(bob).address).toBe("172.16.0.18");
        expect(networkArgs(seatOf(bob).network).ipamConfigs).toEqual([
            { subnet: "172.16.0.16/28", gateway: "172.16.0.17", ipRange: "172.16.0.24/29" },
        ]);
        expect(seatOf(alice).volume).toEqual({
            name: "docker-lab-dev-alice-seat-data",
            labels: {
                "docker-lab.managed": "true",
                "docker-lab.instance": "docker-lab-dev",
                "docker-lab.student": "alice",
                "docker-lab.role": "seat-data",
            },
        });
        expect(seatOf(bob).volume.name).toBe("docker-lab-dev-bob-seat-data");
        // Docker gives a container's published ports to its first network by name: the class registry's stay on the class network.
        const names = specOf({ ...CLASS, students: ["a", "net", "zz", "0"] }).spec;
        for (const lab of labsOf(names)) expect([seatOf(lab).network.name, names.network.name].sort()[0]).toBe(names.network.name);
        // The class registry joins each seat's network; the seats share none.
        for (const lab of [alice, bob]) expect(seatOf(lab).registryName).toBe("docker-lab-dev-registry");
        // The student's lab network lives inside the seat; the class's engine sees the seat's network.
        expect(alice.network.name).toBe("docker-lab-dev-alice-net");
        expect(MODES.seats.engineNetwork?.(alice)).toBe("docker-lab-dev-seat-alice-net");
        expect(MODES.seats.engineNetwork?.(bob)).toBe("docker-lab-dev-seat-bob-net");
    });

    test("the workstation: the class's image from workstation/ on the seat image, run as the student, locked down, its home a volume", () => {
        const ws = seatsApp(alice.app).workstation;
        expect(ws.image).toEqual({
            repository: "localhost:9020/docker-lab-dev/workstation",
            registryPath: "docker-lab-dev/workstation",
            tag: "lab",
            name: "localhost:9020/docker-lab-dev/workstation:lab",
            context: "workstation",
            dockerfile: "workstation/Dockerfile",
            buildArgs: { SEAT_IMAGE: config.seatImage, STUDENT_UID: "1000" },
            registryServer: "localhost:9020",
            removeCommand: untagRepositoryCommand("localhost:9020/docker-lab-dev/workstation"),
            platformCommand: spec.image.platformCommand,
        });
        // One image for the class.
        expect(seatsApp(bob.app).workstation.image).toEqual(ws.image);
        expect(ws.name).toBe("docker-lab-dev-alice-workstation");
        expect(ws.user).toBe("1000:1000");
        expect(ws.capDrop).toEqual(["ALL"]);
        expect(ws.securityOpts).toEqual(["no-new-privileges:true"]);
        expect(ws.tmpfs).toEqual({ "/tmp": "rw,noexec,nosuid,size=16m" });
        expect(ws.home).toEqual({
            volume: "docker-lab-dev-alice-workstation-home",
            path: "/home/student",
            labels: { ...seatOf(alice).network.labels, "docker-lab.role": "workstation-home" },
        });
        // Everything uploaded goes into the home volume: the root is read-only.
        for (const file of [ws.certDir, ws.appDir, ws.workDir, ws.lessonsFile, ws.exercisesFile])
            expect(file.startsWith(`${ws.home.path}/`)).toBe(true);
        expect(ws.network).toBe(seatOf(alice).network.name);
        expect(ws.env).toEqual({
            HOME: "/home/student",
            DOCKER_HOST: "tcp://docker-lab-dev-alice-seat:2376",
            DOCKER_TLS_VERIFY: "1",
            DOCKER_CERT_PATH: "/home/student/.docker",
        });
    });

    test("ports: the app ports from the student's first port, then the engine port, all on bindAddress", () => {
        expect(seatOf(alice).ports).toEqual([
            { internal: 9000, external: 9000, ip: "127.0.0.1" },
            { internal: 9001, external: 9001, ip: "127.0.0.1" },
            { internal: SEAT_ENGINE_PORT, external: 9002, ip: "127.0.0.1" },
        ]);
        expect(seatOf(alice).enginePort).toBe(9002);
        expect(seatOf(bob).ports).toEqual([
            { internal: 9003, external: 9003, ip: "127.0.0.1" },
            { internal: 9004, external: 9004, ip: "127.0.0.1" },
            { internal: 2376, external: 9005, ip: "127.0.0.1" },
        ]);
        expect(seatOf(bob).enginePort).toBe(9005);
        expect(seatOf(alice).engineHost).toBe("tcp://127.0.0.1:9002");
        expect(seatOf(bob).engineHost).toBe("tcp://127.0.0.1:9005");
        expect(MODES.seats.appPortCount(config)).toBe(3);
        // The replicas inside the seat publish the same port numbers on the seat's own address.
        expect(seatsApp(alice.app).inner.replicas.map((r) => r.ports)).toEqual([
            [{ internal: 8080, external: 9000, ip: "172.16.0.2" }],
            [{ internal: 8080, external: 9001, ip: "172.16.0.2" }],
        ]);
        expect(seatsApp(bob.app).inner.replicas.map((r) => r.ports[0].ip)).toEqual(["172.16.0.18", "172.16.0.18"]);
        expect(alice.appUrls).toEqual(["http://127.0.0.1:9000", "http://127.0.0.1:9001"]);
        expect(MODES.seats.appPorts(alice)).toEqual([
            { port: 9000, role: "app replica 0 of alice" },
            { port: 9001, role: "app replica 1 of alice" },
            { port: 9002, role: "the seat engine of alice" },
        ]);
    });

    test("the blocks of replicas+1 ports per student are clear of each other and of registryPort, also when a block must skip it", () => {
        // registryPort 9004 falls in bob's plain block 9003..9005: bob's block starts after it.
        const skip = specOf({ ...CLASS, registryPort: "9004", students: ["alice", "bob", "carol"] }).spec;
        const ports = labsOf(skip).map((l) => seatOf(l).ports.map((p) => p.external));
        expect(ports).toEqual([
            [9000, 9001, 9002],
            [9005, 9006, 9007],
            [9008, 9009, 9010],
        ]);
        const all = ports.flat();
        expect(new Set(all).size).toBe(all.length);
        expect(all).not.toContain(9004);
        expect(labsOf(skip).map((l) => seatOf(l).enginePort)).toEqual([9002, 9007, 9010]);
    });

    test('a free seat "" keeps the later students\' ports, and has no seat of its own', () => {
        const freed = specOf({ ...CLASS, students: ["alice", "", "bob"] }).spec;
        const full = specOf({ ...CLASS, students: ["alice", "carol", "bob"] }).spec;
        expect(labsOf(freed).map((l) => l.student?.name)).toEqual(["alice", "bob"]);
        expect(seatOf(labOf(freed, "bob")).ports).toEqual(seatOf(labOf(full, "bob")).ports);
        expect(seatOf(labOf(freed, "bob")).ports.map((p) => p.external)).toEqual([9006, 9007, 9008]);
        // Its subnet too: the third place's.
        expect(seatOf(labOf(freed, "bob")).network.ipam.subnet).toBe("172.16.0.32/28");
        expect(seatOf(labOf(freed, "bob"))).toEqual(seatOf(labOf(full, "bob")));
        expect(seatsGuarded(freed).map((o) => o.name)).toEqual(["docker-lab-dev-alice-seat", "docker-lab-dev-bob-seat"]);
    });

    test("engineHost and the server certificate's addresses: a wildcard bindAddress is reached on loopback", () => {
        const wild = seatOf(labOf(specOf({ ...CLASS, bindAddress: "0.0.0.0", students: ["alice"] }).spec, "alice"));
        expect(wild.engineHost).toBe("tcp://127.0.0.1:9002");
        expect(wild.ports.every((p) => p.ip === "0.0.0.0")).toBe(true);
        expect(wild.tls.ips).toEqual(["127.0.0.1"]);
        const lan = seatOf(labOf(specOf({ ...CLASS, bindAddress: "192.168.56.10", students: ["alice"] }).spec, "alice"));
        expect(lan.engineHost).toBe("tcp://192.168.56.10:9002");
        expect(lan.ports.every((p) => p.ip === "192.168.56.10")).toBe(true);
        expect(lan.tls.ips).toEqual(["127.0.0.1", "192.168.56.10"]);
        const v6 = seatOf(labOf(specOf({ ...CLASS, bindAddress: "::", students: ["alice"] }).spec, "alice"));
        expect(v6.engineHost).toBe("tcp://[::1]:9002");
        expect(v6.tls.ips).toEqual(["127.0.0.1", "::1"]);
        expect(seatOf(alice).tls).toEqual({
            instance: "docker-lab-dev",
            student: "alice",
            seatName: "docker-lab-dev-alice-seat",
            ips: ["127.0.0.1"],
            dnsNames: ["localhost", "docker-lab-dev-alice-seat"],
        });
    });

    test("dockerd: TLS with client certificates of the seat's clients CA only, no plain tcp listener, the class registry as insecure", () => {
        const seat = seatOf(alice);
        expect(seat.dockerdArgs).toEqual([
            "--host=unix:///var/run/docker.sock",
            "--host=tcp://0.0.0.0:2376",
            "--tlsverify",
            "--tlscacert=/etc/docker-lab/tls/clients-ca.pem",
            "--tlscert=/etc/docker-lab/tls/server-cert.pem",
            "--tlskey=/etc/docker-lab/tls/server-key.pem",
            "--insecure-registry=docker-lab-dev-registry:5000",
        ]);
        const tcp = seat.dockerdArgs.filter((a) => a.startsWith("--host=tcp://"));
        expect(tcp).toEqual([`--host=tcp://0.0.0.0:${SEAT_ENGINE_PORT}`]);
        expect(seat.dockerdArgs.join(" ")).not.toContain("2375");
        expect(seat.dockerdArgs).not.toContain("--tls=false");
        // The CA dockerd trusts for clients is the file that holds the seat's clients CA.
        const clientsCa = seat.tlsFiles.find((f) => f.part === "clients-ca-cert");
        expect(seat.dockerdArgs).toContain(`--tlscacert=${clientsCa?.path}`);
        expect(seat.tlsFiles.map((f) => f.part).sort()).toEqual(["clients-ca-cert", "server-cert", "server-key"]);
        // No client key and no class CA key goes into the seat.
        expect(seat.tlsFiles.map((f) => f.part)).not.toContain("client-key");
        expect(seat.registryServer).toBe("docker-lab-dev-registry:5000");
        expect(seat.registryServer).toBe(`${spec.registry.container.name}:5000`);
        expect(seat.entrypoint.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
        expect(seat.entrypoint[2]).toContain('exec dockerd "$@"');
    });

    test("the student's lab: its docker CLI reaches the seat with TLS and the student's client files", () => {
        expect(alice.commandEnv).toEqual({
            DOCKER_HOST: "tcp://127.0.0.1:9002",
            DOCKER_TLS_VERIFY: "1",
            DOCKER_CERT_PATH: ".docker-lab/seats/docker-lab-dev/alice",
        });
        expect(bob.commandEnv).toEqual({
            DOCKER_HOST: "tcp://127.0.0.1:9005",
            DOCKER_TLS_VERIFY: "1",
            DOCKER_CERT_PATH: ".docker-lab/seats/docker-lab-dev/bob",
        });
        expect(alice.commandEnv.DOCKER_HOST).toBe(seatOf(alice).engineHost);
        // The class's own commands stay on the class's engine.
        expect(spec.commandEnv).toEqual({});
        expect(MODES.seats.labEngine?.(alice.app, spec)).toEqual({
            commandEnv: alice.commandEnv,
            registryServer: "docker-lab-dev-registry:5000",
            baseImage: "docker-lab-dev-registry:5000/docker-lab-dev/base:lab",
        });
    });

    test("the student's image is named as the seat reaches the class registry; the class copies it under localhost:<registryPort>", () => {
        expect(alice.image.registryServer).toBe("docker-lab-dev-registry:5000");
        expect(alice.image.repository).toBe("docker-lab-dev-registry:5000/docker-lab-dev/alice/hellodocker");
        expect(alice.image.name).toBe(`docker-lab-dev-registry:5000/docker-lab-dev/alice/hellodocker:${config.appImageTag}`);
        expect(alice.student?.classRepository).toBe("localhost:9020/docker-lab-dev/alice/hellodocker");
        expect(bob.student?.classRepository).toBe("localhost:9020/docker-lab-dev/bob/hellodocker");
        // The class copies into the class repository, on its own engine.
        expect(alice.student?.copyImageCommand).toContain("docker push localhost:9020/docker-lab-dev/alice/hellodocker:");
        expect(alice.student?.copyImageCommand).not.toContain("docker-lab-dev-registry:5000");
        // The class image itself stays the class's.
        expect(spec.image.registryServer).toBe("localhost:9020");
        expect(spec.image.repository).toBe("localhost:9020/docker-lab-dev/hellodocker");
    });

    test("BASE_IMAGE of the student's lessons' build points into the class registry; the class build keeps the configured base", () => {
        expect(alice.image.buildArgs.BASE_IMAGE).toBe("docker-lab-dev-registry:5000/docker-lab-dev/base:lab");
        expect(bob.image.buildArgs.BASE_IMAGE).toBe("docker-lab-dev-registry:5000/docker-lab-dev/base:lab");
        expect(alice.image.buildArgs.LAB_INSTANCE).toBe("docker-lab-dev");
        expect(spec.image.buildArgs.BASE_IMAGE).toBe(config.baseImage);
    });

    test("the seat runs with exactly NET_ADMIN, SYS_ADMIN and SYS_PTRACE, never privileged, its security options also a label", () => {
        for (const lab of [alice, bob]) {
            const seat = seatOf(lab);
            expect(seat.capAdd).toEqual(["CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE"]);
            expect(seat.capAdd).toEqual([...SEAT_CAPABILITIES]);
            expect(seat.capAdd).not.toContain("ALL");
            expect(seat).not.toHaveProperty("privileged");
            expect(JSON.stringify(seat)).not.toMatch(/privileged/i);
            expect(seat.securityOpts).toEqual(["seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"]);
            expect(seat.containerLabels[SEAT_SECURITY_LABEL]).toBe(seat.securityOpts.join(" "));
            expect(seat.containerLabels).toEqual({
                ...seat.labels,
                "docker-lab.seat-security-opts": "seccomp=unconfined apparmor=unconfined systempaths=unconfined",
            });
            expect([...SEAT_SECURITY_OPTS]).toEqual(seat.securityOpts);
        }
    });

    test("the seat's limits: memory for its engine and every replica, one CPU, a PIDs limit, a healthcheck on its own socket", () => {
        const seat = seatOf(alice);
        expect(seat.memoryMb).toBe(512 + 2 * config.memoryLimitMb);
        expect(seat.cpus).toBe("1.0");
        expect(seat.pidsLimit).toBe(2048);
        expect(seat.healthcheck.command).toBe("docker -H unix:///var/run/docker.sock version >/dev/null");
        // Under a minute, so the engine reports it back as given.
        expect(seat.healthcheck.startPeriodSeconds).toBeLessThan(60);
        expect(seat.binds).toEqual([{ hostPath: "/sys/fs/cgroup", containerPath: "/sys/fs/cgroup" }]);
    });

    test("what a learner can break: the class registry first, then each student's seat, in class order", () => {
        const guarded = MODES.seats.guarded(spec, labsOf(spec));
        expect(guarded[0]).toEqual({ kind: "container", role: "registry", name: "docker-lab-dev-registry" });
        expect(guarded.filter((o) => o.role === "registry")).toHaveLength(1);
        expect(seatsGuarded(spec)).toEqual([
            { kind: "container", role: "seat", name: "docker-lab-dev-alice-seat" },
            { kind: "container", role: "seat", name: "docker-lab-dev-bob-seat" },
        ]);
        // Each student's seat comes before anything of the next student's.
        const at = (name: string) => guarded.findIndex((o) => o.name === name);
        expect(at("docker-lab-dev-alice-seat")).toBe(1);
        expect(guarded.slice(0, at("docker-lab-dev-bob-seat")).some((o) => o.name.startsWith("docker-lab-dev-bob-"))).toBe(false);
        // Only containers: a seat has no service, and the replicas inside the seats are no object of the class's engine.
        expect(guarded.every((o) => o.kind === "container")).toBe(true);
        expect(guarded.map((o) => o.name)).not.toContain("docker-lab-dev-alice-app-0");
        // The replicas live inside the seats: the checks list and exec them there.
        expect(MODES.seats.appContainers(alice.app).map((c) => c.name)).toEqual([
            "docker-lab-dev-alice-app-0",
            "docker-lab-dev-alice-app-1",
        ]);
        expect(MODES.seats.exec(alice.app)("true")).toContain("docker-lab-dev-alice-app-0");
    });

    test("a lab in another mode has no seat", () => {
        const containers = labsOf(specOf({ students: ["alice"] }).spec)[0];
        expect(() => seatsApp(containers.app)).toThrow("A lab in mode containers has no seat");
    });
});

describe("seats mode's config problems", () => {
    test("mode seats without students: names the key, the value and the fix", () => {
        const err = configError({ mode: "seats" });
        expect(err.problems).toEqual([
            "mode = seats: seats are one Docker engine per student, and there are no students; add them (npm run config -- set --path 'students[0]' alice), or use npm run config -- set mode containers",
        ]);
        expect(err.message).toContain("nothing was created");
    });

    test("mode seats with a tcp:// dockerHost is refused, naming the value and the fix", () => {
        const err = configError({ mode: "seats", students: ["alice"], dockerHost: "tcp://10.0.0.5:2376" });
        expect(err.problems).toEqual([
            "mode = seats with dockerHost = \"tcp://10.0.0.5:2376\": the seats' engines are published on this machine's bindAddress, so the class's engine must be this machine's; run npm run up on the engine's own machine (npm run config -- rm dockerHost)",
        ]);
        expect(configError({ mode: "seats", students: ["alice"], dockerHost: "ssh://teacher@host" }).problems[0]).toMatch(
            /^mode = seats with dockerHost = "ssh:\/\/teacher@host"/,
        );
    });

    test("an app port on the seat engine's own port 2376 is refused, naming appPort and the student", () => {
        expect(configError({ mode: "seats", students: ["alice", "bob"], appPort: "2372", registryPort: "5000" }).problems).toEqual([
            "appPort = 2372: in seats mode the app ports of students[1] would include 2376, where each seat's engine listens; choose an appPort above it (npm run config -- set appPort 8080)",
        ]);
        // The engine port of a block (its last) may be 2376 on the class's engine: only the app ports reach inside the seat.
        expect(labConfig({ mode: "seats", students: ["alice"], appPort: "2374", registryPort: "5000" }).appPort).toBe(2374);
    });

    test("seatSubnets: a range too small for the class's seats is refused in seats mode, naming the size that fits", () => {
        expect(configError({ mode: "seats", students: ["a", "b", "c"], seatSubnets: "10.9.0.0/27" }).problems).toEqual([
            'seatSubnets = "10.9.0.0/27": holds 2 seat networks (a /28 each), the class has 3 seats; use a /26 or larger, such as 10.9.0.0/26',
        ]);
        // A free seat keeps its place, so it counts.
        expect(configError({ mode: "seats", students: ["a", ""], seatSubnets: "10.9.0.0/28" }).problems).toHaveLength(1);
        expect(labConfig({ mode: "seats", students: ["a", "b"], seatSubnets: "10.9.0.0/27" }).seatSubnets).toBe("10.9.0.0/27");
        // Another mode has no seats: only the range's form is checked.
        expect(labConfig({ students: ["a", "b", "c"], seatSubnets: "10.9.0.0/28" }).seatSubnets).toBe("10.9.0.0/28");
    });

    test("seatSubnets that is no private IPv4 range is refused in every mode, naming the value and the fix", () => {
        expect(configError({ seatSubnets: "172.16.0.0" }).problems).toEqual([
            'seatSubnets = "172.16.0.0": must be an IPv4 range in CIDR form such as 172.16.0.0/16; for example npm run config -- set seatSubnets 172.16.0.0/16',
        ]);
        expect(configError({ mode: "seats", students: ["a"], seatSubnets: "172.16.5.0/16" }).problems).toEqual([
            'seatSubnets = "172.16.5.0/16": a range starts at its network address; use 172.16.0.0/16',
        ]);
        // A public range, spelt in parts: the repository names no public address.
        const publicRange = `${[8, 8, 0, 0].join(".")}/16`;
        expect(configError({ seatSubnets: publicRange }).problems[0]).toBe(
            `seatSubnets = "${publicRange}": must be a private range (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16), or the seats would hide those addresses from this machine; for example npm run config -- set seatSubnets 172.16.0.0/16`,
        );
        expect(configError({ seatSubnets: "10.0.0.0/29" }).problems[0]).toMatch(/each seat needs a \/28/);
    });

    test("both problems together: no students and a remote engine", () => {
        expect(configError({ mode: "seats", dockerHost: "tcp://10.0.0.5:2376" }).problems).toHaveLength(2);
    });

    test("a unix:// dockerHost (this machine's engine) is accepted, and the class's commands use it", () => {
        const config = labConfig({ mode: "seats", students: ["alice"], dockerHost: "unix:///run/user/1000/docker.sock" });
        expect(config.dockerHost).toBe("unix:///run/user/1000/docker.sock");
        expect(MODES.seats.configProblems?.(config)).toEqual([]);
        const spec = buildSpec(config, ctx);
        expect(spec.commandEnv).toEqual({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" });
        // The student's lab talks to the seat, not to the class's engine.
        expect(labsOf(spec)[0].commandEnv.DOCKER_HOST).toBe("tcp://127.0.0.1:8082");
    });

    test("the other modes have no seats problems", () => {
        expect(() => labConfig({ mode: "containers", dockerHost: "tcp://10.0.0.5:2376" })).not.toThrow();
        expect(() => labConfig({ mode: "swarm" })).not.toThrow();
    });
});

describe("seatClientFilesCommands", () => {
    const dir = ".docker-lab/seats/docker-lab-dev/alice";
    const files = seatClientFilesCommands(dir);

    test("writes ca.pem, cert.pem and key.pem with umask 077, from the environment only", () => {
        expect(files.create.split("\n")).toEqual([
            "set -eu",
            "umask 077",
            `mkdir -p ${dir}`,
            `rm -f ${dir}/ca.pem ${dir}/cert.pem ${dir}/key.pem`,
            `printf '%s\\n' "$LAB_SEAT_CLIENT_CA" > ${dir}/ca.pem`,
            `printf '%s\\n' "$LAB_SEAT_CLIENT_CERT" > ${dir}/cert.pem`,
            `printf '%s\\n' "$LAB_SEAT_CLIENT_KEY" > ${dir}/key.pem`,
        ]);
        // umask before anything is made.
        expect(files.create.indexOf("umask 077")).toBeLessThan(files.create.indexOf("mkdir"));
        expect(SEAT_CLIENT_ENV).toEqual({ ca: "LAB_SEAT_CLIENT_CA", cert: "LAB_SEAT_CLIENT_CERT", key: "LAB_SEAT_CLIENT_KEY" });
    });

    test("the PEMs go in the environment, trimmed, and never into the script", () => {
        const client = {
            ca: "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n",
            cert: "-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n",
            key: "-----BEGIN EC PRIVATE KEY-----\nS0VZ\n-----END EC PRIVATE KEY-----\n\n",
        };
        expect(files.environment(client)).toEqual({
            LAB_SEAT_CLIENT_CA: "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----",
            LAB_SEAT_CLIENT_CERT: "-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----",
            LAB_SEAT_CLIENT_KEY: "-----BEGIN EC PRIVATE KEY-----\nS0VZ\n-----END EC PRIVATE KEY-----",
        });
        expect(`${files.create}\n${files.delete}`).not.toMatch(/-----BEGIN|PRIVATE KEY|Q0VSVA==/);
    });

    test("delete removes the student's folder, then the class's folder when it is empty", () => {
        expect(files.delete).toBe(`rm -rf ${dir}; rmdir .docker-lab/seats/docker-lab-dev 2>/dev/null || true`);
    });

    test("a folder with a space is quoted", () => {
        const spaced = seatClientFilesCommands("my seats/alice");
        expect(spaced.create).toContain("mkdir -p 'my seats/alice'");
        expect(spaced.create).toContain(`> 'my seats/alice'/key.pem`);
        expect(spaced.delete).toBe("rm -rf 'my seats/alice'; rmdir 'my seats' 2>/dev/null || true");
    });
});

describe("seatAddresses", () => {
    test("place k: the k-th /28 of the range, its first address the gateway, the next the seat's, the upper half for the others", () => {
        expect(seatAddresses("172.16.0.0/16", 0)).toEqual({
            subnet: "172.16.0.0/28",
            gateway: "172.16.0.1",
            seat: "172.16.0.2",
            dynamicRange: "172.16.0.8/29",
        });
        expect(seatAddresses("172.16.0.0/16", 17)).toEqual({
            subnet: "172.16.1.16/28",
            gateway: "172.16.1.17",
            seat: "172.16.1.18",
            dynamicRange: "172.16.1.24/29",
        });
        expect(seatAddresses("10.0.0.0/8", 4095)).toEqual({
            subnet: "10.0.255.240/28",
            gateway: "10.0.255.241",
            seat: "10.0.255.242",
            dynamicRange: "10.0.255.248/29",
        });
        expect(seatAddresses("192.168.255.0/24", 15).subnet).toBe("192.168.255.240/28");
    });

    test("a place beyond the range is refused", () => {
        expect(() => seatAddresses("192.168.255.0/24", 16)).toThrow(/holds 16 seat networks/);
    });

    test("no two places of a /20 share an address", () => {
        const seen = new Set<string>();
        for (let k = 0; k < 256; k++) {
            const { subnet, gateway, seat, dynamicRange } = seatAddresses("10.1.0.0/20", k);
            // The seat is outside the range Docker allocates from, which is inside the seat's subnet.
            expect(ipaddr.parse(seat).match(ipaddr.parseCIDR(dynamicRange))).toBe(false);
            expect(ipaddr.parseCIDR(dynamicRange)[0].match(ipaddr.parseCIDR(subnet))).toBe(true);
            for (const a of [subnet, gateway, seat]) {
                expect(seen.has(a)).toBe(false);
                seen.add(a);
            }
        }
    });
});

describe("subnetsOverlap", () => {
    test("two IPv4 ranges overlap when either holds the other's first address; IPv6 never overlaps IPv4", () => {
        expect(subnetsOverlap("172.16.0.16/28", "172.16.0.0/12")).toBe(true);
        expect(subnetsOverlap("172.16.0.0/12", "172.16.0.16/28")).toBe(true);
        expect(subnetsOverlap("172.16.0.16/28", "172.16.0.24/29")).toBe(true);
        expect(subnetsOverlap("172.16.0.16/28", "172.16.0.32/28")).toBe(false);
        expect(subnetsOverlap("172.17.0.0/16", "172.16.0.0/16")).toBe(false);
        expect(subnetsOverlap("fd00::/64", "172.16.0.0/16")).toBe(false);
    });
});

describe("registryJoinCommands", () => {
    const join = registryJoinCommands({ network: { name: "lab-seat-alice-net" }, registryName: "lab-registry" });

    test("connects the class registry to the seat's network unless it is on it already", () => {
        expect(join.create).toBe(
            `docker container inspect --format '{{json .NetworkSettings.Networks}}' lab-registry | grep -q '"lab-seat-alice-net":' || docker network connect lab-seat-alice-net lab-registry`,
        );
    });

    test("disconnects it, and does nothing when the registry is gone", () => {
        expect(join.delete).toBe(
            "if docker container inspect lab-registry >/dev/null 2>&1; then docker network disconnect --force lab-seat-alice-net lab-registry; fi",
        );
    });
});

describe("homeFilesCommand", () => {
    const ws = { name: "lab-alice-workstation" };
    const paths = ["/home/student/.docker/key.pem", "/home/student/app/app.js", "/home/student/LESSONS.md"];
    const command = homeFilesCommand(ws, paths);

    test("copies each file with docker cp from its environment variable: no text in the script", () => {
        expect(command.create.split("\n").filter((l) => l.includes("docker cp"))).toEqual([
            `printf '%s' "$LAB_HOME_FILE_0" > "$dir/0" && chmod 0644 "$dir/0" && docker cp "$dir/0" lab-alice-workstation:/home/student/.docker/key.pem`,
            `printf '%s' "$LAB_HOME_FILE_1" > "$dir/1" && chmod 0644 "$dir/1" && docker cp "$dir/1" lab-alice-workstation:/home/student/app/app.js`,
            `printf '%s' "$LAB_HOME_FILE_2" > "$dir/2" && chmod 0644 "$dir/2" && docker cp "$dir/2" lab-alice-workstation:/home/student/LESSONS.md`,
        ]);
        expect(command.environment(["k", "a", "l"])).toEqual({ LAB_HOME_FILE_0: "k", LAB_HOME_FILE_1: "a", LAB_HOME_FILE_2: "l" });
        expect(() => command.environment(["k"])).toThrow(/3 home files, 1 texts/);
    });

    test("run by /bin/sh against a docker that copies: every file arrives exactly, readable by all, and the temporary folder goes", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-home-files-"));
        const bin = path.join(root, "bin");
        const into = path.join(root, "home");
        fs.mkdirSync(bin);
        // docker cp SRC CONTAINER:PATH, as a copy into `into`; the source folder is logged to see it removed.
        fs.writeFileSync(
            path.join(bin, "docker"),
            `#!/bin/sh\n[ "$1" = cp ] || exit 9\ndest="${into}/\${3#*:}"\nmkdir -p "$(dirname "$dest")"\ncp -p "$2" "$dest"\ndirname "$2" >> "${root}/dirs"\n`,
            { mode: 0o755 },
        );
        const texts = ["-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n", "console.log('hi')\n", "# lessons, no newline"];
        const run = spawnSync("/bin/sh", ["-c", command.create], {
            env: { PATH: `${bin}:${process.env.PATH}`, ...command.environment(texts) },
            encoding: "utf8",
        });
        expect(run.status).toBe(0);
        paths.forEach((file, i) => {
            const copied = path.join(into, file);
            expect(fs.readFileSync(copied, "utf8")).toBe(texts[i]);
            expect(fs.statSync(copied).mode & 0o777).toBe(0o644);
        });
        for (const dir of new Set(fs.readFileSync(path.join(root, "dirs"), "utf8").trim().split("\n")))
            expect(fs.existsSync(dir)).toBe(false);
        fs.rmSync(root, { recursive: true, force: true });
    });
});
