import { labsOf, PASS_MARKER, renderCheckScript, resolveCheck, SWARM_NODES_COMMAND, serviceArgs } from "../../lab";
import { appServiceOf, classSpec, labSpec } from "../helpers/specs";
import { DEFAULT_ENGINE_PLATFORM, fakeDigest, named, ofType, type ProgramRun, runProgram, TYPES } from "./helpers/program";

// The program under Pulumi mocks in swarm mode: every assertion is on the inputs index.ts sent.

jest.setTimeout(60_000);

const NODES = "vm 127.0.0.1 ready active\nworker-1 10.0.0.6 ready active\nworker-2 10.0.0.7 down active\n";
const runStdout = (command: string) => {
    if (command === SWARM_NODES_COMMAND) return NODES;
    throw new Error(`unexpected command ${command}`);
};
const passing = (name: string) => {
    const id = name.slice(name.indexOf("-check-") + "-check-".length);
    return name.includes("-check-") ? `${PASS_MARKER} ${id}\n` : `mock stdout of ${name}`;
};
const HOST = { mode: "swarm", publishMode: "host", replicas: "2", appPort: "54080", registryPort: "54000" };

describe("swarm mode, publishMode host", () => {
    let run: ProgramRun;
    const spec = labSpec(HOST);
    const platforms = [{ os: "linux", architecture: "amd64" }];
    beforeAll(async () => {
        run = await runProgram(HOST, "dev", { runStdout, commandStdout: passing });
    });

    test("two services and no container: the app and the registry, on an attachable overlay network", () => {
        expect(ofType(run, TYPES.container)).toEqual([]);
        expect(
            ofType(run, TYPES.service)
                .map((s) => s.name)
                .sort(),
        ).toEqual(["lab-app-service", "lab-registry-service"]);
        expect(named(run, "lab-network").inputs).toEqual({
            name: "docker-lab-dev-net",
            labels: expect.arrayContaining([{ label: "docker-lab.role", value: "network" }]),
            driver: "overlay",
            attachable: true,
        });
        expect(ofType(run, TYPES.volume).map((v) => v.inputs.name)).toEqual(["docker-lab-dev-registry-data"]);
        // No PIDs-limit commands: a service has no container to `docker update` that the next task would keep.
        expect(ofType(run, TYPES.command).filter((c) => c.name.endsWith("-pids-limit"))).toEqual([]);
        expect(ofType(run, "docker-lab:lab:AppService")).toHaveLength(1);
        expect(ofType(run, "docker-lab:lab:SwarmRegistry")).toHaveLength(1);
    });

    test("the app service is sent exactly the spec's service inputs, with the image digest, the network id and the engine's platform", () => {
        const app = named(run, "lab-app-service").inputs;
        const digestRef = `${spec.image.repository}@${fakeDigest(spec.image.name)}`;
        expect(app).toEqual(JSON.parse(JSON.stringify(serviceArgs(appServiceOf(spec), digestRef, "lab-network-id", platforms))));
        expect(run.outputs.imageRef).toBe(digestRef);
    });

    test("replicas tasks of the digest, with the containers' healthcheck, limits and security settings", () => {
        const app = named(run, "lab-app-service").inputs;
        const c = app.taskSpec.containerSpec;
        expect(app.mode).toEqual({ replicated: { replicas: 2 } });
        expect(c.image).toMatch(/^localhost:54000\/docker-lab-dev\/hellodocker@sha256:[0-9a-f]{64}$/);
        expect(c.healthcheck.tests).toEqual(["CMD-SHELL", appServiceOf(spec).task.healthcheck.command]);
        expect(c.healthcheck).toMatchObject({ interval: "2s", timeout: "3s", retries: 5, startPeriod: "10s" });
        expect(c).toMatchObject({ readOnly: true, user: "1000:1000", capDrops: ["ALL"], hostname: "docker-lab-dev-app-{{.Task.Slot}}" });
        expect(c.mounts).toEqual([{ type: "tmpfs", target: "/tmp", tmpfsOptions: { sizeBytes: 16 * 1024 * 1024 } }]);
        expect(c.env).toEqual({ PORT: "8080", LAB_INSTANCE: "docker-lab-dev" });
        expect(app.taskSpec.resources).toEqual({ limits: { memoryBytes: 128 * 1024 * 1024, nanoCpus: 1e9 } });
        expect(app.taskSpec.restartPolicy).toMatchObject({ condition: "on-failure", maxAttempts: 5 });
        expect(app.labels).toEqual(expect.arrayContaining([{ label: "docker-lab.role", value: "app" }]));
    });

    test("host mode: published on each node's own port, one task per node, rolling one task at a time, stop-first, rolling back on failure", () => {
        const app = named(run, "lab-app-service").inputs;
        expect(app.endpointSpec.ports).toEqual([{ targetPort: 8080, publishedPort: 54080, publishMode: "host", protocol: "tcp" }]);
        expect(app.taskSpec.placement).toEqual({ constraints: [], maxReplicas: 1, platforms });
        expect(app.updateConfig).toMatchObject({ parallelism: 1, failureAction: "rollback", order: "stop-first", monitor: "10s" });
        expect(app.rollbackConfig).toMatchObject({ parallelism: 1, order: "stop-first" });
        expect(app.convergeConfig).toEqual({ delay: "2s", timeout: `${60 + 2 * 70}s` });
        expect(named(run, "lab-app-service").deleteBeforeReplace).toBe(true);
    });

    test("the registry: one task pinned to a manager, its volume mounted, published in host mode; the push waits for it", () => {
        const registry = named(run, "lab-registry-service");
        const inputs = registry.inputs;
        expect(inputs.mode).toEqual({ replicated: { replicas: 1 } });
        expect(inputs.taskSpec.placement).toEqual({ constraints: ["node.role==manager"], maxReplicas: 0, platforms });
        expect(inputs.taskSpec.containerSpec.image).toBe(spec.registry.image);
        expect(inputs.taskSpec.containerSpec.mounts).toEqual(
            expect.arrayContaining([{ type: "volume", source: "docker-lab-dev-registry-data", target: "/var/lib/registry" }]),
        );
        expect(inputs.endpointSpec.ports).toEqual([{ targetPort: 5000, publishedPort: 54000, publishMode: "host", protocol: "tcp" }]);
        expect(inputs.taskSpec.networksAdvanceds).toEqual([{ id: "lab-network-id", aliases: ["registry"] }]);
        expect(inputs.convergeConfig).toBeDefined();
        expect(registry.dependsOn).toEqual(expect.arrayContaining(["lab-registry-data", "lab-network"]));
        expect(registry.deleteBeforeReplace).toBe(true);
        expect(named(run, "lab-image-build").dependsOn).toContain("lab-registry-service");
        expect(named(run, "lab-image-build").inputs.imageName).toBe("localhost:54000/docker-lab-dev/hellodocker:1.0.0");
    });

    test("every check waits for both services and re-runs when the digest or the service changes", () => {
        const checks = ofType(run, TYPES.command).filter((c) => c.name.startsWith("lab-check-"));
        expect(checks.map((c) => c.name.slice("lab-check-".length))).toEqual(spec.checks.map((c) => c.id));
        for (const check of checks) {
            expect(check.dependsOn).toEqual(expect.arrayContaining(["lab-app-service", "lab-registry-service"]));
            expect(check.inputs.triggers).toEqual([run.outputs.imageRef, "lab-app-service-id"]);
        }
        const http = named(run, "lab-check-02-http-tasks").inputs;
        expect(http.create).toBe(
            renderCheckScript(
                resolveCheck(spec.checks.find((c) => c.id === "02-http-tasks")!, { imageRef: run.outputs.imageRef as string }),
            ),
        );
    });

    test("the engine's platform is asked once, and the nodes once; both invokes go to the lab's engine", () => {
        expect(run.calls.map((c) => c.inputs.command)).toEqual([spec.image.platformCommand, SWARM_NODES_COMMAND]);
        expect(named(run, "lab-image-build").inputs.build.platform).toBe(DEFAULT_ENGINE_PLATFORM);
    });

    test("outputs: the services, every ready node's URL of the app port, no container names", () => {
        expect(run.outputs.serviceNames).toEqual(["docker-lab-dev-app", "docker-lab-dev-registry"]);
        expect(run.outputs.nodeUrls).toEqual(["http://127.0.0.1:54080", "http://10.0.0.6:54080"]);
        expect(run.outputs.appUrls).toEqual(["http://127.0.0.1:54080"]);
        // Defined though empty, so no up warns of an undefined output.
        expect(run.outputs.containerNames).toEqual([]);
        expect(run.outputs.roster).toEqual([]);
        expect(run.outputs.checkSummary).toBe(`${spec.checks.length} of ${spec.checks.length} lesson checks passed`);
    });

    test("running the program twice sends identical inputs", async () => {
        const strip = (r: ProgramRun) =>
            r.resources
                .map(({ type, name, inputs, dependsOn }) => ({ type, name, inputs, dependsOn: [...dependsOn].sort() }))
                .sort((a, b) => a.name.localeCompare(b.name));
        expect(strip(await runProgram(HOST, "dev", { runStdout }))).toEqual(strip(run));
    });
});

