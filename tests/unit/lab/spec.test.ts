import {
    APP_CONTAINER_PORT,
    APP_HEALTHCHECK_COMMAND,
    buildLabSpec,
    type ContainerSpec,
    ENGINE_PLATFORM_COMMAND,
    hostUrl,
    instanceId,
    LAB_CPU_SHARES,
    LAB_PIDS_LIMIT,
    LAB_RESTART_MAX_RETRIES,
    LABEL,
    type LabConfig,
    type LabSpec,
    parseEnginePlatform,
    REGISTRY_CONTAINER_PORT,
    REGISTRY_HEALTHCHECK_COMMAND,
    REGISTRY_MEMORY_MB,
    registryServer,
    replicaName,
    replicaPort,
    type SpecContext,
} from "../../../lab";
import { labConfig } from "../../../tools/stack";
import { replicasOf } from "../../helpers/specs";

const ctx: SpecContext = { project: "docker-lab", stack: "dev", appDir: "app" };
const config = labConfig();
const spec = buildLabSpec(config, ctx);

/** Every labelled Docker object of a lab, with its name and labels. */
function objects(s: LabSpec): { kind: string; name: string; labels: Record<string, string> }[] {
    return [
        { kind: "network", name: s.network.name, labels: s.network.labels },
        { kind: "volume", name: s.volume.name, labels: s.volume.labels },
        { kind: "registry", name: s.registry.container.name, labels: s.registry.container.labels },
        ...replicasOf(s).map((r) => ({ kind: "replica", name: r.name, labels: r.labels })),
    ];
}

const containers = (s: LabSpec): ContainerSpec[] => [s.registry.container, ...replicasOf(s)];

