import "./installed";
import type { PolicyPackConfig } from "../../../policy/node_modules/@pulumi/policy";
import { policies } from "../../../policy/policies";
import { appContainer, appService, check, labStack, NETWORK_NAME, network, registryContainer, volume } from "./fixtures";
import { analyze, analyzeStack, type Finding, type TestResource, UNKNOWN } from "./harness";

// Each policy with its violating and compliant cases, the resources passed as the engine passes
// them (Struct → deserializeProperties → unknown-checking proxy). A violating case names the
// fields its message must name; every message must also name the resource and say "fix:".

interface Case {
    title: string;
    resource: TestResource;
    config?: PolicyPackConfig;
    /** Substrings, one per expected finding of this policy, in order; [] for a compliant case. */
    expect: string[];
}

const policyNames = policies.map((p) => p.name);

function findingsOf(policy: string, c: Case): Finding[] {
    return analyze(policies, c.resource, c.config).filter((f) => f.policy === policy);
}

const CASES: Record<string, Case[]> = {
    "no-privileged": [
        { title: "a privileged container", resource: appContainer({ privileged: true }), expect: ["privileged is true"] },
        { title: "a service adding ALL capabilities back", resource: appService({ capAdds: ["ALL"] }), expect: ["capAdds adds ALL"] },
        {
            title: "an app container with seccomp, AppArmor and systempaths unconfined, and SELinux labels off (only a seat may: seats.test.ts)",
            resource: appContainer({
                securityOpts: [
                    "no-new-privileges:true",
                    "seccomp=unconfined",
                    "apparmor:unconfined",
                    "systempaths=unconfined",
                    "label=disable",
                ],
            }),
            expect: ["securityOpts has seccomp=unconfined, apparmor:unconfined, systempaths=unconfined, label=disable"],
        },
        {
            title: "a seccomp profile and an AppArmor profile of its own (still confined)",
            resource: appContainer({
                securityOpts: ["no-new-privileges:true", "seccomp=/etc/docker/seccomp.json", "apparmor=docker-default"],
            }),
            expect: [],
        },
        { title: "the lab's app container (privileged unset)", resource: appContainer(), expect: [] },
        { title: "privileged: false", resource: appContainer({ privileged: false }), expect: [] },
        { title: "a service without capAdds", resource: appService(), expect: [] },
    ],
    "no-host-namespaces": [
        {
            title: "host network, PID and IPC modes",
            resource: appContainer({ networkMode: "host", pidMode: "host", ipcMode: "host" }),
            expect: ['networkMode is "host"', 'pidMode is "host"', 'ipcMode is "host"'],
        },
        { title: "a service on the lab network", resource: appService(), expect: [] },
        {
            title: "a service attached to the host network",
            resource: (() => {
                const s = appService();
                s.props.taskSpec.networksAdvanceds = [{ name: "host" }];
                return s;
            })(),
            expect: ["taskSpec.networksAdvanceds[0] is the host network"],
        },
        {
            title: "the provider's default bridge mode and another container's PID namespace",
            resource: appContainer({ pidMode: "container:abc" }),
            expect: [],
        },
    ],
    "published-ports-on-bind-address": [
        {
            title: "0.0.0.0, an empty ip, :: and publishAllPorts",
            resource: appContainer({
                publishAllPorts: true,
                ports: [
                    { internal: 8080, external: 8080, ip: "0.0.0.0" },
                    { internal: 8081, external: 8081, ip: "" },
                    { internal: 8082, external: 8082, ip: "::" },
                    { internal: 8083, external: 8083 },
                ],
            }),
            expect: [
                "publishAllPorts is true",
                "ports[0].ip is 0.0.0.0",
                "ports[1].ip is not set",
                "ports[2].ip is ::",
                "ports[3].ip is not set",
            ],
        },
        {
            title: "0.0.0.0 with allowAllInterfaces in the policy config",
            resource: appContainer({ ports: [{ internal: 8080, external: 8080, ip: "0.0.0.0" }] }),
            config: { "published-ports-on-bind-address": { allowAllInterfaces: true } },
            expect: [],
        },
        {
            title: "allowAllInterfaces false is no allowance",
            resource: appContainer({ ports: [{ internal: 8080, external: 8080, ip: "0.0.0.0" }] }),
            config: { "published-ports-on-bind-address": { allowAllInterfaces: false } },
            expect: ["ports[0].ip is 0.0.0.0"],
        },
        {
            title: "a service publishing a port (swarm binds every interface)",
            resource: appService({}, { endpointSpec: { ports: [{ targetPort: 8080, publishedPort: 8080 }] } }),
            expect: ["endpointSpec.ports[0]"],
        },
        { title: "127.0.0.1", resource: appContainer(), expect: [] },
        {
            title: "a specific LAN address and ::1",
            resource: appContainer({
                ports: [
                    { internal: 1, external: 1, ip: "192.168.1.10" },
                    { internal: 2, external: 2, ip: "::1" },
                ],
            }),
            expect: [],
        },
        { title: "a service publishing nothing", resource: appService(), expect: [] },
    ],
    "memory-swap-cpu-limits": [
        {
            title: "no memory limit and no CPU share",
            resource: appContainer({ memory: undefined, memorySwap: undefined, cpuShares: undefined }),
            expect: ["memory is not set", "cpuShares is not set"],
        },
        { title: "no swap limit (memorySwap unset)", resource: appContainer({ memorySwap: undefined }), expect: ["memorySwap is not set"] },
        {
            title: "swap allowed (memorySwap twice memory)",
            resource: appContainer({ memorySwap: 256 }),
            expect: ["memorySwap is 256, not equal to memory (128)"],
        },
        { title: "cpuShares 0", resource: appContainer({ cpuShares: 0 }), expect: ["cpuShares is 0"] },
        {
            title: "a service without limits",
            resource: (() => {
                const s = appService();
                delete s.props.taskSpec.resources;
                return s;
            })(),
            expect: ["limits.memoryBytes is not set", "limits.nanoCpus is not set"],
        },
        { title: "memory 128, memorySwap 128, cpuShares 512", resource: appContainer(), expect: [] },
        { title: "a service with memory and CPU limits", resource: appService(), expect: [] },
    ],
    "read-only-root-filesystem": [
        { title: "readOnly false", resource: appContainer({ readOnly: false }), expect: ["readOnly is false"] },
        { title: "readOnly unset", resource: appContainer({ readOnly: undefined }), expect: ["readOnly is not set"] },
        {
            title: "a service with a writable root",
            resource: appService({ readOnly: false }),
            expect: ["taskSpec.containerSpec.readOnly is false"],
        },
        { title: "readOnly true", resource: appContainer(), expect: [] },
        { title: "a read-only service", resource: appService(), expect: [] },
    ],
    "capabilities-dropped": [
        { title: "nothing dropped", resource: appContainer({ capabilities: undefined }), expect: ["capabilities.drops does not drop ALL"] },
        {
            title: "SYS_ADMIN added back",
            resource: appContainer({ capabilities: { drops: ["ALL"], adds: ["SYS_ADMIN"] } }),
            expect: ["capabilities.adds adds SYS_ADMIN"],
        },
        {
            title: "a capability outside a configured allow-list",
            resource: appContainer({ capabilities: { drops: ["ALL"], adds: ["CAP_CHOWN", "NET_BIND_SERVICE"] } }),
            config: { "capabilities-dropped": { allowedCapabilities: ["CHOWN"] } },
            expect: ["capabilities.adds adds NET_BIND_SERVICE"],
        },
        {
            title: "a service dropping only NET_RAW",
            resource: appService({ capDrops: ["NET_RAW"] }),
            expect: ["capDrops does not drop ALL"],
        },
        { title: "ALL dropped", resource: appContainer(), expect: [] },
        {
            title: "ALL dropped, NET_BIND_SERVICE (the default allow-list) added back",
            resource: appContainer({ capabilities: { drops: ["all"], adds: ["CAP_NET_BIND_SERVICE"] } }),
            expect: [],
        },
        { title: "a service dropping ALL", resource: appService(), expect: [] },
    ],
    "no-new-privileges": [
        { title: "no securityOpts", resource: appContainer({ securityOpts: undefined }), expect: ["securityOpts lacks no-new-privileges"] },
        {
            title: "no-new-privileges:false",
            resource: appContainer({ securityOpts: ["no-new-privileges:false"] }),
            expect: ["securityOpts lacks no-new-privileges"],
        },
        { title: "no-new-privileges:true", resource: appContainer(), expect: [] },
        {
            title: "no-new-privileges and no-new-privileges=true",
            resource: appContainer({ securityOpts: ["seccomp=default", "no-new-privileges"] }),
            expect: [],
        },
    ],
    "images-by-digest": [
        {
            title: "an app container by tag",
            resource: appContainer({ image: "localhost:5000/docker-lab-dev/hellodocker:1.0.0" }),
            expect: ['image is "localhost:5000/docker-lab-dev/hellodocker:1.0.0"'],
        },
        {
            title: "a digest that is not sha256 of 64 hex",
            resource: appContainer({ image: "hellodocker@sha256:abc" }),
            expect: ["image is"],
        },
        {
            title: "a service by tag",
            resource: appService({ image: "nginx:latest" }),
            expect: ['taskSpec.containerSpec.image is "nginx:latest"'],
        },
        { title: "an app container by digest", resource: appContainer(), expect: [] },
        { title: "the registry by tag (its image comes from the registryImage config)", resource: registryContainer(), expect: [] },
        {
            title: "an image not known yet (a preview: the digest comes from the pushed image)",
            resource: appContainer({ image: UNKNOWN }),
            expect: [],
        },
    ],
    "no-host-mounts": [
        {
            title: "the Docker socket as a volume",
            resource: appContainer({ volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }] }),
            expect: ["volumes[0].hostPath mounts the Docker socket /var/run/docker.sock"],
        },
        {
            title: "the Docker socket as a bind mount, and a host folder",
            resource: appContainer({
                mounts: [
                    { type: "bind", source: "/run/docker.sock", target: "/var/run/docker.sock" },
                    { type: "bind", source: "/srv/data", target: "/data" },
                ],
            }),
            expect: [
                "mounts[0] (type bind, source) mounts the Docker socket",
                'mounts[1] (type bind, source) mounts the host path "/srv/data"',
            ],
        },
        {
            title: "a host folder as a volume",
            resource: appContainer({ volumes: [{ hostPath: "/home", containerPath: "/home" }] }),
            expect: ['volumes[0].hostPath mounts the host path "/home"'],
        },
        {
            title: "a service bind mount",
            resource: appService({ mounts: [{ type: "bind", source: "/etc", target: "/etc" }] }),
            expect: ["taskSpec.containerSpec.mounts[0]"],
        },
        {
            title: "a local volume bound to a host folder",
            resource: volume({ driver: "local", driverOpts: { type: "none", o: "bind", device: "/srv/registry" } }),
            expect: ['driverOpts bind the host folder "/srv/registry"'],
        },
        {
            title: "named volumes and tmpfs",
            resource: registryContainer({
                mounts: [
                    { type: "volume", source: "data", target: "/data" },
                    { type: "tmpfs", target: "/tmp" },
                ],
            }),
            expect: [],
        },
        { title: "a plain named volume", resource: volume(), expect: [] },
        { title: "a service with a tmpfs mount", resource: appService(), expect: [] },
    ],
    "registry-loopback-or-auth": [
        {
            title: "the registry on 0.0.0.0 without authentication",
            resource: registryContainer({ ports: [{ internal: 5000, external: 5000, ip: "0.0.0.0" }] }),
            expect: ["ports[0].ip is 0.0.0.0, which publishes the registry"],
        },
        {
            title: "the registry on a LAN address without authentication",
            resource: registryContainer({ ports: [{ internal: 5000, external: 5000, ip: "192.168.1.10" }] }),
            expect: ["ports[0].ip is 192.168.1.10"],
        },
        {
            title: "the registry with publishAllPorts",
            resource: registryContainer({ publishAllPorts: true }),
            expect: ["publishAllPorts is true"],
        },
        {
            title: "a registry service publishing a port",
            resource: appService(
                {},
                { labels: [{ label: "docker-lab.role", value: "registry" }], endpointSpec: { ports: [{ targetPort: 5000 }] } },
            ),
            expect: ["endpointSpec.ports[0] publishes the registry"],
        },
        { title: "the registry on 127.0.0.1", resource: registryContainer(), expect: [] },
        {
            title: "the registry on ::1",
            resource: registryContainer({ ports: [{ internal: 5000, external: 5000, ip: "::1" }] }),
            expect: [],
        },
        {
            title: "the registry on 0.0.0.0 with REGISTRY_AUTH=htpasswd",
            resource: registryContainer({ envs: ["REGISTRY_AUTH=htpasswd"], ports: [{ internal: 5000, external: 5000, ip: "0.0.0.0" }] }),
            expect: [],
        },
        {
            title: "an app container on a LAN address (not the registry)",
            resource: appContainer({ ports: [{ internal: 8080, external: 8080, ip: "192.168.1.10" }] }),
            expect: [],
        },
    ],
    "restart-policy": [
        { title: 'restart "no"', resource: appContainer({ restart: "no" }), expect: ['restart is "no"'] },
        { title: "restart unset", resource: appContainer({ restart: undefined }), expect: ['restart is "no"'] },
        { title: "a service restarted on failure", resource: appService(), expect: [] },
        { title: 'restart "on-failure"', resource: appContainer(), expect: [] },
        { title: "a one-shot container (rm: true)", resource: appContainer({ restart: "no", rm: true }), expect: [] },
    ],
    healthcheck: [
        { title: "no healthcheck", resource: appContainer({ healthcheck: undefined }), expect: ["healthcheck is not set"] },
        {
            title: "healthcheck NONE",
            resource: appContainer({ healthcheck: { tests: ["NONE"] } }),
            expect: ["healthcheck is not set (or NONE)"],
        },
        {
            title: "a service without healthcheck",
            resource: appService({ healthcheck: undefined }),
            expect: ["taskSpec.containerSpec.healthcheck is not set"],
        },
        { title: "a CMD-SHELL healthcheck", resource: appContainer(), expect: [] },
        {
            title: "a container run to completion (attach: true)",
            resource: appContainer({ healthcheck: undefined, attach: true }),
            expect: [],
        },
    ],
};

