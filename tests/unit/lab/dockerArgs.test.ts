import {
    buildLabSpec,
    type ContainerSpec,
    containerArgs,
    dockerBuildArgs,
    dockerCreateArgs,
    dockerRunArgs,
    healthcheckArgs,
    pidsLimitCommand,
    type SpecContext,
} from "../../../lab";
import { labConfig } from "../../../tools/stack";
import { replicasOf } from "../../helpers/specs";

const ctx: SpecContext = { project: "docker-lab", stack: "dev", appDir: "app" };
const spec = buildLabSpec(labConfig(), ctx);
const replica = replicasOf(spec)[0];
const registry = spec.registry.container;
const imageName = spec.image.name;
const networkName = spec.network.name;

/** Every value that follows `flag` in an argument list, in order. */
function flagValues(args: string[], flag: string): string[] {
    const values: string[] = [];
    args.forEach((a, i) => {
        if (a === flag) values.push(args[i + 1]);
    });
    return values;
}

const secs = (n: number) => `${n}s`;

describe("dockerRunArgs", () => {
    const args = dockerRunArgs(replica, imageName, networkName);

    test("runs detached under the spec's name and hostname and ends with the image", () => {
        expect(args.slice(0, 2)).toEqual(["run", "--detach"]);
        expect(flagValues(args, "--name")).toEqual([replica.name]);
        expect(flagValues(args, "--hostname")).toEqual([replica.hostname]);
        expect(args[args.length - 1]).toBe(imageName);
        expect(args.filter((a) => a === imageName)).toHaveLength(1);
    });

    test("publishes every port as ip:external:internal", () => {
        expect(flagValues(args, "--publish")).toEqual(replica.ports.map((p) => `${p.ip}:${p.external}:${p.internal}/tcp`));
    });

    test("passes every env var and every label", () => {
        expect(flagValues(args, "--env")).toEqual(Object.entries(replica.env).map(([k, v]) => `${k}=${v}`));
        expect(flagValues(args, "--label")).toEqual(Object.entries(replica.labels).map(([k, v]) => `${k}=${v}`));
        expect(Object.keys(replica.labels).length).toBeGreaterThan(1);
    });

    test("joins the network with the spec's aliases", () => {
        expect(flagValues(args, "--network")).toEqual([networkName]);
        expect(flagValues(args, "--network-alias")).toEqual(replica.networkAliases);
    });

    test("carries the healthcheck command and timings", () => {
        const h = replica.healthcheck;
        expect(flagValues(args, "--health-cmd")).toEqual([h.command]);
        expect(flagValues(args, "--health-interval")).toEqual([secs(h.intervalSeconds)]);
        expect(flagValues(args, "--health-timeout")).toEqual([secs(h.timeoutSeconds)]);
        expect(flagValues(args, "--health-retries")).toEqual([String(h.retries)]);
        expect(flagValues(args, "--health-start-period")).toEqual([secs(h.startPeriodSeconds)]);
    });

    test("carries restart policy, memory, swap, CPU share, PIDs limit, user, read-only root, tmpfs, cap-drop and security-opt", () => {
        expect(flagValues(args, "--restart")).toEqual(["unless-stopped"]);
        expect(flagValues(args, "--memory")).toEqual([`${replica.memoryMb}m`]);
        expect(flagValues(args, "--memory-swap")).toEqual([`${replica.memorySwapMb}m`]);
        expect(replica.memorySwapMb).toBe(replica.memoryMb);
        expect(flagValues(args, "--cpu-shares")).toEqual([String(replica.cpuShares)]);
        expect(flagValues(args, "--pids-limit")).toEqual([String(replica.pidsLimit)]);
        expect(flagValues(args, "--user")).toEqual([replica.user]);
        expect(args.filter((a) => a === "--read-only")).toHaveLength(replica.readOnlyRootFilesystem ? 1 : 0);
        expect(replica.readOnlyRootFilesystem).toBe(true);
        expect(flagValues(args, "--tmpfs")).toEqual(Object.entries(replica.tmpfs).map(([p, o]) => `${p}:${o}`));
        expect(flagValues(args, "--cap-drop")).toEqual(replica.capDrop);
        expect(flagValues(args, "--security-opt")).toEqual(replica.securityOpts);
        expect(flagValues(args, "--volume")).toEqual([]);
    });

    test("maps the registry container: volume, its own limits, read-only root with tmpfs, and no user", () => {
        const r = dockerRunArgs(registry, spec.registry.image, networkName);
        expect(flagValues(r, "--volume")).toEqual(registry.volumes.map((v) => `${v.volumeName}:${v.containerPath}`));
        expect(flagValues(r, "--publish")).toEqual(registry.ports.map((p) => `${p.ip}:${p.external}:${p.internal}/tcp`));
        expect(flagValues(r, "--health-cmd")).toEqual([registry.healthcheck.command]);
        expect(flagValues(r, "--network-alias")).toEqual(registry.networkAliases);
        expect(flagValues(r, "--memory")).toEqual([`${registry.memoryMb}m`]);
        expect(flagValues(r, "--memory-swap")).toEqual([`${registry.memorySwapMb}m`]);
        expect(flagValues(r, "--cpu-shares")).toEqual([String(registry.cpuShares)]);
        expect(flagValues(r, "--pids-limit")).toEqual([String(registry.pidsLimit)]);
        expect(flagValues(r, "--restart")).toEqual(["unless-stopped"]);
        expect(r.filter((a) => a === "--read-only")).toHaveLength(1);
        expect(flagValues(r, "--tmpfs")).toEqual(Object.entries(registry.tmpfs).map(([p, o]) => `${p}:${o}`));
        expect(flagValues(r, "--tmpfs")).toHaveLength(1);
        // The image's own user: 65532 in the offline image.
        expect(registry.user).toBeUndefined();
        expect(r).not.toContain("--user");
        expect(r[r.length - 1]).toBe(spec.registry.image);
    });

    test("brackets an IPv6 publish address", () => {
        const c = labConfig({ bindAddress: "::1" });
        const v6 = buildLabSpec(c, ctx);
        const published = flagValues(dockerRunArgs(replicasOf(v6)[0], v6.image.name, v6.network.name), "--publish");
        const p = replicasOf(v6)[0].ports[0];
        expect(published).toEqual([`[${c.bindAddress}]:${p.external}:${p.internal}/tcp`]);
        const reg = flagValues(dockerRunArgs(v6.registry.container, v6.registry.image, v6.network.name), "--publish");
        expect(reg[0].startsWith(`[${c.bindAddress}]:${c.registryPort}:`)).toBe(true);
    });

    test("every flag it emits is a known docker run flag followed by a value unless boolean", () => {
        const valued = new Set([
            "--name",
            "--hostname",
            "--publish",
            "--env",
            "--label",
            "--network",
            "--network-alias",
            "--health-cmd",
            "--health-interval",
            "--health-timeout",
            "--health-retries",
            "--health-start-period",
            "--restart",
            "--memory",
            "--memory-swap",
            "--cpu-shares",
            "--pids-limit",
            "--user",
            "--tmpfs",
            "--cap-drop",
            "--security-opt",
            "--volume",
        ]);
        const booleans = new Set(["--detach", "--read-only"]);
        for (const a of [args, dockerRunArgs(registry, spec.registry.image, networkName)]) {
            const rest: string[] = [];
            for (let i = 1; i < a.length; i++) {
                if (valued.has(a[i])) i++;
                else if (!booleans.has(a[i])) rest.push(a[i]);
            }
            expect(rest).toEqual([a[a.length - 1]]);
        }
    });
});