describe("buildLabSpec", () => {
    test("the instance id derives from project and stack", () => {
        expect(spec.instance).toBe(instanceId(ctx.project, ctx.stack));
        expect(spec.instance).toContain(ctx.stack);
        expect(spec.instance).toContain(ctx.project);
    });

    test("every Docker object name contains the stack name", () => {
        const all = objects(spec);
        expect(all).toHaveLength(3 + config.replicas);
        for (const o of all) expect(o.name).toContain(ctx.stack);
        for (const c of containers(spec)) expect(c.hostname).toContain(ctx.stack);
        expect(spec.volume.name).toBe(spec.registry.container.volumes[0].volumeName);
        expect(new Set(all.map((o) => o.name)).size).toBe(all.length);
    });

    test("labels on every object carry the instance id and the managed label", () => {
        expect(spec.labels[LABEL.instance]).toBe(spec.instance);
        for (const o of objects(spec)) {
            expect({ kind: o.kind, instance: o.labels[LABEL.instance] }).toEqual({ kind: o.kind, instance: spec.instance });
            expect({ kind: o.kind, managed: o.labels[LABEL.managed] }).toEqual({ kind: o.kind, managed: "true" });
            expect(o.labels[LABEL.role]).toEqual(expect.any(String));
        }
        replicasOf(spec).forEach((r, i) => {
            expect(r.labels[LABEL.replica]).toBe(String(i));
        });
    });

    test("replica i is named replicaName(i) and publishes on appPort+i at bindAddress", () => {
        const c = labConfig({ replicas: "3", appPort: "9100", bindAddress: "0.0.0.0" });
        const s = buildLabSpec(c, ctx);
        expect(replicasOf(s)).toHaveLength(c.replicas);
        replicasOf(s).forEach((r, i) => {
            expect(r.name).toBe(replicaName(s.instance, i));
            expect(replicaPort(c, i)).toBe(c.appPort + i);
            expect(r.ports).toEqual([{ internal: APP_CONTAINER_PORT, external: c.appPort + i, ip: c.bindAddress }]);
            expect(s.appUrls[i]).toBe(hostUrl(c.bindAddress, c.appPort + i));
            expect(r.env.LAB_INSTANCE).toBe(s.instance);
            expect(r.env.PORT).toBe(String(APP_CONTAINER_PORT));
        });
    });

    test("the registry publishes registryPort at bindAddress", () => {
        const c = labConfig({ registryPort: "5123", bindAddress: "::1" });
        const s = buildLabSpec(c, ctx);
        expect(s.registry.container.ports).toEqual([{ internal: REGISTRY_CONTAINER_PORT, external: c.registryPort, ip: c.bindAddress }]);
        expect(s.registry.url).toBe(hostUrl(c.bindAddress, c.registryPort));
        expect(s.registry.image).toBe(c.registryImage);
    });

    test("the image lives in the local registry under the instance and carries BASE_IMAGE", () => {
        const c = labConfig({ registryPort: "5555", appImageName: "myapp", appImageTag: "v2_rc.1", baseImage: "node:22-alpine" });
        const s = buildLabSpec(c, ctx);
        expect(s.image.repository).toBe(`localhost:${c.registryPort}/${s.instance}/${c.appImageName}`);
        expect(s.image.registryPath).toBe(`${s.instance}/${c.appImageName}`);
        expect(s.image.registryServer).toBe(`localhost:${c.registryPort}`);
        expect(s.image.tag).toBe(c.appImageTag);
        expect(s.image.name).toBe(`${s.image.repository}:${c.appImageTag}`);
        expect(s.image.name.endsWith(`:${c.appImageTag}`)).toBe(true);
        expect(s.image.buildArgs.BASE_IMAGE).toBe(c.baseImage);
        expect(s.image.buildArgs.LAB_INSTANCE).toBe(s.instance);
        expect(s.image.context).toBe(ctx.appDir);
        expect(s.image.dockerfile).toBe(`${ctx.appDir}/Dockerfile`);
        expect(s.image.removeCommand).toContain(`${LABEL.instance}=${s.instance}`);
    });

    test("two stacks with other ports produce disjoint names, ports and repositories", () => {
        const dev = spec;
        const qa = buildLabSpec(labConfig({ appPort: "9080", registryPort: "6000" }), { ...ctx, stack: "qa" });
        const names = (s: LabSpec) => [...objects(s).map((o) => o.name), s.instance];
        const ports = (s: LabSpec) => containers(s).flatMap((c) => c.ports.map((p) => p.external));
        const repos = (s: LabSpec) => [s.image.repository, s.image.name, s.image.registryPath];
        for (const pick of [names, ports, repos] as ((s: LabSpec) => (string | number)[])[]) {
            const a = pick(dev);
            const b = new Set(pick(qa));
            expect(a.length).toBeGreaterThan(0);
            expect(a.filter((x) => b.has(x))).toEqual([]);
        }
        expect(qa.labels[LABEL.instance]).not.toBe(dev.labels[LABEL.instance]);
    });

    test("replicas run as non-root with a read-only root fs, tmpfs /tmp, no capabilities and a memory limit", () => {
        const c = labConfig({ memoryLimitMb: "384", replicas: "2" });
        const s = buildLabSpec(c, ctx);
        for (const r of replicasOf(s)) {
            expect(r.user).toBeDefined();
            const [uid, gid] = (r.user as string).split(":");
            expect(uid).toMatch(/^\d+$/);
            expect(Number(uid)).not.toBe(0);
            expect(gid === undefined || Number(gid) !== 0).toBe(true);
            expect(r.readOnlyRootFilesystem).toBe(true);
            expect(Object.keys(r.tmpfs)).toEqual(["/tmp"]);
            expect(r.capDrop).toEqual(["ALL"]);
            expect(r.securityOpts).toContain("no-new-privileges:true");
            expect(r.memoryMb).toBe(c.memoryLimitMb);
        }
        expect(s.registry.container.capDrop).toEqual(["ALL"]);
        expect(s.registry.container.securityOpts).toContain("no-new-privileges:true");
    });

    test("every container meets CIS section 5: memory without swap, CPU share, PIDs limit, read-only root, restarts unless stopped", () => {
        const c = labConfig({ memoryLimitMb: "384", replicas: "3" });
        const s = buildLabSpec(c, ctx);
        for (const container of containers(s)) {
            const expected = container === s.registry.container ? REGISTRY_MEMORY_MB : c.memoryLimitMb;
            expect({ name: container.name, memory: container.memoryMb, swap: container.memorySwapMb }).toEqual({
                name: container.name,
                memory: expected,
                swap: expected,
            });
            expect(container.cpuShares).toBe(LAB_CPU_SHARES);
            expect(container.pidsLimit).toBe(LAB_PIDS_LIMIT);
            expect(container.restartMaxRetries).toBe(LAB_RESTART_MAX_RETRIES);
            expect(container.restartPolicy).toBe("unless-stopped");
            expect(container.readOnlyRootFilesystem).toBe(true);
            expect(container.tmpfs).toEqual({ "/tmp": "rw,noexec,nosuid,size=16m" });
            expect(container.capDrop).toEqual(["ALL"]);
            expect(container.securityOpts).toEqual(["no-new-privileges:true"]);
            for (const p of container.ports) expect(p.ip).toBe(c.bindAddress);
        }
        // Not 0 (unset, i.e. the default 1024) and not 1024: CIS 5.12 flags both.
        expect([0, 1024]).not.toContain(LAB_CPU_SHARES);
        expect(LAB_RESTART_MAX_RETRIES).toBe(5);
        expect(REGISTRY_MEMORY_MB).toBe(256);
        // The registry runs as its image's user (65532 in the offline image), never one set here.
        expect(s.registry.container.user).toBeUndefined();
        // Each container gets its own arrays and tmpfs map: editing one spec cannot change another.
        expect(replicasOf(s)[0].capDrop).not.toBe(replicasOf(s)[1].capDrop);
        expect(replicasOf(s)[0].tmpfs).not.toBe(s.registry.container.tmpfs);
    });

    test("the image carries the command that asks the engine for its platform", () => {
        expect(spec.image.platformCommand).toBe(ENGINE_PLATFORM_COMMAND);
        expect(ENGINE_PLATFORM_COMMAND).toBe("docker version --format '{{.Server.Os}}/{{.Server.Arch}}'");
    });

    test("the registry and every replica have healthchecks", () => {
        expect(spec.registry.container.healthcheck.command).toBe(REGISTRY_HEALTHCHECK_COMMAND);
        expect(REGISTRY_HEALTHCHECK_COMMAND).toContain(`:${REGISTRY_CONTAINER_PORT}/v2/`);
        for (const r of replicasOf(spec)) {
            expect(r.healthcheck.command).toBe(APP_HEALTHCHECK_COMMAND);
            expect(APP_HEALTHCHECK_COMMAND).toContain(`:${APP_CONTAINER_PORT}/healthz`);
        }
        for (const c of containers(spec)) {
            const h = c.healthcheck;
            for (const n of [h.intervalSeconds, h.timeoutSeconds, h.retries]) expect(n).toBeGreaterThan(0);
            expect(h.startPeriodSeconds).toBeGreaterThanOrEqual(0);
            expect(c.waitTimeoutSeconds).toBeGreaterThan(h.intervalSeconds);
        }
    });

    test("dockerHost goes to commandEnv as DOCKER_HOST, and only when set", () => {
        expect(spec.dockerHost).toBe(config.dockerHost);
        expect(spec.commandEnv).toEqual(config.dockerHost ? { DOCKER_HOST: config.dockerHost } : {});
        const remote = buildLabSpec(labConfig({ dockerHost: "tcp://h:2376" }), ctx);
        expect(remote.commandEnv).toEqual({ DOCKER_HOST: "tcp://h:2376" });
        expect(remote.dockerHost).toBe("tcp://h:2376");
    });

    test("building twice gives deep-equal specs", () => {
        const c: LabConfig = labConfig({ replicas: "4", bindAddress: "::1" });
        expect(buildLabSpec(c, ctx)).toEqual(buildLabSpec(c, ctx));
        expect(buildLabSpec(labConfig(), ctx)).toEqual(spec);
    });
});