// restart-policy also has a violating service case.
CASES["restart-policy"].push({
    title: 'a service with restartPolicy "none"',
    resource: (() => {
        const s = appService();
        s.props.taskSpec.restartPolicy = { condition: "none" };
        return s;
    })(),
    expect: ['restartPolicy.condition is "none"'],
});

describe("each resource policy: violating and compliant cases", () => {
    test("every resource policy of the pack has cases here, and each has a violating and a compliant one", () => {
        const resourcePolicies = policies.filter((p) => "validateResource" in p).map((p) => p.name);
        expect(Object.keys(CASES).sort()).toEqual([...resourcePolicies].sort());
        for (const [policy, cases] of Object.entries(CASES)) {
            expect({
                policy,
                violating: cases.some((c) => c.expect.length > 0),
                compliant: cases.some((c) => c.expect.length === 0),
            }).toEqual({
                policy,
                violating: true,
                compliant: true,
            });
        }
    });

    for (const [policy, cases] of Object.entries(CASES)) {
        describe(policy, () => {
            test.each(cases.map((c) => [c.expect.length > 0 ? `violating: ${c.title}` : `compliant: ${c.title}`, c] as const))(
                "%s",
                (_, c) => {
                    const findings = findingsOf(policy, c);
                    expect(findings.map((f) => f.message)).toHaveLength(c.expect.length);
                    c.expect.forEach((fragment, i) => {
                        const { message } = findings[i];
                        expect(message).toContain(fragment);
                        expect(message).toContain(c.resource.name);
                        expect(message).toMatch(/; fix: \S/);
                    });
                    // The case breaks only the policy under test (or none).
                    const others = analyze(policies, c.resource, c.config).filter((f) => f.policy !== policy);
                    const expectedOthers = OTHERS[`${policy}: ${c.title}`] ?? [];
                    expect([...new Set(others.map((f) => f.policy))].sort()).toEqual(expectedOthers);
                },
            );
        });
    }
});