describe("containerArgs and healthcheckArgs", () => {
    test("healthcheckArgs maps the spec to CMD-SHELL with second strings", () => {
        const h = replica.healthcheck;
        expect(healthcheckArgs(h)).toEqual({
            tests: ["CMD-SHELL", h.command],
            interval: secs(h.intervalSeconds),
            timeout: secs(h.timeoutSeconds),
            retries: h.retries,
            startPeriod: secs(h.startPeriodSeconds),
        });
    });

    const expectedInputs = (c: ContainerSpec, image: string, network: string) => ({
        name: c.name,
        hostname: c.hostname,
        image,
        ports: c.ports.map((p) => ({ internal: p.internal, external: p.external, ip: p.ip, protocol: "tcp" })),
        envs: Object.entries(c.env).map(([k, v]) => `${k}=${v}`),
        labels: Object.entries(c.labels).map(([label, value]) => ({ label, value })),
        networksAdvanced: [{ name: network, aliases: c.networkAliases }],
        healthcheck: {
            tests: ["CMD-SHELL", c.healthcheck.command],
            interval: secs(c.healthcheck.intervalSeconds),
            timeout: secs(c.healthcheck.timeoutSeconds),
            retries: c.healthcheck.retries,
            startPeriod: secs(c.healthcheck.startPeriodSeconds),
        },
        wait: true,
        waitTimeout: c.waitTimeoutSeconds,
        restart: "unless-stopped",
        memory: c.memoryMb,
        memorySwap: c.memorySwapMb,
        cpuShares: c.cpuShares,
        user: c.user,
        readOnly: c.readOnlyRootFilesystem,
        tmpfs: Object.keys(c.tmpfs).length > 0 ? c.tmpfs : undefined,
        capabilities: { drops: c.capDrop },
        securityOpts: c.securityOpts,
        volumes: c.volumes.map((v) => ({ volumeName: v.volumeName, containerPath: v.containerPath })),
        mustRun: true,
    });

    test("maps a replica spec to docker.Container inputs", () => {
        const inputs = containerArgs(replica, imageName, networkName);
        expect(inputs).toEqual(expectedInputs(replica, imageName, networkName));
        expect(inputs.wait).toBe(true);
        expect(inputs.tmpfs).toEqual(replica.tmpfs);
        expect(inputs.memory).toBe(replica.memoryMb);
        expect(inputs.memorySwap).toBe(replica.memoryMb);
        expect(inputs.cpuShares).toBe(replica.cpuShares);
    });

    test("maps the registry spec, with its volume, read-only root, /tmp tmpfs and its own memory limit", () => {
        const inputs = containerArgs(registry, spec.registry.image, networkName);
        expect(inputs).toEqual(expectedInputs(registry, spec.registry.image, networkName));
        expect(inputs.readOnly).toBe(true);
        expect(inputs.tmpfs).toEqual({ "/tmp": "rw,noexec,nosuid,size=16m" });
        expect(inputs.volumes).toEqual(registry.volumes);
        expect(inputs.memory).toBe(registry.memoryMb);
        expect(inputs.memorySwap).toBe(registry.memoryMb);
        expect(inputs.user).toBeUndefined();
        expect(inputs.restart).toBe("unless-stopped");
        expect(inputs.maxRetryCount).toBeUndefined();
    });

    // containerArgs has no PIDs limit (the full-equality tests above pin every input it sends).
    test("pidsLimitCommand sets the spec's PIDs limit with docker update on the container by name", () => {
        for (const c of [replica, registry]) {
            expect(pidsLimitCommand(c)).toBe(`docker update --pids-limit ${c.pidsLimit} ${c.name}`);
        }
        expect(pidsLimitCommand({ ...replica, pidsLimit: 77 })).toBe(`docker update --pids-limit 77 ${replica.name}`);
        expect(pidsLimitCommand({ ...replica, name: "odd name" })).toBe(`docker update --pids-limit ${replica.pidsLimit} 'odd name'`);
    });
});

