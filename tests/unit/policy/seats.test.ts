import "./installed";
import {
    SEAT_CAPABILITIES as LAB_SEAT_CAPABILITIES,
    SEAT_ENGINE_PORT as LAB_SEAT_ENGINE_PORT,
    SEAT_SECURITY_OPTS as LAB_SEAT_SECURITY_OPTS,
} from "../../../lab/modes/seats/seat";
import type { PolicyPackConfig } from "../../../policy/node_modules/@pulumi/policy";
import { policies } from "../../../policy/policies";
import { PLAIN_ENGINE_PORT, SEAT_CAPABILITIES, SEAT_ENGINE_PORT, SEAT_HOST_PATH, SEAT_SECURITY_OPTS } from "../../../policy/policies/seat";
import { appContainer, seatContainer } from "./fixtures";
import { analyze, type Finding, type TestResource, UNKNOWN } from "./harness";

// The policy pack with seats: a seat (label docker-lab.role=seat) is dockerd in a container, and the
// pack allows it exactly what dockerd needs (the seat's capabilities on top of Docker's default set,
// seccomp/AppArmor/systempaths unconfined, the host's /sys/fs/cgroup, a writable root, no
// no-new-privileges, its image by name, cpus instead of cpuShares) only when it is labelled a seat,
// is neither privileged nor adding ALL, and runs its engine with TLS (--tlsverify, --tlscacert, no
// plain-text 2375, no --tls=false); its ports are judged as every container's. Each case below runs
// the whole pack on one resource, as the engine passes it.

const ALLOW_ALL_INTERFACES: PolicyPackConfig = { "published-ports-on-bind-address": { allowAllInterfaces: true } };

/** The seat fixture with its dockerd command changed by `change`. */
const withCommand = (change: (command: string[]) => string[], props: Record<string, any> = {}) =>
    seatContainer({ command: change([...seatContainer().props.command]), ...props });

/** The seat fixture with some labels replaced: the role taken away, or another role. */
const withRole = (role: string | undefined) => {
    const labels = seatContainer().props.labels.filter((l: any) => l.label !== "docker-lab.role");
    return seatContainer({ labels: role === undefined ? labels : [...labels, { label: "docker-lab.role", value: role }] });
};

/**
 * What a seat needs and every other container is refused, as the findings on a container that has it
 * all without the seat's allowance: "policy: fragment", one per finding, in the pack's order.
 */
const SEAT_NEEDS = [
    "no-privileged: securityOpts has seccomp=unconfined, apparmor=unconfined, systempaths=unconfined",
    "memory-swap-cpu-limits: cpuShares is not set",
    "read-only-root-filesystem: readOnly is not set",
    "capabilities-dropped: capabilities.drops does not drop ALL",
    "capabilities-dropped: capabilities.adds adds CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_SYS_PTRACE, outside the allow-list (NET_BIND_SERVICE)",
    "no-new-privileges: securityOpts lacks no-new-privileges",
    'images-by-digest: image is "docker-lab-offline/dind:sid"',
    'no-host-mounts: volumes[1].hostPath mounts the host path "/sys/fs/cgroup"',
];

interface Case {
    title: string;
    resource: TestResource;
    config?: PolicyPackConfig;
    /** "policy: fragment", one per expected finding, in order; [] for a compliant case. */
    expect: string[];
    /** Why the seat's allowance does not apply: in every finding but those of `plain`. */
    because?: string;
    /** Fragments of findings that do not carry `because` (they are not about what a seat is allowed). */
    plain?: string[];
}