/** Cases that also break another policy, on purpose (the same unsafe setting is two findings). */
const OTHERS: Record<string, string[]> = {
    "no-privileged: a service adding ALL capabilities back": ["capabilities-dropped"],
    "registry-loopback-or-auth: the registry on 0.0.0.0 without authentication": ["published-ports-on-bind-address"],
    "registry-loopback-or-auth: the registry with publishAllPorts": ["published-ports-on-bind-address"],
    "registry-loopback-or-auth: a registry service publishing a port": ["published-ports-on-bind-address"],
    "registry-loopback-or-auth: the registry on 0.0.0.0 with REGISTRY_AUTH=htpasswd": ["published-ports-on-bind-address"],
};

describe("advisory and mandatory levels", () => {
    test("restart-policy and healthcheck are advisory, every other policy mandatory", () => {
        const levels = Object.fromEntries(
            policyNames.map((name) => {
                const policy = policies.find((p) => p.name === name)!;
                return [name, policy.enforcementLevel ?? "mandatory"];
            }),
        );
        expect(
            Object.entries(levels)
                .filter(([, level]) => level === "advisory")
                .map(([name]) => name),
        ).toEqual(["restart-policy", "healthcheck"]);
        const finding = analyze(policies, appContainer({ restart: "no" })).find((f) => f.policy === "restart-policy");
        expect(finding?.level).toBe("advisory");
        expect(analyze(policies, appContainer({ privileged: true })).find((f) => f.policy === "no-privileged")?.level).toBe("mandatory");
    });
});

