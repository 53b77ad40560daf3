import { buildLabSpec, defaultConfig, parseLabConfig, renderCheckScript, resolveCheck } from "../../lab";
import { fakeDigest, named, ofType, PROJECT, type ProgramRun, runProgram, TYPES } from "./helpers/program";

// The program under Pulumi mocks: every assertion is on the inputs index.ts sent to the engine.

const specFor = (config: Record<string, string>, stack = "dev") =>
    buildLabSpec(parseLabConfig(config), { project: PROJECT, stack, appDir: "app" });

const inputsOf = (run: ProgramRun, type: string) => ofType(run, type).map((r) => r.inputs);
/** App containers in replica order (registration order is not guaranteed). */
const appContainers = (run: ProgramRun) =>
    ofType(run, TYPES.container)
        .filter((r) => r.name.startsWith("lab-app-"))
        .sort((a, b) => Number(a.name.slice("lab-app-".length)) - Number(b.name.slice("lab-app-".length)));

describe("default config", () => {
    let run: ProgramRun;
    const spec = specFor({});
    beforeAll(async () => {
        run = await runProgram();
    });

    test("declares the expected resource types and counts", () => {
        const counts = (type: string) => ofType(run, type).length;
        const replicas = defaultConfig().replicas;
        expect(counts(TYPES.provider)).toBe(1);
        expect(counts(TYPES.network)).toBe(1);
        expect(counts(TYPES.volume)).toBe(1);
        expect(counts(TYPES.image)).toBe(1);
        expect(counts(TYPES.container)).toBe(replicas + 1);
        // one command per lesson check, plus the one that removes local tags on destroy
        expect(counts(TYPES.command)).toBe(spec.checks.length + 1);
        expect(ofType(run, "docker-lab:lab:DockerLab")).toHaveLength(1);
    });

    test("publishes the registry and each replica on the bind address at the spec's ports", () => {
        const registry = named(run, "lab-registry-container").inputs;
        expect(registry.ports).toEqual([{ internal: 5000, external: defaultConfig().registryPort, ip: "127.0.0.1", protocol: "tcp" }]);
        const ports = appContainers(run).map((c) => c.inputs.ports[0]);
        const first = defaultConfig().appPort;
        expect(ports.map((p) => p.external)).toEqual(spec.replicas.map((_, i) => first + i));
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
        expect(image.imageName).toBe(`localhost:${defaultConfig().registryPort}/docker-lab-dev/hellodocker:${defaultConfig().appImageTag}`);
        expect(image.build).toEqual({
            context: "app",
            dockerfile: "app/Dockerfile",
            args: { BASE_IMAGE: defaultConfig().baseImage, LAB_INSTANCE: "docker-lab-dev" },
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

    test("every lesson check waits for every replica and the registry", () => {
        const containers = ofType(run, TYPES.container).map((c) => c.name);
        for (const check of ofType(run, TYPES.command).filter((c) => c.name.startsWith("lab-check-"))) {
            expect(check.dependsOn).toEqual(expect.arrayContaining(containers));
        }
    });

    test("replicas depend on the tag-cleanup command, so destroy removes containers before the image tags", () => {
        for (const c of appContainers(run)) expect(c.dependsOn).toContain("lab-image-local-tags");
        const cleanup = named(run, "lab-image-local-tags").inputs;
        expect(cleanup.delete).toBe(spec.image.removeCommand);
        expect(cleanup.delete).toContain("label=docker-lab.instance=docker-lab-dev");
    });

    test("replicas run locked down: non-root, read-only, no capabilities, no new privileges, memory limit", () => {
        for (const c of appContainers(run)) {
            expect(c.inputs.user).toBe("1000:1000");
            expect(c.inputs.readOnly).toBe(true);
            expect(c.inputs.tmpfs).toEqual({ "/tmp": expect.stringContaining("noexec") });
            expect(c.inputs.capabilities).toEqual({ drops: ["ALL"] });
            expect(c.inputs.securityOpts).toEqual(["no-new-privileges:true"]);
            expect(c.inputs.memory).toBe(defaultConfig().memoryLimitMb);
            expect(c.inputs.restart).toBe("on-failure");
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

    test("the docker CLI uses the platform default engine when dockerHost is empty", () => {
        expect(named(run, "lab-engine").inputs.host).toBeUndefined();
        for (const c of ofType(run, TYPES.command)) expect(c.inputs.environment ?? {}).toEqual({});
    });

    test("exports URLs, registry, image reference, container names and every check's output", () => {
        expect(run.outputs.appUrls).toEqual(spec.appUrls);
        expect(run.outputs.registryUrl).toBe(`http://127.0.0.1:${defaultConfig().registryPort}`);
        expect(run.outputs.containerNames).toEqual(spec.replicas.map((r) => r.name));
        expect(Object.keys(run.outputs.checkResults as object)).toEqual(spec.checks.map((c) => c.id));
        expect((run.outputs.checkResults as Record<string, string>)["01.02-ps"]).toBe("mock stdout of lab-check-01.02-ps");
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

    test("dockerHost goes to the engine provider and to every docker CLI command", async () => {
        const run = await runProgram({ dockerHost: "ssh://teacher@lab-host" });
        expect(named(run, "lab-engine").inputs.host).toBe("ssh://teacher@lab-host");
        for (const c of ofType(run, TYPES.command)) expect(c.inputs.environment).toEqual({ DOCKER_HOST: "ssh://teacher@lab-host" });
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