/** The findings' "policy: message" lines must match `expect` in order, each one naming the resource and ending in a fix. */
function expectFindings(findings: Finding[], c: Case) {
    expect(findings.map((f) => `${f.policy}: ${f.message}`)).toHaveLength(c.expect.length);
    c.expect.forEach((expected, i) => {
        const [policy, ...rest] = expected.split(": ");
        const fragment = rest.join(": ");
        const f = findings[i];
        expect(`${f.policy}: ${f.message}`).toContain(`${policy}: `);
        expect(f.policy).toBe(policy);
        expect(f.message).toContain(fragment);
        expect(f.message).toContain(c.resource.name);
        // One fix, the message's last part, as in every message of the pack.
        const parts = f.message.split("; fix: ");
        expect(parts).toHaveLength(2);
        expect(parts[1]).toMatch(/^\S/);
        const noted = c.because !== undefined && !(c.plain ?? []).some((p) => f.message.includes(p));
        if (noted) {
            expect(parts[0]).toContain(`(a seat's allowance does not apply: ${c.because})`);
            expect(parts[1]).toMatch(/, or, to keep the allowance of a seat \(label docker-lab\.role=seat\), \S/);
        } else {
            expect(f.message).not.toContain("seat's allowance does not apply");
        }
    });
}

describe("the policy pack with seats", () => {
    test("the pack's seat values are the lab's (the pack imports nothing of the lab)", () => {
        expect(SEAT_CAPABILITIES).toEqual(LAB_SEAT_CAPABILITIES.map((c) => c.replace(/^CAP_/, "")));
        expect(SEAT_SECURITY_OPTS).toEqual([...LAB_SEAT_SECURITY_OPTS]);
        expect(SEAT_ENGINE_PORT).toBe(LAB_SEAT_ENGINE_PORT);
        expect(PLAIN_ENGINE_PORT).toBe(2375);
        expect(
            seatContainer()
                .props.volumes.map((v: any) => v.hostPath)
                .filter(Boolean),
        ).toEqual([SEAT_HOST_PATH]);
    });

    const COMPLIANT: Case[] = [
        { title: "a seat as the seats mode sends it (TLS engine on 127.0.0.1)", resource: seatContainer(), expect: [] },
        {
            title: "a seat on a specific LAN address",
            resource: seatContainer({
                ports: seatContainer().props.ports.map((p: any) => ({ ...p, ip: "192.168.1.10" })),
            }),
            expect: [],
        },
        {
            title: "a seat on every interface with the allowance (policy/allow-all-interfaces.json)",
            resource: seatContainer({ ports: seatContainer().props.ports.map((p: any) => ({ ...p, ip: "0.0.0.0" })) }),
            config: ALLOW_ALL_INTERFACES,
            expect: [],
        },
        {
            title: "dockerd's flags as separate words, capabilities without CAP_, security options with a colon",
            resource: seatContainer({
                command: [
                    "-H",
                    "unix:///var/run/docker.sock",
                    "-H",
                    "tcp://0.0.0.0:2376",
                    "--tlsverify=true",
                    "--tlscacert",
                    "/tls/ca.pem",
                ],
                capabilities: { adds: ["sys_admin", "NET_ADMIN", "SYS_PTRACE"] },
                securityOpts: ["seccomp:unconfined", "apparmor:unconfined", "systempaths=unconfined"],
            }),
            expect: [],
        },
        {
            title: "a seat with a CPU weight instead of cpus, and dropping nothing explicitly",
            resource: seatContainer({ cpus: undefined, cpuShares: 1024, capabilities: { drops: [], adds: ["CAP_SYS_ADMIN"] } }),
            expect: [],
        },
        {
            title: "a seat during a preview: its command, ports and capabilities not known yet (the update judges them)",
            resource: seatContainer({ command: UNKNOWN, ports: UNKNOWN, capabilities: { adds: UNKNOWN } }),
            expect: [],
        },
        {
            title: "an app container is unchanged by the seat's allowance",
            resource: appContainer(),
            expect: [],
        },
    ];

    const VIOLATING: Case[] = [
        {
            title: "the seat's capabilities, options, host path and root without the seat role (role app)",
            resource: withRole("app"),
            expect: SEAT_NEEDS,
        },
        { title: "the seat's capabilities without any role label", resource: withRole(undefined), expect: SEAT_NEEDS },
        {
            title: "the seat role without --tlsverify",
            resource: withCommand((cmd) => cmd.filter((a) => a !== "--tlsverify")),
            expect: SEAT_NEEDS,
            because: "its command has no --tlsverify",
        },
        {
            title: "the seat role without --tlscacert",
            resource: withCommand((cmd) => cmd.filter((a) => !a.startsWith("--tlscacert"))),
            expect: SEAT_NEEDS,
            because: "its command has no --tlscacert",
        },
        {
            title: "the seat role with a plain tcp://0.0.0.0:2375 host",
            resource: withCommand((cmd) => cmd.map((a) => a.replace("tcp://0.0.0.0:2376", "tcp://0.0.0.0:2375"))),
            expect: SEAT_NEEDS,
            because: "its command listens on tcp://0.0.0.0:2375, the plain-text engine port",
        },
        {
            title: "the seat role with a plain-text host and no TLS at all (docker:dind's old default)",
            resource: seatContainer({ entrypoints: ["dockerd-entrypoint.sh"], command: ["dockerd", "-H", "tcp://0.0.0.0:2375"] }),
            expect: SEAT_NEEDS,
            because:
                "its command has no --tlsverify and its command has no --tlscacert and its command listens on tcp://0.0.0.0:2375, the plain-text engine port",
        },
        {
            title: "the seat role with --tls=false",
            resource: withCommand((cmd) => [...cmd, "--tls=false"]),
            expect: SEAT_NEEDS,
            because: "its command turns TLS off (--tls=false)",
        },
        {
            title: "the seat role publishing port 2375",
            resource: seatContainer({
                ports: [...seatContainer().props.ports, { internal: 2375, external: 2375, ip: "127.0.0.1", protocol: "tcp" }],
            }),
            expect: SEAT_NEEDS,
            because: "its ports[3] publishes port 2375, the plain-text engine port",
        },
        {
            title: "the seat role with its ports on 0.0.0.0 without the allowance",
            resource: seatContainer({ ports: seatContainer().props.ports.map((p: any) => ({ ...p, ip: "0.0.0.0" })) }),
            expect: [
                "published-ports-on-bind-address: ports[0].ip is 0.0.0.0, which publishes port 8080 on every interface",
                "published-ports-on-bind-address: ports[1].ip is 0.0.0.0, which publishes port 8081 on every interface",
                "published-ports-on-bind-address: ports[2].ip is 0.0.0.0, which publishes port 8082 on every interface",
            ],
        },
        {
            title: "the seat role with allowAllInterfaces false (no allowance)",
            resource: seatContainer({ ports: [{ internal: 2376, external: 8082, protocol: "tcp" }] }),
            config: { "published-ports-on-bind-address": { allowAllInterfaces: false } },
            expect: ["published-ports-on-bind-address: ports[0].ip is not set (Docker binds 0.0.0.0)"],
        },
        {
            title: "a privileged seat",
            resource: seatContainer({ privileged: true }),
            expect: ["no-privileged: privileged is true", ...SEAT_NEEDS],
            because: "it is privileged",
            plain: ["privileged is true"],
        },
        {
            title: "a seat adding ALL capabilities",
            resource: seatContainer({ capabilities: { adds: ["CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "ALL"] } }),
            expect: SEAT_NEEDS.map((e) => e.replace("CAP_SYS_PTRACE, outside", "CAP_SYS_PTRACE, ALL, outside")),
            because: "its capabilities.adds adds ALL",
        },
    ];

    // What a seat has beyond what dockerd needs is judged as for any container, allowance or not.
    const BEYOND: Case[] = [
        {
            title: "a seat adding a capability it does not need (SYS_MODULE)",
            resource: seatContainer({ capabilities: { adds: ["CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_MODULE"] } }),
            expect: [
                "capabilities-dropped: capabilities.adds adds CAP_SYS_MODULE, outside the allow-list (NET_BIND_SERVICE, and a seat's NET_ADMIN, SYS_ADMIN, SYS_PTRACE)",
            ],
        },
        {
            title: "a seat mounting the Docker socket",
            resource: seatContainer({
                volumes: [...seatContainer().props.volumes, { hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }],
            }),
            expect: ["no-host-mounts: volumes[2].hostPath mounts the Docker socket /var/run/docker.sock"],
        },
        {
            title: "a seat mounting another host folder, and the cgroup tree elsewhere",
            resource: seatContainer({
                volumes: [{ hostPath: "/etc", containerPath: "/etc" }],
                mounts: [{ type: "bind", source: "/sys/fs/cgroup", target: "/host/cgroup" }],
            }),
            expect: [
                'no-host-mounts: volumes[0].hostPath mounts the host path "/etc"',
                'no-host-mounts: mounts[0] (type bind, source) mounts the host path "/sys/fs/cgroup"',
            ],
        },
        {
            title: "a seat turning SELinux labels off (label=disable)",
            resource: seatContainer({ securityOpts: [...seatContainer().props.securityOpts, "label=disable"] }),
            expect: ["no-privileged: securityOpts has label=disable"],
        },
        {
            title: "a seat without a CPU limit or weight",
            resource: seatContainer({ cpus: undefined }),
            expect: [
                "memory-swap-cpu-limits: cpuShares is not set and cpus is not set, so the seat has no CPU limit or weight of its own; fix: set cpus",
            ],
        },
        {
            title: "a seat with swap (memorySwap unset)",
            resource: seatContainer({ memorySwap: undefined }),
            expect: ["memory-swap-cpu-limits: memorySwap is not set"],
        },
        {
            title: "a seat on the host's network",
            resource: seatContainer({ networkMode: "host" }),
            expect: ['no-host-namespaces: networkMode is "host"'],
        },
    ];

    // Unconfined security options are refused to every container but a seat.
    const UNCONFINED: Case[] = [
        {
            title: "an app container with seccomp=unconfined",
            resource: appContainer({ securityOpts: ["no-new-privileges:true", "seccomp=unconfined"] }),
            expect: ["no-privileged: securityOpts has seccomp=unconfined"],
        },
        {
            title: "an app container with a seccomp profile (confined)",
            resource: appContainer({
                securityOpts: ["no-new-privileges:true", "seccomp=/etc/docker/seccomp.json", "apparmor=docker-default"],
            }),
            expect: [],
        },
    ];

    const all = [
        ...COMPLIANT.map((c) => ["compliant", c] as const),
        ...VIOLATING.map((c) => ["violating", c] as const),
        ...BEYOND.map((c) => ["violating, beyond a seat's needs", c] as const),
        ...UNCONFINED.map((c) => [c.expect.length > 0 ? "violating" : "compliant", c] as const),
    ];

    test.each(all.map(([kind, c]) => [`${kind}: ${c.title}`, c] as const))("%s", (_, c) => {
        expectFindings(analyze(policies, c.resource, c.config), c);
    });

    test("the same seat on every interface: the allowance clears the ports and nothing else is found", () => {
        const seat = seatContainer({ ports: seatContainer().props.ports.map((p: any) => ({ ...p, ip: "0.0.0.0" })) });
        expect(analyze(policies, seat).every((f) => f.policy === "published-ports-on-bind-address")).toBe(true);
        expect(analyze(policies, seat, ALLOW_ALL_INTERFACES)).toEqual([]);
        // The allowance is no TLS: without --tlsverify, on every interface, the seat still gets no allowance.
        const noTls = { ...seat, props: { ...seat.props, command: seat.props.command.filter((a: string) => a !== "--tlsverify") } };
        expect([...new Set(analyze(policies, noTls, ALLOW_ALL_INTERFACES).map((f) => f.policy))].sort()).toEqual(
            [...new Set(SEAT_NEEDS.map((e) => e.split(": ")[0]))].sort(),
        );
    });

    test("a known flaw is judged even while something else is unknown: a privileged seat with its command unknown", () => {
        const findings = analyze(policies, seatContainer({ privileged: true, command: UNKNOWN }));
        expect(findings.map((f) => f.policy)).toEqual(["no-privileged", ...SEAT_NEEDS.map((e) => e.split(": ")[0])]);
    });
});