describe("unknown values (a preview)", () => {
    test('a container whose every property is unknown gives no finding, and no "can\'t run during preview"', () => {
        const props = Object.fromEntries(Object.keys(appContainer().props).map((k) => [k, UNKNOWN]));
        expect(analyze(policies, { ...appContainer(), props })).toEqual([]);
    });

    test("unknown leaves inside known lists are skipped while the known ones are still judged", () => {
        const resource = appContainer({
            ports: [
                { internal: 8080, external: 8080, ip: UNKNOWN },
                { internal: 8081, external: 8081, ip: "0.0.0.0" },
            ],
            capabilities: { drops: UNKNOWN, adds: ["SYS_ADMIN"] },
            securityOpts: UNKNOWN,
            memorySwap: UNKNOWN,
        });
        expect(analyze(policies, resource).map((f) => `${f.policy}: ${f.message.split(": ")[1]}`)).toEqual([
            "published-ports-on-bind-address: ports[1].ip is 0.0.0.0, which publishes port 8081 on every interface; fix",
            "capabilities-dropped: capabilities.adds adds SYS_ADMIN, outside the allow-list (NET_BIND_SERVICE); fix",
        ]);
    });
});

describe("lab-wiring (stack policy)", () => {
    const stackFindings = (resources: TestResource[]) => analyzeStack(policies, resources).filter((f) => f.policy === "lab-wiring");

    test("compliant: every replica on the lab network, every check on every replica", () => {
        expect(stackFindings(labStack())).toEqual([]);
    });

    test("compliant during a preview: a network name not known yet that comes from the lab network", () => {
        const resources = labStack();
        resources[2].props.networksAdvanced = [{ name: UNKNOWN }];
        expect(stackFindings(resources)).toEqual([]);
    });

    test("violating: a replica on another network", () => {
        const resources = labStack();
        resources[3].props.networksAdvanced = [{ name: "bridge" }];
        resources[3].propertyDependencies = {};
        const findings = stackFindings(resources);
        expect(findings).toHaveLength(1);
        expect(findings[0]).toMatchObject({ resource: "lab-app-1", level: "mandatory" });
        expect(findings[0].message).toContain(
            `replica lab-app-1 is not on the lab network (${NETWORK_NAME}): its networksAdvanced names ["bridge"]; fix:`,
        );
    });

    test("violating: a network name not known yet that does not come from the lab network", () => {
        const resources = labStack();
        resources[2].props.networksAdvanced = [{ name: UNKNOWN }];
        resources[2].propertyDependencies = { networksAdvanced: ["lab-registry-container"] };
        expect(stackFindings(resources).map((f) => f.resource)).toEqual(["lab-app-0"]);
    });

    test("violating: a check that does not wait for a replica", () => {
        const resources = [...labStack(), check("lab-check-00-image-layers", ["lab-app-0"])];
        const findings = stackFindings(resources);
        expect(findings).toHaveLength(1);
        expect(findings[0].resource).toBe("lab-check-00-image-layers");
        expect(findings[0].message).toMatch(
            /check lab-check-00-image-layers does not depend on replica\(s\) lab-app-1, .*; fix: put every replica container of its lab in the check's dependsOn/,
        );
    });

    test("violating: replicas without a lab network", () => {
        const resources = labStack().filter((r) => r.name !== "lab-network");
        expect(stackFindings(resources).map((f) => f.message)).toEqual([
            expect.stringMatching(/the lab has 2 replica\(s\) but no lab network .*; fix: create the lab network/),
        ]);
    });

    /** Two student labs as the classroom program builds them: each its own network, replicas and checks, under its own component. */
    function classStack(): TestResource[] {
        const student = (name: string): TestResource[] => {
            const net = `docker-lab-dev-${name}-net`;
            const replica = (i: number): TestResource => ({
                ...appContainer({ networksAdvanced: [{ name: net }] }, `lab-${name}-app-${i}`),
                parent: `lab-${name}-app`,
                propertyDependencies: { networksAdvanced: [`lab-${name}-network`] },
            });
            return [
                { type: "docker-lab:lab:StudentLab", name: `lab-${name}`, props: {}, parent: "lab" },
                { type: "docker-lab:lab:AppReplicas", name: `lab-${name}-app`, props: {}, parent: `lab-${name}` },
                { type: "docker-lab:lab:LessonCheckCommands", name: `lab-${name}-check`, props: {}, parent: `lab-${name}` },
                { ...network({ name: net }), name: `lab-${name}-network`, parent: `lab-${name}` },
                replica(0),
                replica(1),
                { ...check(`lab-${name}-check-02-http-0`, [`lab-${name}-app-0`, `lab-${name}-app-1`]), parent: `lab-${name}-check` },
            ];
        };
        return [
            { type: "docker-lab:lab:DockerLab", name: "lab", props: {} },
            { ...network(), parent: "lab" },
            { ...registryContainer(), parent: "lab" },
            ...student("alice"),
            ...student("bob"),
        ];
    }

    test("compliant classroom: each student's replicas on their own network, each check on its own student's replicas only", () => {
        expect(stackFindings(classStack())).toEqual([]);
    });

    test("violating classroom: a student's replica on the shared network, a check missing one of its student's replicas", () => {
        const resources = classStack().map((r) => {
            if (r.name === "lab-alice-app-1")
                return { ...r, props: { ...r.props, networksAdvanced: [{ name: NETWORK_NAME }] }, propertyDependencies: {} };
            if (r.name === "lab-bob-check-02-http-0") return { ...r, dependencies: ["lab-bob-app-0", "lab-alice-app-1"] };
            return r;
        });
        expect(stackFindings(resources).map((f) => f.message.split("; fix:")[0])).toEqual([
            `replica lab-alice-app-1 is not on the lab network of lab-alice (docker-lab-dev-alice-net): its networksAdvanced names ["${NETWORK_NAME}"]`,
            "check lab-bob-check-02-http-0 does not depend on replica(s) lab-bob-app-1 of lab-bob, so it may run before they are up",
        ]);
    });

    test("commands that are not checks need no replica", () => {
        expect(stackFindings([...labStack(), check("lab-image-local-tags", [])])).toEqual([]);
    });
});
