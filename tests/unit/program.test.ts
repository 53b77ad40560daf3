import {
    type ContainerSpec,
    PASS_MARKER,
    PORTAL_SECRET_COMMAND,
    pidsLimitCommand,
    portalTokens,
    renderCheckScript,
    resolveCheck,
    resolveImageCommand,
} from "../../lab";
import { labConfig } from "../../tools/stack";
import { classSpec, labSpec, replicasOf } from "../helpers/specs";
import { DEFAULT_ENGINE_PLATFORM, fakeDigest, named, ofType, type ProgramRun, runProgram, TYPES } from "./helpers/program";

// The program under Pulumi mocks: every assertion is on the inputs index.ts sent to the engine.
// Some tests run the program twice; on a loaded 2-core machine that nears Jest's 5 s default.
jest.setTimeout(60_000);

/** Mocked stdout of a command: a passing check's script prints the pass marker and its id first. */
const passingChecks =
    (failing: string[] = []) =>
    (name: string) => {
        const id = name.slice("lab-check-".length);
        return name.startsWith("lab-check-") && !failing.includes(id)
            ? `${PASS_MARKER} ${id}\noutput of ${id}\n`
            : `mock stdout of ${name}`;
    };

const inputsOf = (run: ProgramRun, type: string) => ofType(run, type).map((r) => r.inputs);
/** App containers in replica order (registration order is not guaranteed). */
const appContainers = (run: ProgramRun) =>
    ofType(run, TYPES.container)
        .filter((r) => r.name.startsWith("lab-app-"))
        .sort((a, b) => Number(a.name.slice("lab-app-".length)) - Number(b.name.slice("lab-app-".length)));

