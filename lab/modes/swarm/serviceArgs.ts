import type * as docker from "@pulumi/docker";
import { healthcheckArgs, labelList } from "../../dockerArgs";
import type { ContainerSpec } from "../../types";
import type { ServiceRolloutSpec, ServiceSpec } from "./services";

/**
 * The mapping of a ServiceSpec to `docker.Service` inputs (swarm mode), beside dockerArgs.ts's
 * mapping of a ContainerSpec to `docker.Container` inputs. Every value the engine would otherwise
 * fill in by itself is sent explicitly, so the provider reads back what it sent and a second `up`
 * (or `pulumi refresh`) finds nothing to change.
 */

const seconds = (n: number) => `${n}s`;
const MIB = 1024 * 1024;
/** Restart delay of a failed task: the docker CLI's default (the API's unset value would be read back as 0s, a diff). */
const RESTART_DELAY_SECONDS = 5;

/** Bytes of a tmpfs size option such as 16m, 512k or 1g (plain digits: bytes). */
function sizeBytes(size: string): number {
    const m = /^(\d+)([kmg]?)$/i.exec(size);
    if (!m) throw new Error(`tmpfs size ${JSON.stringify(size)} is not a number of bytes with an optional k, m or g`);
    const unit = { "": 1, k: 1024, m: MIB, g: 1024 * MIB }[m[2].toLowerCase() as "" | "k" | "m" | "g"];
    return Number(m[1]) * unit;
}

/**
 * tmpfs mounts of a service from the container spec's `--tmpfs` options. The mount API takes only a
 * size and a mode, and always mounts tmpfs rw,nosuid,nodev,noexec: options beyond those are refused
 * here rather than silently dropped. No mode: the kernel's tmpfs default is 1777, as with
 * `docker run --tmpfs`, and the provider would read a mode of 1777 back as 777 (a perpetual diff).
 */
export function tmpfsMounts(tmpfs: ContainerSpec["tmpfs"]): docker.types.input.ServiceTaskSpecContainerSpecMount[] {
    return Object.entries(tmpfs).map(([target, options]) => {
        let size: number | undefined;
        for (const option of options.split(",").filter(Boolean)) {
            if (option.startsWith("size=")) size = sizeBytes(option.slice("size=".length));
            else if (!["rw", "noexec", "nosuid", "nodev"].includes(option)) {
                throw new Error(
                    `tmpfs option ${JSON.stringify(option)} of ${target} cannot be set on a swarm service (only size; it is always rw,nosuid,nodev,noexec)`,
                );
            }
        }
        return { type: "tmpfs", target, ...(size !== undefined ? { tmpfsOptions: { sizeBytes: size } } : {}) };
    });
}

function rolloutArgs(r: ServiceRolloutSpec): docker.types.input.ServiceUpdateConfig {
    return {
        parallelism: r.parallelism,
        delay: seconds(r.delaySeconds),
        failureAction: r.failureAction,
        monitor: seconds(r.monitorSeconds),
        // As the provider reads it back.
        maxFailureRatio: "0.0",
        order: r.order,
    };
}

/**
 * The placement platforms of a service whose image is built for `platform` (os/arch[/variant], as
 * the engine reports it): the one platform the engine itself records when it resolves the image
 * from its registry at create time. Sent explicitly, so an update (which does not resolve) keeps it
 * and a refresh reads back what was sent.
 */
export function servicePlatforms(platform: string): { os: string; architecture: string }[] {
    const [os, architecture] = platform.split("/");
    if (!os || !architecture) throw new Error(`Platform ${JSON.stringify(platform)} is not os/arch such as linux/amd64`);
    return [{ os, architecture }];
}

/** What a service gets beyond its spec, from the program: secrets mounted as files, and the login its nodes pull with. */
export interface ServiceExtras {
    /** Docker secrets mounted into every task as files (swarm mode with registryAuth: the registry's htpasswd). Default: none. */
    secrets?: docker.types.input.ServiceTaskSpecContainerSpecSecret[];
    /** The login every node pulls the image with (registryAuth: the lab registry's; its password a secret). Default: none. */
    auth?: docker.types.input.ServiceAuth;
}

/**
 * The mount of a Docker secret as the file `path` of every task: owned by root, mode 0444 (the
 * registry runs as another user and must read it; the file is in memory, under /run/secrets). Every
 * field is sent, as the provider reads it back, so a refresh finds nothing to change.
 */
export function secretFileMount(
    path: string,
    secretId: docker.types.input.ServiceTaskSpecContainerSpecSecret["secretId"],
    secretName: docker.types.input.ServiceTaskSpecContainerSpecSecret["secretName"],
): docker.types.input.ServiceTaskSpecContainerSpecSecret {
    return { fileName: path, fileUid: "0", fileGid: "0", fileMode: 0o444, secretId, secretName };
}

/**
 * `docker.Service` inputs for a service spec, given its image (a digest reference, which may be an
 * Output) and the lab network's id (which may be an Output; the provider reads a network back by id,
 * so a name would differ on every refresh) and its placement platforms (see servicePlatforms). Ports
 * are published with the spec's publishMode; `convergeConfig` makes `up` wait until every task runs healthy.
 * `extras` adds secret files and the pull login (see ServiceExtras).
 */
export function serviceArgs(
    spec: ServiceSpec,
    image: docker.types.input.ServiceTaskSpecContainerSpec["image"],
    networkId: docker.types.input.ServiceTaskSpecNetworksAdvanced["id"],
    platforms?: docker.types.input.ServiceTaskSpecPlacement["platforms"],
    extras: ServiceExtras = {},
): docker.ServiceArgs {
    const task = spec.task;
    return {
        name: spec.name,
        labels: labelList(spec.labels),
        mode: { replicated: { replicas: spec.replicas } },
        taskSpec: {
            containerSpec: {
                image,
                hostname: task.hostname,
                env: task.env,
                labels: labelList(task.labels),
                healthcheck: healthcheckArgs(task.healthcheck),
                user: task.user,
                readOnly: task.readOnlyRootFilesystem,
                mounts: [
                    ...tmpfsMounts(task.tmpfs),
                    ...task.volumes.map((v) => ({ type: "volume", source: v.volumeName, target: v.containerPath })),
                ],
                capDrops: task.capDrop,
                stopGracePeriod: seconds(spec.stopGracePeriodSeconds),
                ...(extras.secrets ? { secrets: extras.secrets } : {}),
            },
            resources: { limits: { memoryBytes: task.memoryMb * MIB, nanoCpus: spec.nanoCpus } },
            restartPolicy: {
                condition: "on-failure",
                maxAttempts: task.restartMaxRetries,
                delay: seconds(RESTART_DELAY_SECONDS),
                window: "0s",
            },
            placement: { constraints: spec.constraints, maxReplicas: spec.maxReplicasPerNode, ...(platforms ? { platforms } : {}) },
            networksAdvanceds: [{ id: networkId, aliases: task.networkAliases }],
        },
        endpointSpec: {
            mode: "vip",
            ports: task.ports.map((p) => ({
                targetPort: p.internal,
                publishedPort: p.external,
                publishMode: spec.publishMode,
                protocol: "tcp",
            })),
        },
        updateConfig: rolloutArgs(spec.update),
        rollbackConfig: rolloutArgs(spec.rollback),
        convergeConfig: { delay: seconds(spec.converge.delaySeconds), timeout: seconds(spec.converge.timeoutSeconds) },
        ...(extras.auth ? { auth: extras.auth } : {}),
    };
}