describe("parseEnginePlatform", () => {
    test.each([
        ["linux/amd64\n", "linux/amd64"],
        ["  linux/arm64  ", "linux/arm64"],
        ["linux/arm/v7", "linux/arm/v7"],
        ["windows/amd64", "windows/amd64"],
    ])("%j is the platform %s", (stdout, platform) => {
        expect(parseEnginePlatform(stdout)).toBe(platform);
    });

    test.each(["", "\n", "linux", "amd64", "Cannot connect to the Docker daemon", "linux/amd64 extra", "/amd64", "linux/"])(
        "%j is rejected with the command, what it printed and the fix",
        (stdout) => {
            expect(() => parseEnginePlatform(stdout)).toThrow(
                `${JSON.stringify(ENGINE_PLATFORM_COMMAND)} printed ${JSON.stringify(stdout.trim())}; check that the docker CLI reaches the engine (npm run doctor)`,
            );
        },
    );
});

describe("instanceId", () => {
    test("lowercases project and stack", () => {
        expect(instanceId("Docker-Lab", "Dev")).toBe("docker-lab-dev");
        expect(instanceId("docker-lab", "QA.2")).toBe("docker-lab-qa.2");
    });

    test.each(["bad--", "a b", "x/y"])("rejects stack %j with a message naming it", (stack) => {
        expect(() => instanceId("docker-lab", stack)).toThrow(`Stack name ${JSON.stringify(stack)}`);
    });
});

describe("hostUrl and registryServer", () => {
    test.each([
        ["0.0.0.0", 8080, "http://127.0.0.1:8080"],
        ["::", 8080, "http://[::1]:8080"],
        ["::1", 8081, "http://[::1]:8081"],
        ["fd00::5", 9000, "http://[fd00::5]:9000"],
        ["127.0.0.1", 5000, "http://127.0.0.1:5000"],
        ["192.168.1.20", 5000, "http://192.168.1.20:5000"],
    ])("hostUrl(%s, %d) is %s", (bind, port, url) => {
        expect(hostUrl(bind, port)).toBe(url);
    });

    test.each([
        ["127.0.0.1", 5000, "localhost:5000"],
        ["0.0.0.0", 5001, "localhost:5001"],
        ["::", 5002, "localhost:5002"],
        ["::1", 5003, "localhost:5003"],
        ["192.168.1.20", 5000, "192.168.1.20:5000"],
        ["fd00::5", 5000, "[fd00::5]:5000"],
    ])("registryServer(%s, %d) is %s", (bind, port, server) => {
        expect(registryServer(bind, port)).toBe(server);
    });
});