describe("default config", () => {
    let run: ProgramRun;
    const spec = labSpec({});
    beforeAll(async () => {
        run = await runProgram({}, "dev", { commandStdout: passingChecks() });
    });

    test("declares the expected resource types and counts", () => {
        const counts = (type: string) => ofType(run, type).length;
        const replicas = labConfig().replicas;
        expect(counts(TYPES.provider)).toBe(1);
        expect(counts(TYPES.network)).toBe(1);
        expect(counts(TYPES.volume)).toBe(1);
        expect(counts(TYPES.image)).toBe(1);
        expect(counts(TYPES.container)).toBe(replicas + 1);
        // one command per lesson check, one PIDs limit per container, the one that removes local tags on destroy, and the portal's secret
        expect(counts(TYPES.command)).toBe(spec.checks.length + (replicas + 1) + 1 + 1);
        expect(ofType(run, "docker-lab:lab:DockerLab")).toHaveLength(1);
    });

    test("publishes the registry and each replica on the bind address at the spec's ports", () => {
        const registry = named(run, "lab-registry-container").inputs;
        expect(registry.ports).toEqual([{ internal: 5000, external: labConfig().registryPort, ip: "127.0.0.1", protocol: "tcp" }]);
        const ports = appContainers(run).map((c) => c.inputs.ports[0]);
        const first = labConfig().appPort;
        expect(ports.map((p) => p.external)).toEqual(replicasOf(spec).map((_, i) => first + i));
        expect(ports.every((p) => p.ip === "127.0.0.1" && p.internal === 8080)).toBe(true);
    });

    test("replicas run the pushed image by digest, never by tag", () => {
        const image = named(run, "lab-image-build").inputs;
        const digestRef = `${spec.image.repository}@${fakeDigest(image.imageName)}`;
        for (const c of appContainers(run)) {
            expect(c.inputs.image).toBe(digestRef);
            expect(c.inputs.image).not.toContain(`:${spec.image.tag}`);
        }
        expect(run.outputs.imageRef).toBe(digestRef);
    });

    test("the image is built from app/Dockerfile with the base image build arg and pushed to the local registry", () => {
        const image = named(run, "lab-image-build").inputs;
        expect(image.imageName).toBe(`localhost:${labConfig().registryPort}/docker-lab-dev/hellodocker:${labConfig().appImageTag}`);
        expect(image.build).toEqual({
            context: "app",
            dockerfile: "app/Dockerfile",
            args: { BASE_IMAGE: labConfig().baseImage, LAB_INSTANCE: "docker-lab-dev" },
            platform: DEFAULT_ENGINE_PLATFORM,
        });
        expect(image.skipPush).toBe(false);
    });

    test("registry and replicas have a healthcheck and make up wait until healthy", () => {
        for (const c of ofType(run, TYPES.container)) {
            expect(c.inputs.wait).toBe(true);
            expect(c.inputs.healthcheck.tests[0]).toBe("CMD-SHELL");
            expect(c.inputs.waitTimeout).toBeGreaterThan(0);
        }
        expect(named(run, "lab-registry-container").inputs.healthcheck.tests[1]).toContain("/v2/");
        expect(appContainers(run)[0].inputs.healthcheck.tests[1]).toContain("/healthz");
    });

    test("the image waits for the registry container, which waits for its volume and network", () => {
        expect(named(run, "lab-image-build").dependsOn).toContain("lab-registry-container");
        expect(named(run, "lab-registry-container").dependsOn).toEqual(expect.arrayContaining(["lab-registry-data", "lab-network"]));
    });

    test("the image is built for the platform the engine reports, asked once through command:local:run", () => {
        expect(run.calls).toEqual([
            {
                token: "command:local:run",
                // stdout is not logged: it would print "linux/amd64" on every preview and up.
                inputs: expect.objectContaining({ command: spec.image.platformCommand, environment: {}, logging: "stderr" }),
            },
        ]);
        expect(spec.image.platformCommand).toBe("docker version --format '{{.Server.Os}}/{{.Server.Arch}}'");
        // The mock answers with a trailing newline, as the CLI does: the program trims it.
        expect(named(run, "lab-image-build").inputs.build.platform).toBe(DEFAULT_ENGINE_PLATFORM);
    });

    test("every lesson check waits for every container and its PIDs limit", () => {
        const containers = ofType(run, TYPES.container).map((c) => c.name);
        const pidsLimits = ofType(run, TYPES.command)
            .filter((c) => c.name.endsWith("-pids-limit"))
            .map((c) => c.name);
        expect(pidsLimits).toHaveLength(containers.length);
        const checks = ofType(run, TYPES.command).filter((c) => c.name.startsWith("lab-check-"));
        expect(checks).toHaveLength(spec.checks.length);
        for (const check of checks) expect(check.dependsOn).toEqual(expect.arrayContaining([...containers, ...pidsLimits]));
    });

    test("replicas depend on the tag-cleanup command, so destroy removes containers before the image tags", () => {
        for (const c of appContainers(run)) expect(c.dependsOn).toContain("lab-image-local-tags");
        const cleanup = named(run, "lab-image-local-tags").inputs;
        expect(cleanup.delete).toBe(spec.image.removeCommand);
        expect(cleanup.delete).toContain("label=docker-lab.instance=docker-lab-dev");
    });

    /** Container resource, its PIDs-limit command, the component owning both, and the spec they come from. */
    const hardened = (): [string, string, string, ContainerSpec][] => [
        ["lab-registry-container", "lab-registry-pids-limit", "lab-registry", spec.registry.container],
        ...replicasOf(spec).map((r, i): [string, string, string, ContainerSpec] => [
            `lab-app-${i}`,
            `lab-app-${i}-pids-limit`,
            "lab-app",
            r,
        ]),
    ];

    test("registry and every replica are sent the spec's CIS section-5 settings", () => {
        expect(hardened()).toHaveLength(labConfig().replicas + 1);
        for (const [resource, , , c] of hardened()) {
            const inputs = named(run, resource).inputs;
            const sent = {
                memory: inputs.memory,
                memorySwap: inputs.memorySwap,
                cpuShares: inputs.cpuShares,
                readOnly: inputs.readOnly,
                tmpfs: inputs.tmpfs,
                capabilities: inputs.capabilities,
                securityOpts: inputs.securityOpts,
                restart: inputs.restart,
                user: inputs.user,
            };
            expect({ resource, ...sent }).toEqual({
                resource,
                memory: c.memoryMb,
                memorySwap: c.memoryMb,
                cpuShares: c.cpuShares,
                readOnly: true,
                tmpfs: { "/tmp": "rw,noexec,nosuid,size=16m" },
                capabilities: { drops: ["ALL"] },
                securityOpts: ["no-new-privileges:true"],
                restart: "unless-stopped",
                user: c.user,
            });
            expect(c.cpuShares).toBeGreaterThan(0);
            expect(c.cpuShares).not.toBe(1024);
        }
        expect(named(run, "lab-registry-container").inputs.memory).toBe(spec.registry.container.memoryMb);
        // The registry keeps its image's user (65532 in the offline image); replicas run as 1000:1000.
        expect(named(run, "lab-registry-container").inputs.user).toBeUndefined();
        for (const c of appContainers(run)) {
            expect(c.inputs.user).toBe("1000:1000");
            expect(c.inputs.memory).toBe(labConfig().memoryLimitMb);
        }
    });

    test("a PIDs-limit command per container, a child of its component, re-run when the container is replaced", () => {
        for (const [resource, command, parent, c] of hardened()) {
            const cmd = named(run, command);
            expect(cmd.inputs.create).toBe(pidsLimitCommand(c));
            expect(cmd.inputs.create).toBe(`docker update --pids-limit ${c.pidsLimit} ${c.name}`);
            expect(cmd.inputs.triggers).toEqual([`${resource}-id`]);
            expect(cmd.dependsOn).toContain(resource);
            expect(cmd.parent).toBe(parent);
            expect(c.pidsLimit).toBeGreaterThan(0);
        }
    });

    test("containers with fixed host ports are deleted before their replacement is created", () => {
        for (const c of ofType(run, TYPES.container)) expect(c.deleteBeforeReplace).toBe(true);
    });

    test("every Docker resource goes through the explicit engine provider", () => {
        const dockerResources = run.resources.filter((r) => r.type.startsWith("docker:"));
        expect(dockerResources.length).toBeGreaterThan(0);
        for (const r of dockerResources) expect(r.provider).toMatch(/::lab-engine::/);
    });

    test("replicas join the lab network with the app alias and carry the lab labels", () => {
        for (const [i, c] of appContainers(run).entries()) {
            expect(c.inputs.networksAdvanced).toEqual([{ name: "docker-lab-dev-net", aliases: ["hellodocker"] }]);
            expect(c.inputs.labels).toEqual(
                expect.arrayContaining([
                    { label: "docker-lab.instance", value: "docker-lab-dev" },
                    { label: "docker-lab.role", value: "app" },
                    { label: "docker-lab.replica", value: String(i) },
                ]),
            );
        }
    });

    test("each check command is the spec's check rendered with the pushed digest, run by /bin/sh", () => {
        const imageRef = run.outputs.imageRef as string;
        for (const check of spec.checks) {
            const cmd = named(run, `lab-check-${check.id}`).inputs;
            expect(cmd.create).toBe(renderCheckScript(resolveCheck(check, { imageRef })));
            expect(cmd.interpreter).toEqual(["/bin/sh", "-c"]);
        }
    });

    test("checks re-run when the image digest or a container changes", () => {
        const containerIds = appContainers(run).map((c) => `${c.name}-id`);
        for (const check of spec.checks) {
            expect(named(run, `lab-check-${check.id}`).inputs.triggers).toEqual([run.outputs.imageRef, ...containerIds]);
        }
    });

    test("the portal's secret: made once, kept a secret, and the tokens from it exported as a secret", () => {
        const secret = named(run, "lab-portal-secret");
        expect(secret.parent).toBe("lab-portal");
        expect(named(run, "lab-portal").type).toBe("docker-lab:lab:PortalTokens");
        expect(secret.inputs.create).toBe(PORTAL_SECRET_COMMAND);
        expect(secret.inputs.triggers).toBeUndefined();
        expect(secret.additionalSecretOutputs).toEqual(["stdout"]);
        // (That the export is a secret shows in a real stack's outputs: tests/unit/portal/portal.test.ts.)
        expect(run.outputs.portal).toEqual(portalTokens("mock stdout of lab-portal-secret", []));
    });

    test("the docker CLI uses the platform default engine when dockerHost is empty", () => {
        expect(named(run, "lab-engine").inputs.host).toBeUndefined();
        for (const c of ofType(run, TYPES.command)) expect(c.inputs.environment ?? {}).toEqual({});
    });

    test("exports URLs, registry, image reference, container names, each check's status and a summary, not the outputs", () => {
        expect(Object.keys(run.outputs).sort()).toEqual(
            [
                "appUrls",
                "checkSummary",
                "checks",
                "containerNames",
                "imageRef",
                "instance",
                "nodeUrls",
                "portal",
                "registryPassword",
                "registryUrl",
                "roster",
                "seatClients",
                "serviceNames",
            ].sort(),
        );
        // Seats mode's clients, empty here.
        expect(run.outputs.seatClients).toEqual({});
        // registryAuth's password, empty without it (defined, so no up warns of an undefined output).
        expect(run.outputs.registryPassword).toBe("");
        // Swarm mode's outputs, empty here: defined, so no up warns of an undefined output.
        expect({ serviceNames: run.outputs.serviceNames, nodeUrls: run.outputs.nodeUrls }).toEqual({ serviceNames: [], nodeUrls: [] });
        expect(run.outputs.appUrls).toEqual(spec.appUrls);
        expect(run.outputs.registryUrl).toBe(`http://127.0.0.1:${labConfig().registryPort}`);
        expect(run.outputs.containerNames).toEqual(replicasOf(spec).map((r) => r.name));
        expect(run.outputs.checks).toEqual(Object.fromEntries(spec.checks.map((c) => [c.id, "passed"])));
        expect(Object.keys(run.outputs.checks as object)).toEqual(spec.checks.map((c) => c.id));
        expect(run.outputs.checkSummary).toBe(`${spec.checks.length} of ${spec.checks.length} lesson checks passed`);
    });
});