describe("dockerBuildArgs and dockerCreateArgs", () => {
    test("dockerBuildArgs tags, picks the Dockerfile, passes every build arg and ends with the context", () => {
        const args = dockerBuildArgs(spec.image);
        expect(args[0]).toBe("build");
        expect(flagValues(args, "--tag")).toEqual([spec.image.name]);
        expect(flagValues(args, "--file")).toEqual([spec.image.dockerfile]);
        expect(flagValues(args, "--build-arg")).toEqual(Object.entries(spec.image.buildArgs).map(([k, v]) => `${k}=${v}`));
        expect(flagValues(args, "--build-arg")).toContain(`BASE_IMAGE=${labConfig().baseImage}`);
        expect(args[args.length - 1]).toBe(spec.image.context);
        expect(args).not.toContain("--quiet");
    });

    test("dockerBuildArgs with a platform builds for it, before the context", () => {
        const args = dockerBuildArgs(spec.image, { platform: "linux/arm64" });
        expect(flagValues(args, "--platform")).toEqual(["linux/arm64"]);
        expect(args[args.length - 1]).toBe(spec.image.context);
        expect(dockerBuildArgs(spec.image)).not.toContain("--platform");
    });

    test("dockerBuildArgs with quiet asks docker build for the image id only", () => {
        const args = dockerBuildArgs(spec.image, { quiet: true });
        expect(args.slice(0, 2)).toEqual(["build", "--quiet"]);
        expect(args.slice(2)).toEqual(dockerBuildArgs(spec.image).slice(1));
    });

    test.each(["network", "volume"] as const)("dockerCreateArgs creates the %s with every label and its name last", (kind) => {
        const object = spec[kind];
        const args = dockerCreateArgs(kind, object.name, object.labels);
        expect(args.slice(0, 2)).toEqual([kind, "create"]);
        expect(flagValues(args, "--label")).toEqual(Object.entries(object.labels).map(([k, v]) => `${k}=${v}`));
        expect(args[args.length - 1]).toBe(object.name);
        expect(args).toHaveLength(3 + 2 * Object.keys(object.labels).length);
    });
});
