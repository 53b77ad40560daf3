import "./installed";
import { OFFLINE_IMAGES, SWARM_NODES_COMMAND } from "../../../lab";
import type { PolicyPackConfig } from "../../../policy/node_modules/@pulumi/policy";
import { policies, TYPES } from "../../../policy/policies";
import { type ProgramRun, runProgram } from "../helpers/program";
import { seatTlsStdout } from "../helpers/seatTlsStdout";
import { analyzeAll, asPreview, type Finding, fromProgram, summary, type TestResource, UNKNOWN } from "./harness";

// The real program (index.ts under Pulumi mocks) through the whole pack: what it registers for the
// default config is compliant, both as an update sends it and as a first preview does (computed
// values unknown); each deliberately unsafe variant is caught by its own policy, and only by it.

jest.setTimeout(60_000);

const ALLOW_ALL_INTERFACES: PolicyPackConfig = { "published-ports-on-bind-address": { allowAllInterfaces: true } };

let defaultRun: ProgramRun;
let defaultResources: TestResource[];

beforeAll(async () => {
    defaultRun = await runProgram();
    defaultResources = fromProgram(defaultRun);
});

/** The default lab's resources with one resource's inputs changed. */
function variant(name: string, change: (props: Record<string, any>) => void): TestResource[] {
    let found = false;
    const resources = defaultResources.map((r) => {
        if (r.name !== name) return r;
        found = true;
        const props = structuredClone(r.props);
        change(props);
        return { ...r, props };
    });
    if (!found) throw new Error(`no resource named ${name}: ${defaultResources.map((r) => r.name).join(", ")}`);
    return resources;
}

