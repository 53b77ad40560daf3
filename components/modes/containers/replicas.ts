import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerSpec } from "../../../lab";
import { containerArgs, pidsLimitCommand } from "../../../lab";

export interface AppReplicasArgs {
    /** One spec per replica: name, published port, limits, security settings, healthcheck. Required. */
    replicas: ContainerSpec[];
    /** Image reference with digest (repository@sha256:...), never a mutable tag. Required. */
    image: pulumi.Input<string>;
    /** Name of the lab network the replicas join. Required. */
    networkName: pulumi.Input<string>;
    /** Environment of the docker CLI commands that set the PIDs limits (DOCKER_HOST when set). Default: the caller's environment. */
    commandEnv?: Record<string, string>;
}

/**
 * The app containers (notes 01.02): replicas of one image, each published on bindAddress:appPort+i,
 * healthy before `up` moves on, run as a non-root user on a read-only root filesystem with every
 * capability dropped, and limited in memory (no swap), CPU share and PIDs.
 */
export class AppReplicas extends pulumi.ComponentResource {
    readonly containers: docker.Container[];
    /** One per container: sets its PIDs limit (docker.Container has no such input); re-runs when it is replaced. */
    readonly pidsLimits: command.local.Command[];
    /** Container names, in replica order. */
    readonly names: pulumi.Output<string[]>;

    constructor(name: string, args: AppReplicasArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:AppReplicas", name, {}, opts);

        this.containers = args.replicas.map(
            (replica, index) =>
                new docker.Container(
                    `${name}-${index}`,
                    containerArgs(replica, args.image, args.networkName),
                    // Fixed host ports: remove the old container before starting its replacement.
                    { parent: this, deleteBeforeReplace: true },
                ),
        );
        this.pidsLimits = args.replicas.map(
            (replica, index) =>
                new command.local.Command(
                    `${name}-${index}-pids-limit`,
                    { create: pidsLimitCommand(replica), environment: args.commandEnv, triggers: [this.containers[index].id] },
                    { parent: this },
                ),
        );
        this.names = pulumi.all(this.containers.map((c) => c.name));

        this.registerOutputs({ names: this.names });
    }
}