describe("other configs", () => {
    test("five replicas on another port range and bind address", async () => {
        const run = await runProgram({ replicas: "5", appPort: "9100", bindAddress: "0.0.0.0" });
        const containers = appContainers(run);
        expect(containers).toHaveLength(5);
        expect(containers.map((c) => c.inputs.ports[0].external)).toEqual([9100, 9101, 9102, 9103, 9104]);
        expect(containers.every((c) => c.inputs.ports[0].ip === "0.0.0.0")).toBe(true);
        expect(run.outputs.appUrls).toEqual([9100, 9101, 9102, 9103, 9104].map((p) => `http://127.0.0.1:${p}`));
        expect(ofType(run, TYPES.command).filter((c) => c.name.startsWith("lab-check-02-http-"))).toHaveLength(5);
    });

    test("one replica, custom images, memory and registry port", async () => {
        const run = await runProgram({
            replicas: "1",
            registryPort: "5123",
            baseImage: "docker-lab-offline/node:bookworm",
            registryImage: "docker-lab-offline/registry:2",
            memoryLimitMb: "64",
        });
        expect(appContainers(run)).toHaveLength(1);
        expect(named(run, "lab-registry-container").inputs.image).toBe("docker-lab-offline/registry:2");
        expect(named(run, "lab-image-build").inputs.build.args.BASE_IMAGE).toBe("docker-lab-offline/node:bookworm");
        expect(named(run, "lab-image-build").inputs.imageName).toMatch(/^localhost:5123\//);
        expect(appContainers(run)[0].inputs.memory).toBe(64);
        expect(appContainers(run)[0].inputs.memorySwap).toBe(64);
        // The registry's limit is its own, not the app's.
        expect(named(run, "lab-registry-container").inputs.memory).toBe(labSpec({}).registry.container.memoryMb);
    });

    test("every Docker object name includes the stack, so two stacks coexist", async () => {
        const [dev, qa] = [await runProgram({}, "dev"), await runProgram({ appPort: "9200", registryPort: "5200" }, "qa")];
        const namesOf = (run: ProgramRun) =>
            [TYPES.container, TYPES.network, TYPES.volume].flatMap((t) => inputsOf(run, t).map((i) => i.name as string));
        for (const name of namesOf(qa)) expect(name).toContain("-qa-");
        const devNames = new Set(namesOf(dev));
        expect(namesOf(qa).filter((n) => devNames.has(n))).toEqual([]);
        expect(named(qa, "lab-image-build").inputs.imageName).toContain("docker-lab-qa/");
    });

    test("dockerHost goes to the engine provider and to every docker CLI command, the platform query included", async () => {
        const run = await runProgram({ dockerHost: "ssh://teacher@lab-host" });
        expect(named(run, "lab-engine").inputs.host).toBe("ssh://teacher@lab-host");
        // Every command but the portal's secret, which is made on this machine and talks to no engine.
        const commands = ofType(run, TYPES.command).filter((c) => c.name !== "lab-portal-secret");
        expect(commands.filter((c) => c.name.endsWith("-pids-limit"))).toHaveLength(labConfig().replicas + 1);
        for (const c of commands)
            expect({ name: c.name, env: c.inputs.environment }).toEqual({ name: c.name, env: { DOCKER_HOST: "ssh://teacher@lab-host" } });
        expect(run.calls.map((c) => c.inputs.environment)).toEqual([{ DOCKER_HOST: "ssh://teacher@lab-host" }]);
    });

    test("an arm64 engine gets an arm64 build; a check without the pass marker is reported failed", async () => {
        const run = await runProgram({ replicas: "1" }, "dev", {
            platformStdout: "linux/arm64\n",
            commandStdout: passingChecks(["01.02-ps"]),
        });
        expect(named(run, "lab-image-build").inputs.build.platform).toBe("linux/arm64");
        const statuses = run.outputs.checks as Record<string, string>;
        expect(statuses["01.02-ps"]).toBe("failed");
        const passed = Object.values(statuses).filter((s) => s === "passed").length;
        expect(passed).toBe(Object.keys(statuses).length - 1);
        expect(run.outputs.checkSummary).toBe(`${passed} of ${Object.keys(statuses).length} lesson checks passed`);
    });

    test("running the program twice with one config sends identical inputs", async () => {
        const config = { replicas: "3", appPort: "9300" };
        // Registration order may interleave differently between runs; the inputs may not differ.
        const strip = (run: ProgramRun) =>
            run.resources
                .map(({ type, name, inputs, dependsOn }) => ({ type, name, inputs, dependsOn: [...dependsOn].sort() }))
                .sort((a, b) => a.name.localeCompare(b.name));
        expect(strip(await runProgram(config))).toEqual(strip(await runProgram(config)));
    });
});

describe("invalid config", () => {
    test.each([
        [{ replicas: "0" }, /replicas = "0".*1 to 20/],
        [{ replicas: "21" }, /replicas = "21".*1 to 20/],
        [{ appPort: "70000" }, /appPort = "70000".*1 to 65535/],
        [{ registryPort: "8081" }, /registryPort = 8081: overlaps the app ports 8080\.\.8081/],
        [{ bindAddress: "localhost" }, /bindAddress = "localhost"/],
        [{ baseImage: "Not An Image" }, /baseImage = "Not An Image"/],
        [{ appPort: "65535", replicas: "3" }, /go past 65535/],
    ])("%j is rejected with its key, value and range, and declares nothing", async (config, message) => {
        const resources: unknown[] = [];
        await expect(
            runProgram(config).then((run) => {
                resources.push(...run.resources);
            }),
        ).rejects.toThrow(message);
        expect(resources).toEqual([]);
    });

    test("all problems are reported together in one error", async () => {
        await expect(runProgram({ replicas: "0", bindAddress: "nowhere", appImageTag: "-x" })).rejects.toThrow(
            /3 problems[\s\S]*replicas[\s\S]*bindAddress[\s\S]*appImageTag/,
        );
    });
});

describe("classroom", () => {
    const CLASS = ["alice", "bob", "carol"];
    const classConfig = (students: string[]) => ({ students: JSON.stringify(students), appPort: "9000", registryPort: "9003" });
    const classSpecOf = (students: string[]) => classSpec(classConfig(students));
    /** Mocked stdout: every student's check passes except `failing` (student/id). */
    const classChecks =
        (failing: string[] = []) =>
        (name: string) => {
            const m = /^lab-([a-z0-9-]+)-check-(.+)$/.exec(name);
            return m && !failing.includes(`${m[1]}/${m[2]}`) ? `${PASS_MARKER} ${m[2]} for student ${m[1]}\n` : `mock stdout of ${name}`;
        };
    let run: ProgramRun;
    const spec = classSpecOf(CLASS);
    beforeAll(async () => {
        run = await runProgram(classConfig(CLASS), "dev", { commandStdout: classChecks(["bob/02-http-1"]) });
    });

    /** What a student's lab registers: [type, name], from the student's part of the spec. */
    const studentResources = (lab: (typeof spec.students)[number]): [string, string][] => {
        const n = `lab-${lab.student?.name}`;
        return [
            ["docker-lab:lab:StudentLab", n],
            [TYPES.network, `${n}-network`],
            [TYPES.command, `${n}-image`],
            ["docker-lab:lab:AppReplicas", `${n}-app`],
            ...replicasOf(lab).flatMap((_, i): [string, string][] => [
                [TYPES.container, `${n}-app-${i}`],
                [TYPES.command, `${n}-app-${i}-pids-limit`],
            ]),
            ["docker-lab:lab:LessonCheckCommands", `${n}-check`],
            ...lab.checks.map((c): [string, string] => [TYPES.command, `${n}-check-${c.id}`]),
        ];
    };
    const registered = (r: ProgramRun) => r.resources.map((x): [string, string] => [x.type, x.name]).sort();

    test("a class of 3 registers exactly the shared registry and image build and each student's lab", () => {
        const shared: [string, string][] = [
            ["docker-lab:lab:DockerLab", "lab"],
            [TYPES.provider, "lab-engine"],
            [TYPES.network, "lab-network"],
            ["docker-lab:lab:LocalRegistry", "lab-registry"],
            [TYPES.volume, "lab-registry-data"],
            [TYPES.container, "lab-registry-container"],
            [TYPES.command, "lab-registry-pids-limit"],
            ["docker-lab:lab:AppImage", "lab-image"],
            [TYPES.image, "lab-image-build"],
            [TYPES.command, "lab-image-local-tags"],
            ["docker-lab:lab:PortalTokens", "lab-portal"],
            [TYPES.command, "lab-portal-secret"],
        ];
        expect(registered(run)).toEqual([...shared, ...spec.students.flatMap(studentResources)].sort());
        expect(run.outputs.portal).toEqual(
            portalTokens(
                "mock stdout of lab-portal-secret",
                spec.students.map((s) => s.student?.name ?? ""),
            ),
        );
        // Built and pushed once, whatever the class size.
        expect(ofType(run, TYPES.image)).toHaveLength(1);
    });

    test("each student's lab is a child of the class, and every Docker resource goes through the one engine provider", () => {
        for (const lab of spec.students) expect(named(run, `lab-${lab.student?.name}`).parent).toBe("lab");
        for (const r of run.resources.filter((x) => x.type.startsWith("docker:"))) expect(r.provider).toMatch(/::lab-engine::/);
    });

    test("each student's image is the class digest, copied into their own repository; their replicas run it", () => {
        const build = named(run, "lab-image-build").inputs;
        const digest = fakeDigest(build.imageName);
        expect(run.outputs.imageRef).toBe(`${spec.image.repository}@${digest}`);
        for (const lab of spec.students) {
            const n = `lab-${lab.student?.name}`;
            const copy = named(run, `${n}-image`);
            expect(copy.inputs.create).toBe(resolveImageCommand(lab.student?.copyImageCommand as string, run.outputs.imageRef as string));
            expect(copy.inputs.delete).toBe(lab.image.removeCommand);
            expect(copy.dependsOn).toContain("lab-image-build");
            for (const [i] of replicasOf(lab).entries()) {
                const c = named(run, `${n}-app-${i}`);
                expect(c.inputs.image).toBe(`${lab.image.repository}@${digest}`);
                // The replica waits for the push into the student's repository.
                expect(c.dependsOn).toContain(`${n}-image`);
            }
        }
    });

    test("each student's containers: own name, ports, network, label and the hardened settings", () => {
        for (const lab of spec.students) {
            const n = `lab-${lab.student?.name}`;
            expect(named(run, `${n}-network`).inputs).toEqual({ name: lab.network.name, labels: expect.anything() });
            expect(named(run, `${n}-network`).inputs.labels).toEqual(
                expect.arrayContaining([{ label: "docker-lab.student", value: lab.student?.name }]),
            );
            for (const [i, replica] of replicasOf(lab).entries()) {
                const inputs = named(run, `${n}-app-${i}`).inputs;
                expect(inputs).toEqual(
                    expect.objectContaining({
                        name: replica.name,
                        hostname: replica.hostname,
                        ports: [{ internal: 8080, external: replica.ports[0].external, ip: "127.0.0.1", protocol: "tcp" }],
                        networksAdvanced: [{ name: lab.network.name, aliases: ["hellodocker"] }],
                        memory: 128,
                        memorySwap: 128,
                        cpuShares: 512,
                        readOnly: true,
                        user: "1000:1000",
                        capabilities: { drops: ["ALL"] },
                        securityOpts: ["no-new-privileges:true"],
                        restart: "unless-stopped",
                        wait: true,
                    }),
                );
                expect(inputs.labels).toEqual(expect.arrayContaining([{ label: "docker-lab.student", value: lab.student?.name }]));
                expect(named(run, `${n}-app-${i}-pids-limit`).inputs.create).toBe(pidsLimitCommand(replica));
                expect(named(run, `${n}-app-${i}`).deleteBeforeReplace).toBe(true);
            }
        }
        expect(appContainers(run)).toEqual([]); // no one-learner replicas in a class
    });

    test("each student's checks run against their own lab and wait for their own replicas and the registry only", () => {
        for (const lab of spec.students) {
            const n = `lab-${lab.student?.name}`;
            const imageRef = `${lab.image.repository}@${fakeDigest(named(run, "lab-image-build").inputs.imageName)}`;
            const own = replicasOf(lab).flatMap((_, i) => [`${n}-app-${i}`, `${n}-app-${i}-pids-limit`]);
            const others = spec.students
                .filter((o) => o !== lab)
                .flatMap((o) => replicasOf(o).map((_, i) => `lab-${o.student?.name}-app-${i}`));
            for (const check of lab.checks) {
                const cmd = named(run, `${n}-check-${check.id}`);
                expect(cmd.inputs.create).toBe(renderCheckScript(resolveCheck(check, { imageRef })));
                expect(cmd.inputs.create).toContain(`for student ${lab.student?.name}`);
                expect(cmd.dependsOn).toEqual(expect.arrayContaining([...own, "lab-registry-container", "lab-registry-pids-limit"]));
                expect(cmd.dependsOn.filter((d) => others.includes(d))).toEqual([]);
                expect(cmd.inputs.triggers).toEqual([imageRef, ...replicasOf(lab).map((_, i) => `${n}-app-${i}-id`)]);
            }
            // One at a time per student, in order, as verify runs them.
            for (const [k, check] of lab.checks.entries()) {
                const deps = named(run, `${n}-check-${check.id}`).dependsOn.filter((d) => d.startsWith(`${n}-check-`));
                expect({ check: check.id, after: deps }).toEqual({
                    check: check.id,
                    after: k === 0 ? [] : [`${n}-check-${lab.checks[k - 1].id}`],
                });
            }
        }
    });

    test("the one-learner lab's checks still run all at once", async () => {
        const one = await runProgram({});
        for (const c of ofType(one, TYPES.command).filter((x) => x.name.startsWith("lab-check-"))) {
            expect({ name: c.name, checks: c.dependsOn.filter((d) => d.startsWith("lab-check-")) }).toEqual({ name: c.name, checks: [] });
        }
    });

    test("outputs: the roster, every URL and container, each check's status by student and a summary", () => {
        expect(run.outputs.roster).toEqual(
            spec.students.map((lab) => ({
                student: lab.student?.name,
                urls: lab.appUrls,
                containers: replicasOf(lab).map((r) => r.name),
                repository: lab.image.repository,
                imageRef: `${lab.image.repository}@${fakeDigest(named(run, "lab-image-build").inputs.imageName)}`,
                checkSummary:
                    lab.student?.name === "bob"
                        ? `${lab.checks.length - 1} of ${lab.checks.length} lesson checks passed`
                        : `${lab.checks.length} of ${lab.checks.length} lesson checks passed`,
            })),
        );
        expect(run.outputs.appUrls).toEqual([
            "http://127.0.0.1:9000",
            "http://127.0.0.1:9001",
            "http://127.0.0.1:9004",
            "http://127.0.0.1:9005",
            "http://127.0.0.1:9006",
            "http://127.0.0.1:9007",
        ]);
        expect(run.outputs.containerNames).toEqual(spec.students.flatMap((l) => replicasOf(l).map((r) => r.name)));
        const statuses = run.outputs.checks as Record<string, string>;
        expect(Object.keys(statuses)).toEqual(spec.students.flatMap((l) => l.checks.map((c) => `${l.student?.name}/${c.id}`)));
        expect(Object.entries(statuses).filter(([, s]) => s !== "passed")).toEqual([["bob/02-http-1", "failed"]]);
        const total = spec.students.reduce((n, l) => n + l.checks.length, 0);
        expect(run.outputs.checkSummary).toBe(`${total - 1} of ${total} lesson checks passed (3 students)`);
    });

    test("the program gives back the stack trace limit it lowers while it declares the lab", async () => {
        const before = Error.stackTraceLimit;
        await runProgram(classConfig(CLASS));
        expect(Error.stackTraceLimit).toBe(before);
        expect(before).toBeGreaterThan(0);
    });

    test("the one-learner lab's roster is empty (an undefined output would make every up warn)", async () => {
        expect((await runProgram({})).outputs.roster).toEqual([]);
    });

    /** URN → inputs of every resource. */
    const byUrn = (r: ProgramRun) => new Map(r.resources.map((x) => [x.urn, JSON.stringify(x.inputs)]));

    test("adding a fourth student only adds resources: every other URN stays, with the same inputs", async () => {
        const [before, after] = [byUrn(run), byUrn(await runProgram(classConfig([...CLASS, "dave"])))];
        const addedUrns = [...after.keys()].filter((u) => !before.has(u));
        expect([...before.keys()].filter((u) => !after.has(u))).toEqual([]);
        expect(addedUrns.length).toBe(studentResources(classSpecOf([...CLASS, "dave"]).students[3]).length);
        for (const urn of addedUrns) expect(urn.slice(urn.lastIndexOf("::") + 2)).toMatch(/^lab-dave(-|$)/);
        // The checks' stdout differs between the runs (bob's failure is mocked only in the first), not their inputs.
        expect([...before].filter(([urn, inputs]) => after.get(urn) !== inputs).map(([urn]) => urn)).toEqual([]);
    });

    test("freeing a student's seat removes only their resources; the others keep URNs and inputs (ports included)", async () => {
        const after = byUrn(await runProgram(classConfig(["alice", "", "carol"])));
        const before = byUrn(run);
        const removed = [...before.keys()].filter((u) => !after.has(u));
        expect([...after.keys()].filter((u) => !before.has(u))).toEqual([]);
        expect(removed.length).toBe(studentResources(spec.students[1]).length);
        for (const urn of removed) expect(urn.slice(urn.lastIndexOf("::") + 2)).toMatch(/^lab-bob(-|$)/);
        expect([...after].filter(([urn, inputs]) => before.get(urn) !== inputs).map(([urn]) => urn)).toEqual([]);
    });

    test("a class that does not fit, or a bad name, is rejected before anything is declared", async () => {
        await expect(runProgram({ students: JSON.stringify(["a", "b"]), appPort: "65530", replicas: "5" })).rejects.toThrow(
            /students: the class needs 10 ports from appPort = 65530 .*only 6 from 65530 to 65535/,
        );
        await expect(runProgram({ students: '["alice","Alice","alice"]' })).rejects.toThrow(
            /2 problems[\s\S]*students\[1\] = "Alice"[\s\S]*students\[2\] = "alice": the same name as students\[0\]/,
        );
    });
});