describe("the real program through the policy pack", () => {
    test("the default lab sends containers, a volume, a network and checks, with the full type tokens the pack matches", () => {
        const types = new Set(defaultResources.map((r) => r.type));
        for (const type of [TYPES.container, TYPES.volume, TYPES.network, TYPES.command]) expect(types).toContain(type);
        expect(defaultResources.filter((r) => r.type === TYPES.command && /-check-/.test(r.name)).length).toBeGreaterThan(0);
    });

    test("the default lab: zero findings, mandatory or advisory, as an update sends it", () => {
        expect(analyzeAll(policies, defaultResources)).toEqual([]);
    });

    test("the default lab: zero findings as a first preview sends it (image digest, ids and check scripts unknown)", () => {
        const preview = asPreview(defaultResources);
        // The preview form really has unknowns where the engine has them.
        const app = preview.find((r) => r.name === "lab-app-0")!;
        expect(app.props.image).toBe(UNKNOWN);
        const checks = preview.filter((r) => r.type === TYPES.command && /-check-/.test(r.name));
        expect(checks.every((r) => Array.isArray(r.props.triggers) && r.props.triggers.includes(UNKNOWN))).toBe(true);
        expect(analyzeAll(policies, preview)).toEqual([]);
    });

    test("the offline images, 3 replicas and another memory limit: zero findings", async () => {
        const run = await runProgram({ ...OFFLINE_IMAGES, replicas: "3", memoryLimitMb: "256" }, "e2e-policy");
        const resources = fromProgram(run);
        expect(resources.filter((r) => r.type === TYPES.container)).toHaveLength(4);
        expect(analyzeAll(policies, resources)).toEqual([]);
        expect(analyzeAll(policies, asPreview(resources))).toEqual([]);
    });

    test("a classroom (three students, one free seat): zero findings, and every student's replicas are on their own lab network", async () => {
        const run = await runProgram({ students: JSON.stringify(["alice", "", "bob", "carol"]), appPort: "9000", registryPort: "9003" });
        const resources = fromProgram(run);
        const replicas = resources.filter((r) => r.type === TYPES.container && r.props.labels.some((l: any) => l.value === "app"));
        expect(replicas.length).toBeGreaterThanOrEqual(6);
        expect(resources.filter((r) => r.type === TYPES.network).length).toBeGreaterThanOrEqual(3);
        expect(analyzeAll(policies, resources)).toEqual([]);
        expect(analyzeAll(policies, asPreview(resources))).toEqual([]);
    });

    test("bindAddress 0.0.0.0: every published port and the unauthenticated registry are caught; the allowance clears only the ports", async () => {
        const resources = fromProgram(await runProgram({ bindAddress: "0.0.0.0" }));
        expect(summary(analyzeAll(policies, resources))).toEqual([
            "published-ports-on-bind-address: lab-app-0",
            "published-ports-on-bind-address: lab-app-1",
            "published-ports-on-bind-address: lab-registry-container",
            "registry-loopback-or-auth: lab-registry-container",
        ]);
        expect(summary(analyzeAll(policies, resources, ALLOW_ALL_INTERFACES))).toEqual([
            "registry-loopback-or-auth: lab-registry-container",
        ]);
        expect(summary(analyzeAll(policies, asPreview(resources)))).toHaveLength(4);
    });

    test("registryAuth (a given secret password): zero findings; on every interface the allowance clears it all, the registry requiring a login", async () => {
        const options = { secretKeys: ["registryPassword"] };
        const resources = fromProgram(await runProgram({ registryAuth: "true", registryPassword: "pw-of-the-test" }, "dev", options));
        const registry = resources.find((r) => r.name === "lab-registry-container")!;
        expect(registry.props.envs).toContain("REGISTRY_AUTH=htpasswd");
        expect(analyzeAll(policies, resources)).toEqual([]);
        expect(analyzeAll(policies, asPreview(resources))).toEqual([]);
        const everywhere = fromProgram(
            await runProgram({ registryAuth: "true", registryPassword: "pw-of-the-test", bindAddress: "0.0.0.0" }, "dev", options),
        );
        expect(summary(analyzeAll(policies, everywhere)).filter((s) => s.startsWith("registry-loopback-or-auth"))).toEqual([]);
        expect(analyzeAll(policies, everywhere, ALLOW_ALL_INTERFACES)).toEqual([]);
    });

    test("registryAuth with a generated password: zero findings", async () => {
        const resources = fromProgram(await runProgram({ registryAuth: "true" }));
        expect(resources.some((r) => r.name === "lab-registry-credentials-generated-password")).toBe(true);
        expect(analyzeAll(policies, resources)).toEqual([]);
    });

    test("bindAddress :: is every interface too", async () => {
        const resources = fromProgram(await runProgram({ bindAddress: "::" }));
        expect(summary(analyzeAll(policies, resources)).filter((s) => s.startsWith("published-ports"))).toHaveLength(3);
    });

    // Each unsafe change to one resource the program registers, and the one policy that must catch it.
    const UNSAFE: { title: string; resource: string; change: (p: Record<string, any>) => void; caughtBy: string[] }[] = [
        { title: "privileged", resource: "lab-app-0", change: (p) => (p.privileged = true), caughtBy: ["no-privileged"] },
        { title: "host network", resource: "lab-app-0", change: (p) => (p.networkMode = "host"), caughtBy: ["no-host-namespaces"] },
        {
            title: "host PID namespace",
            resource: "lab-registry-container",
            change: (p) => (p.pidMode = "host"),
            caughtBy: ["no-host-namespaces"],
        },
        {
            title: "a port on 0.0.0.0",
            resource: "lab-app-1",
            change: (p) => (p.ports[0].ip = "0.0.0.0"),
            caughtBy: ["published-ports-on-bind-address"],
        },
        { title: "no swap limit", resource: "lab-app-0", change: (p) => delete p.memorySwap, caughtBy: ["memory-swap-cpu-limits"] },
        {
            title: "no CPU share",
            resource: "lab-registry-container",
            change: (p) => delete p.cpuShares,
            caughtBy: ["memory-swap-cpu-limits"],
        },
        { title: "writable root", resource: "lab-app-0", change: (p) => (p.readOnly = false), caughtBy: ["read-only-root-filesystem"] },
        {
            title: "writable registry root",
            resource: "lab-registry-container",
            change: (p) => delete p.readOnly,
            caughtBy: ["read-only-root-filesystem"],
        },
        {
            title: "cap add SYS_ADMIN",
            resource: "lab-app-0",
            change: (p) => (p.capabilities.adds = ["SYS_ADMIN"]),
            caughtBy: ["capabilities-dropped"],
        },
        { title: "no no-new-privileges", resource: "lab-app-0", change: (p) => (p.securityOpts = []), caughtBy: ["no-new-privileges"] },
        {
            title: "seccomp unconfined (only a seat may)",
            resource: "lab-app-1",
            change: (p) => p.securityOpts.push("seccomp=unconfined"),
            caughtBy: ["no-privileged"],
        },
        {
            title: "image by tag",
            resource: "lab-app-0",
            change: (p) => (p.image = p.image.replace(/@sha256:[0-9a-f]+$/, ":1.0.0")),
            caughtBy: ["images-by-digest"],
        },
        {
            title: "docker socket bind mount",
            resource: "lab-app-1",
            change: (p) => (p.mounts = [{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock" }]),
            caughtBy: ["no-host-mounts"],
        },
        {
            title: "host directory as a volume",
            resource: "lab-registry-container",
            change: (p) => (p.volumes = [{ hostPath: "/srv/registry", containerPath: "/var/lib/registry" }]),
            caughtBy: ["no-host-mounts"],
        },
        {
            title: "registry on 0.0.0.0",
            resource: "lab-registry-container",
            change: (p) => (p.ports[0].ip = "0.0.0.0"),
            caughtBy: ["published-ports-on-bind-address", "registry-loopback-or-auth"],
        },
        {
            title: "registry on a LAN address",
            resource: "lab-registry-container",
            change: (p) => (p.ports[0].ip = "192.168.1.10"),
            caughtBy: ["registry-loopback-or-auth"],
        },
        {
            title: "a replica off the lab network",
            resource: "lab-app-1",
            change: (p) => (p.networksAdvanced = [{ name: "bridge" }]),
            caughtBy: ["lab-wiring"],
        },
        { title: "no restart policy (advisory)", resource: "lab-app-0", change: (p) => (p.restart = "no"), caughtBy: ["restart-policy"] },
        {
            title: "no healthcheck (advisory)",
            resource: "lab-registry-container",
            change: (p) => delete p.healthcheck,
            caughtBy: ["healthcheck"],
        },
    ];

    test.each(UNSAFE.map((u) => [u.title, u] as const))("unsafe variant caught: %s", (_, u) => {
        const findings = analyzeAll(policies, variant(u.resource, u.change));
        expect(summary(findings)).toEqual(u.caughtBy.map((policy) => `${policy}: ${u.resource}`).sort());
        for (const f of findings) expect(f.message).toMatch(/; fix: \S/);
    });

    test("unsafe variant caught: a check that does not depend on a replica", () => {
        const check = defaultResources.find((r) => r.type === TYPES.command && /-check-/.test(r.name))!;
        const resources = defaultResources.map((r) =>
            r === check ? { ...r, dependencies: (r.dependencies ?? []).filter((d) => d !== "lab-app-1") } : r,
        );
        expect(summary(analyzeAll(policies, resources))).toEqual([`lab-wiring: ${check.name}`]);
    });

    test("every mandatory policy but the service-only cases is exercised by an unsafe variant of the real program", () => {
        const caught = new Set(UNSAFE.flatMap((u) => u.caughtBy));
        expect(policies.map((p) => p.name).filter((name) => !caught.has(name))).toEqual([]);
    });
});

describe("the real program in swarm mode through the policy pack", () => {
    // The swarm's node list, as the program's `command:local:run` invoke reads it from the engine.
    const runStdout = (command: string) => {
        if (command === SWARM_NODES_COMMAND) return "vm 127.0.0.1 ready active\n";
        throw new Error(`unexpected command ${command}`);
    };
    const swarmRun = (publishMode: string) => runProgram({ mode: "swarm", publishMode, replicas: "2" }, "dev", { runStdout });

    test.each(["host", "ingress"])(
        "publishMode %s: the services are wired to the lab network by id; swarm publishes on every interface, so only the ports and the unauthenticated registry are findings",
        async (publishMode) => {
            const resources = fromProgram(await swarmRun(publishMode));
            expect(resources.filter((r) => r.type === TYPES.service).map((r) => r.name)).toEqual([
                "lab-registry-service",
                "lab-app-service",
            ]);
            const expected = [
                "published-ports-on-bind-address: lab-app-service",
                "published-ports-on-bind-address: lab-registry-service",
                "registry-loopback-or-auth: lab-registry-service",
            ];
            expect(summary(analyzeAll(policies, resources))).toEqual(expected);
            expect(summary(analyzeAll(policies, asPreview(resources)))).toEqual(expected);
            // The explicit allowance clears the ports, never the registry without a login.
            expect(summary(analyzeAll(policies, resources, ALLOW_ALL_INTERFACES))).toEqual([
                "registry-loopback-or-auth: lab-registry-service",
            ]);
        },
    );

    test.each(["host", "ingress"])(
        "publishMode %s with registryAuth and the every-interface allowance: zero findings, mandatory or advisory, as an update and as a first preview send it",
        async (publishMode) => {
            const run = await runProgram(
                { mode: "swarm", publishMode, replicas: "2", registryAuth: "true", registryPassword: "pw-of-the-test" },
                "dev",
                { runStdout, secretKeys: ["registryPassword"] },
            );
            const resources = fromProgram(run);
            const registry = resources.find((r) => r.name === "lab-registry-service")!;
            expect(registry.props.taskSpec.containerSpec.env.REGISTRY_AUTH).toBe("htpasswd");
            expect(resources.some((r) => r.name === "lab-registry-htpasswd")).toBe(true);
            expect(analyzeAll(policies, resources, ALLOW_ALL_INTERFACES)).toEqual([]);
            expect(analyzeAll(policies, asPreview(resources), ALLOW_ALL_INTERFACES)).toEqual([]);
            // Without the allowance only the every-interface ports remain: the registry requires a login.
            expect(summary(analyzeAll(policies, resources))).toEqual([
                "published-ports-on-bind-address: lab-app-service",
                "published-ports-on-bind-address: lab-registry-service",
            ]);
        },
    );

    test("registryAuth with a generated password in swarm mode: zero findings with the allowance", async () => {
        const resources = fromProgram(await runProgram({ mode: "swarm", publishMode: "host", registryAuth: "true" }, "dev", { runStdout }));
        expect(resources.some((r) => r.name === "lab-registry-credentials-generated-password")).toBe(true);
        expect(analyzeAll(policies, resources, ALLOW_ALL_INTERFACES)).toEqual([]);
        expect(analyzeAll(policies, asPreview(resources), ALLOW_ALL_INTERFACES)).toEqual([]);
    });

    test("a service joined by id with the empty name the engine passes beside it is on the lab network (seen with the real CLI)", () => {
        const withEmptyName = hostModeResources.map((r) => {
            if (r.name !== "lab-app-service") return r;
            const props = structuredClone(r.props);
            props.taskSpec.networksAdvanceds = props.taskSpec.networksAdvanceds.map((n: any) => ({ ...n, name: "" }));
            return { ...r, props };
        });
        expect(summary(analyzeAll(policies, withEmptyName, ALLOW_ALL_INTERFACES)).filter((f) => f.startsWith("lab-wiring"))).toEqual([]);
        // Without the id it is off the network, and the finding says how to attach it.
        const offNetwork = withEmptyName.map((r) => {
            if (r.name !== "lab-app-service") return r;
            const props = structuredClone(r.props);
            props.taskSpec.networksAdvanceds = [{ name: "" }];
            return { ...r, props };
        });
        const findings = analyzeAll(policies, offNetwork, ALLOW_ALL_INTERFACES).filter((f) => f.policy === "lab-wiring");
        expect(findings.map((f) => f.resource)).toEqual(["lab-app-service"]);
        expect(findings[0].message).toContain("fix: attach it with taskSpec.networksAdvanceds [{ id: <that network's id> }]");
    });

    // Each unsafe change to the app service the program registers, and the policy that must catch it.
    const UNSAFE_SERVICE: { title: string; change: (p: Record<string, any>) => void; caughtBy: string[] }[] = [
        {
            title: "capAdds ALL",
            change: (p) => (p.taskSpec.containerSpec.capAdds = ["ALL"]),
            caughtBy: ["capabilities-dropped", "no-privileged"],
        },
        {
            title: "the host network",
            change: (p) => (p.taskSpec.networksAdvanceds = [{ name: "host" }]),
            caughtBy: ["lab-wiring", "no-host-namespaces"],
        },
        { title: "no memory limit", change: (p) => delete p.taskSpec.resources.limits.memoryBytes, caughtBy: ["memory-swap-cpu-limits"] },
        { title: "a writable root", change: (p) => (p.taskSpec.containerSpec.readOnly = false), caughtBy: ["read-only-root-filesystem"] },
        {
            title: "image by tag",
            change: (p) => (p.taskSpec.containerSpec.image = p.taskSpec.containerSpec.image.replace(/@sha256:[0-9a-f]+$/, ":1.0.0")),
            caughtBy: ["images-by-digest"],
        },
        {
            title: "the docker socket mounted",
            change: (p) =>
                p.taskSpec.containerSpec.mounts.push({ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock" }),
            caughtBy: ["no-host-mounts"],
        },
        { title: "no healthcheck (advisory)", change: (p) => delete p.taskSpec.containerSpec.healthcheck, caughtBy: ["healthcheck"] },
    ];

    let hostModeResources: TestResource[];
    beforeAll(async () => {
        hostModeResources = fromProgram(await swarmRun("host"));
    });

    test.each(UNSAFE_SERVICE.map((u) => [u.title, u] as const))("unsafe app service caught: %s", (_, u) => {
        const resources = hostModeResources.map((r) => {
            if (r.name !== "lab-app-service") return r;
            const props = structuredClone(r.props);
            u.change(props);
            return { ...r, props };
        });
        const findings = analyzeAll(policies, resources, ALLOW_ALL_INTERFACES).filter((f) => f.resource === "lab-app-service");
        expect(summary(findings)).toEqual(u.caughtBy.map((policy) => `${policy}: lab-app-service`).sort());
        for (const f of findings) expect(f.message).toMatch(/; fix: \S/);
    });
});

describe("the real program in seats mode through the policy pack", () => {
    const commandStdout = (name: string) => seatTlsStdout(name) ?? `mock stdout of ${name}`;
    const STUDENTS = ["alice", "bob"];
    const SEATS_CONFIG = { ...OFFLINE_IMAGES, mode: "seats", students: JSON.stringify(STUDENTS) };
    const SEATS = STUDENTS.map((s) => `lab-${s}-seat`);

    let seatsResources: TestResource[];
    beforeAll(async () => {
        seatsResources = fromProgram(await runProgram(SEATS_CONFIG, "dev", { commandStdout }));
    });

    /** The seats-mode resources with one resource's inputs changed. */
    function seatVariant(name: string, change: (props: Record<string, any>) => void): TestResource[] {
        const found = seatsResources.find((r) => r.name === name);
        if (!found) throw new Error(`no resource named ${name}: ${seatsResources.map((r) => r.name).join(", ")}`);
        return seatsResources.map((r) => {
            if (r !== found) return r;
            const props = structuredClone(r.props);
            change(props);
            return { ...r, props };
        });
    }

    test("a seat per student as the pack sees it: role seat, the seat's capabilities and options, TLS on 127.0.0.1, the seat image by name", () => {
        for (const name of SEATS) {
            const seat = seatsResources.find((r) => r.name === name)!;
            expect(seat.type).toBe(TYPES.container);
            expect(seat.props.labels).toContainEqual({ label: "docker-lab.role", value: "seat" });
            expect(seat.props.image).toBe(OFFLINE_IMAGES.seatImage);
            expect(seat.props.capabilities.adds).toEqual(["CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE"]);
            expect(seat.props.securityOpts).toEqual(["seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"]);
            expect(seat.props.command).toEqual(expect.arrayContaining(["--tlsverify", expect.stringMatching(/^--tlscacert=\//)]));
            expect(seat.props.ports.map((p: any) => p.ip)).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
        }
    });

    test("the seats: zero findings, mandatory or advisory, as an update and as a first preview send them", () => {
        const onSeats = (findings: Finding[]) => findings.filter((f) => SEATS.includes(f.resource ?? ""));
        expect(onSeats(analyzeAll(policies, seatsResources))).toEqual([]);
        expect(onSeats(analyzeAll(policies, asPreview(seatsResources)))).toEqual([]);
    });

    test("the whole class: zero findings, mandatory or advisory, as an update and as a first preview send them", () => {
        expect(analyzeAll(policies, seatsResources)).toEqual([]);
        expect(analyzeAll(policies, asPreview(seatsResources))).toEqual([]);
    });

    test("inside the seats and beside them every policy holds: the labs' replicas and each workstation as the pack sees them", () => {
        const replicas = seatsResources.filter((r) => /^lab-\w+-app-\d$/.test(r.name));
        expect(replicas).toHaveLength(4);
        for (const r of replicas)
            expect(r.props.ports.map((p: { ip: string }) => p.ip)).toEqual([expect.stringMatching(/^172\.16\.0\.\d+$/)]);
        for (const s of STUDENTS) {
            const ws = seatsResources.find((r) => r.name === `lab-${s}-workstation-container`)!;
            expect(ws.props.capabilities).toEqual({ drops: ["ALL"] });
            expect(ws.props.readOnly).toBe(true);
            expect(ws.props.user).toBe("1000:1000");
            expect(ws.props.image).toMatch(/^localhost:5000\/docker-lab-dev\/workstation@sha256:[0-9a-f]{64}$/);
            expect(ws.props.ports ?? []).toEqual([]);
        }
    });

    test("a replica inside a seat is judged as any container: on every interface of the seat, it is caught", () => {
        const wide = seatVariant("lab-alice-app-0", (props) => {
            props.ports = props.ports.map((p: Record<string, unknown>) => ({ ...p, ip: "0.0.0.0" }));
        });
        expect(summary(analyzeAll(policies, wide))).toEqual(["published-ports-on-bind-address: lab-alice-app-0"]);
    });

    test("a workstation is judged as any container: a capability added back, a writable root or its image by tag is caught", () => {
        const loosened = seatVariant("lab-alice-workstation-container", (props) => {
            props.capabilities = { drops: ["ALL"], adds: ["CAP_SETUID"] };
            props.readOnly = false;
            props.image = "localhost:5000/docker-lab-dev/workstation:lab";
        });
        expect(summary(analyzeAll(policies, loosened))).toEqual([
            "capabilities-dropped: lab-alice-workstation-container",
            "images-by-digest: lab-alice-workstation-container",
            "read-only-root-filesystem: lab-alice-workstation-container",
        ]);
    });

    test("bindAddress 0.0.0.0: the seats' ports are caught as every container's; the allowance clears them, and the seats keep theirs", async () => {
        const resources = fromProgram(await runProgram({ ...SEATS_CONFIG, bindAddress: "0.0.0.0" }, "dev", { commandStdout }));
        const findings = summary(analyzeAll(policies, resources));
        const onSeats = (lines: string[]) => lines.filter((f) => SEATS.some((s) => f.endsWith(`: ${s}`)));
        expect(onSeats(findings)).toEqual(SEATS.map((s) => `published-ports-on-bind-address: ${s}`));
        expect(onSeats(summary(analyzeAll(policies, resources, ALLOW_ALL_INTERFACES)))).toEqual([]);
    });

    /** What a seat is allowed and every other container refused: the findings on a seat that loses its allowance. */
    const SEAT_ALLOWANCE = [
        "capabilities-dropped",
        "images-by-digest",
        "memory-swap-cpu-limits",
        "no-host-mounts",
        "no-new-privileges",
        "no-privileged",
        "read-only-root-filesystem",
    ];
    const UNSAFE_SEAT: { title: string; change: (p: Record<string, any>) => void; caughtBy: string[] }[] = [
        {
            title: "the seat role label taken away (the seat's capabilities on another container)",
            change: (p) => (p.labels = p.labels.filter((l: any) => l.label !== "docker-lab.role")),
            caughtBy: SEAT_ALLOWANCE,
        },
        {
            title: "no --tlsverify",
            change: (p) => (p.command = p.command.filter((a: string) => a !== "--tlsverify")),
            caughtBy: SEAT_ALLOWANCE,
        },
        {
            title: "a plain tcp://0.0.0.0:2375 host",
            change: (p) =>
                (p.command = p.command.map((a: string) => a.replace(/^--host=tcp:\/\/0\.0\.0\.0:2376$/, "--host=tcp://0.0.0.0:2375"))),
            caughtBy: SEAT_ALLOWANCE,
        },
        {
            title: "its ports on 0.0.0.0",
            change: (p) => (p.ports = p.ports.map((port: any) => ({ ...port, ip: "0.0.0.0" }))),
            caughtBy: ["published-ports-on-bind-address"],
        },
        { title: "privileged", change: (p) => (p.privileged = true), caughtBy: SEAT_ALLOWANCE },
        { title: "capabilities.adds ALL", change: (p) => p.capabilities.adds.push("ALL"), caughtBy: SEAT_ALLOWANCE },
    ];

    test.each(UNSAFE_SEAT.map((u) => [u.title, u] as const))("unsafe seat caught: %s", (_, u) => {
        const findings = analyzeAll(policies, seatVariant("lab-alice-seat", u.change)).filter((f) => f.resource === "lab-alice-seat");
        expect(summary(findings)).toEqual(u.caughtBy.map((policy) => `${policy}: lab-alice-seat`).sort());
        for (const f of findings) expect(f.message).toMatch(/; fix: \S/);
    });
});
