import type * as docker from "@pulumi/docker";
import { shellQuote } from "./shell";
import type { ContainerSpec, HealthcheckSpec, ImageSpec, NetworkSpec, PortSpec } from "./types";

/**
 * The two mappings of a ContainerSpec: to `docker.Container` inputs (for Pulumi) and to
 * `docker run` arguments (for the live harness and the benchmark). They sit side by side so a
 * field added to the spec is visibly added to both.
 */

const seconds = (n: number) => `${n}s`;
export const labelList = (labels: Record<string, string>) => Object.entries(labels).map(([label, value]) => ({ label, value }));

export function healthcheckArgs(h: HealthcheckSpec): docker.types.input.ContainerHealthcheck {
    return {
        tests: ["CMD-SHELL", h.command],
        interval: seconds(h.intervalSeconds),
        timeout: seconds(h.timeoutSeconds),
        retries: h.retries,
        startPeriod: seconds(h.startPeriodSeconds),
    };
}

/** `docker.Container` port inputs of published ports (TCP). */
export function portArgs(ports: PortSpec[]): docker.types.input.ContainerPort[] {
    return ports.map((p) => ({ internal: p.internal, external: p.external, ip: p.ip, protocol: "tcp" }));
}

/** `docker.Network` inputs for the lab network: its driver and options only where the mode sets them. */
export function networkArgs(network: NetworkSpec): docker.NetworkArgs {
    return {
        name: network.name,
        labels: labelList(network.labels),
        ...(network.driver ? { driver: network.driver, attachable: network.attachable } : {}),
        ...(network.ipam
            ? { ipamConfigs: [{ subnet: network.ipam.subnet, gateway: network.ipam.gateway, ipRange: network.ipam.ipRange }] }
            : {}),
    };
}

/** `docker.Container` inputs for a container spec, given its image and network (which may be Outputs). */
export function containerArgs(
    spec: ContainerSpec,
    image: docker.ContainerArgs["image"],
    networkName: docker.types.input.ContainerNetworksAdvanced["name"],
): docker.ContainerArgs {
    return {
        name: spec.name,
        hostname: spec.hostname,
        image,
        ports: portArgs(spec.ports),
        envs: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        labels: labelList(spec.labels),
        networksAdvanced: [{ name: networkName, aliases: spec.networkAliases }],
        healthcheck: healthcheckArgs(spec.healthcheck),
        wait: true,
        waitTimeout: spec.waitTimeoutSeconds,
        restart: spec.restartPolicy,
        memory: spec.memoryMb,
        memorySwap: spec.memorySwapMb,
        cpuShares: spec.cpuShares,
        user: spec.user,
        readOnly: spec.readOnlyRootFilesystem,
        tmpfs: Object.keys(spec.tmpfs).length > 0 ? spec.tmpfs : undefined,
        capabilities: { drops: spec.capDrop },
        securityOpts: spec.securityOpts,
        volumes: spec.volumes.map((v) => ({ volumeName: v.volumeName, containerPath: v.containerPath })),
        mustRun: true,
    };
}

/**
 * Shell command that sets the container's PIDs limit on the running container. `docker.Container`
 * of @pulumi/docker 5.x has no pidsLimit input, so the program runs this after every create; the
 * harness passes `--pids-limit` to `docker run` instead.
 */
export function pidsLimitCommand(spec: Pick<ContainerSpec, "name" | "pidsLimit">): string {
    return `docker update --pids-limit ${spec.pidsLimit} ${shellQuote(spec.name)}`;
}

/** `docker run` arguments (after `docker`) for a container spec; network by name, detached. */
export function dockerRunArgs(spec: ContainerSpec, image: string, networkName: string): string[] {
    const args = ["run", "--detach", "--name", spec.name, "--hostname", spec.hostname];
    for (const p of spec.ports) args.push("--publish", `${p.ip.includes(":") ? `[${p.ip}]` : p.ip}:${p.external}:${p.internal}/tcp`);
    for (const [k, v] of Object.entries(spec.env)) args.push("--env", `${k}=${v}`);
    for (const [k, v] of Object.entries(spec.labels)) args.push("--label", `${k}=${v}`);
    args.push("--network", networkName);
    for (const alias of spec.networkAliases) args.push("--network-alias", alias);
    const h = spec.healthcheck;
    args.push(
        "--health-cmd",
        h.command,
        "--health-interval",
        seconds(h.intervalSeconds),
        "--health-timeout",
        seconds(h.timeoutSeconds),
        "--health-retries",
        String(h.retries),
        "--health-start-period",
        seconds(h.startPeriodSeconds),
    );
    args.push("--restart", spec.restartPolicy);
    args.push("--memory", `${spec.memoryMb}m`, "--memory-swap", `${spec.memorySwapMb}m`);
    args.push("--cpu-shares", String(spec.cpuShares), "--pids-limit", String(spec.pidsLimit));
    if (spec.user !== undefined) args.push("--user", spec.user);
    if (spec.readOnlyRootFilesystem) args.push("--read-only");
    for (const [p, o] of Object.entries(spec.tmpfs)) args.push("--tmpfs", `${p}:${o}`);
    for (const c of spec.capDrop) args.push("--cap-drop", c);
    for (const s of spec.securityOpts) args.push("--security-opt", s);
    for (const v of spec.volumes) args.push("--volume", `${v.volumeName}:${v.containerPath}`);
    args.push(image);
    return args;
}

/**
 * `docker build` arguments (after `docker`) for the image spec; `quiet` prints only the image id,
 * `noCache` builds every step afresh, `platform` (os/arch, e.g. linux/amd64) builds for that
 * platform, which the legacy builder of Docker 20.10 accepts as well as BuildKit.
 */
export function dockerBuildArgs(image: ImageSpec, options: { quiet?: boolean; noCache?: boolean; platform?: string } = {}): string[] {
    const args = [
        "build",
        ...(options.quiet ? ["--quiet"] : []),
        ...(options.noCache ? ["--no-cache"] : []),
        "--tag",
        image.name,
        "--file",
        image.dockerfile,
    ];
    if (options.platform !== undefined) args.push("--platform", options.platform);
    for (const [k, v] of Object.entries(image.buildArgs)) args.push("--build-arg", `${k}=${v}`);
    args.push(image.context);
    return args;
}

/** `docker network create` / `docker volume create` arguments for a labelled object. */
export function dockerCreateArgs(kind: "network" | "volume", name: string, labels: Record<string, string>): string[] {
    const args = [kind, "create"];
    for (const [k, v] of Object.entries(labels)) args.push("--label", `${k}=${v}`);
    args.push(name);
    return args;
}