describe("swarm mode, other configs", () => {
    test("ingress (the default publish mode): published through the mesh, tasks may share nodes, start-first updates", async () => {
        const run = await runProgram({ mode: "swarm" }, "dev", { runStdout });
        const app = named(run, "lab-app-service").inputs;
        expect(app.endpointSpec.ports[0].publishMode).toBe("ingress");
        expect(app.taskSpec.placement.maxReplicas).toBe(0);
        expect(app.updateConfig.order).toBe("start-first");
        expect(named(run, "lab-registry-service").inputs.endpointSpec.ports[0].publishMode).toBe("ingress");
        expect(named(run, "lab-registry-service").inputs.updateConfig.order).toBe("stop-first");
    });

    test("an arm64 engine: the image is built for it and the services are placed on it", async () => {
        const run = await runProgram({ mode: "swarm" }, "dev", { runStdout, platformStdout: "linux/arm64/v8\n" });
        expect(named(run, "lab-image-build").inputs.build.platform).toBe("linux/arm64/v8");
        for (const s of ofType(run, TYPES.service))
            expect(s.inputs.taskSpec.placement.platforms).toEqual([{ os: "linux", architecture: "arm64" }]);
    });

    test("registryAddress: images are tagged with it, so every node pulls from the address it can reach", async () => {
        const run = await runProgram({ ...HOST, registryAddress: "10.0.0.5:54000" }, "dev", { runStdout });
        expect(named(run, "lab-image-build").inputs.imageName).toBe("10.0.0.5:54000/docker-lab-dev/hellodocker:1.0.0");
        expect(named(run, "lab-app-service").inputs.taskSpec.containerSpec.image).toMatch(
            /^10\.0\.0\.5:54000\/docker-lab-dev\/hellodocker@sha256:/,
        );
    });

    test("dockerHost: the provider, both invokes and every command talk to that engine", async () => {
        const run = await runProgram({ ...HOST, dockerHost: "ssh://teacher@manager" }, "dev", { runStdout });
        expect(named(run, "lab-engine").inputs.host).toBe("ssh://teacher@manager");
        expect(run.calls.map((c) => c.inputs.environment)).toEqual([
            { DOCKER_HOST: "ssh://teacher@manager" },
            { DOCKER_HOST: "ssh://teacher@manager" },
        ]);
        // Every command but the portal's secret, which is made on this machine and talks to no engine.
        for (const c of ofType(run, TYPES.command).filter((c) => c.name !== "lab-portal-secret")) {
            expect(c.inputs.environment).toEqual({ DOCKER_HOST: "ssh://teacher@manager" });
        }
    });

    test("a class: one app service per student on their own overlay network and port, one registry service, the roster names each service", async () => {
        const config = { ...HOST, students: '["alice","bob"]' };
        const run = await runProgram(config, "dev", { runStdout, commandStdout: passing });
        const spec = classSpec({ ...HOST, students: ["alice", "bob"] });
        expect(
            ofType(run, TYPES.service)
                .map((s) => s.name)
                .sort(),
        ).toEqual(["lab-alice-app-service", "lab-bob-app-service", "lab-registry-service"]);
        expect(ofType(run, TYPES.container)).toEqual([]);
        for (const [i, student] of ["alice", "bob"].entries()) {
            const app = named(run, `lab-${student}-app-service`).inputs;
            expect(app.name).toBe(`docker-lab-dev-${student}-app`);
            expect(app.endpointSpec.ports[0].publishedPort).toBe(appServiceOf(labsOf(spec)[i]).task.ports[0].external);
            expect(app.taskSpec.networksAdvanceds).toEqual([{ id: `lab-${student}-network-id`, aliases: ["hellodocker"] }]);
            expect(named(run, `lab-${student}-network`).inputs).toMatchObject({ driver: "overlay", attachable: true });
            // The student's own copy of the class image.
            expect(app.taskSpec.containerSpec.image).toMatch(new RegExp(`^localhost:54000/docker-lab-dev/${student}/hellodocker@sha256:`));
        }
        expect(ofType(run, TYPES.network)).toHaveLength(3);
        expect(run.outputs.serviceNames).toEqual(["docker-lab-dev-alice-app", "docker-lab-dev-bob-app", "docker-lab-dev-registry"]);
        expect(run.outputs.nodeUrls).toEqual([
            "http://127.0.0.1:54080",
            "http://10.0.0.6:54080",
            "http://127.0.0.1:54081",
            "http://10.0.0.6:54081",
        ]);
        expect((run.outputs.roster as { student: string; service?: string }[]).map((r) => [r.student, r.service])).toEqual([
            ["alice", "docker-lab-dev-alice-app"],
            ["bob", "docker-lab-dev-bob-app"],
        ]);
        const bobChecks = ofType(run, TYPES.command).filter((c) => c.name.startsWith("lab-bob-check-"));
        for (const c of bobChecks) expect(c.dependsOn).toEqual(expect.arrayContaining(["lab-bob-app-service", "lab-registry-service"]));
        expect(run.outputs.containerNames).toEqual([]);
    });

    test.each([
        [{ mode: "kubernetes" }, /mode = "kubernetes": must be containers, swarm or seats/],
        [{ mode: "swarm", publishMode: "nodeport" }, /publishMode = "nodeport": must be ingress or host/],
        [{ mode: "swarm", registryAddress: "http://x" }, /registryAddress = "http:\/\/x"/],
    ])("%j is rejected with its key and value, and declares nothing", async (config, message) => {
        const resources: unknown[] = [];
        await expect(runProgram(config, "dev", { runStdout }).then((r) => resources.push(...r.resources))).rejects.toThrow(message);
        expect(resources).toEqual([]);
    });
});
