import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { LabSpec, ServiceSpec } from "../lab";
import { labelList, serviceArgs, servicePlatforms } from "../lab";

export interface SwarmRegistryArgs {
    /** The registry's service spec (swarm mode): one task pinned to a manager. Required. */
    service: ServiceSpec;
    /** Registry part of the lab spec: image and URL. Required. */
    registry: LabSpec["registry"];
    /** Named volume that keeps pushed images, on the manager the lab's engine is. Required. */
    volume: LabSpec["volume"];
    /** Id of the lab's overlay network the registry joins (alias `registry`). Required. */
    networkId: pulumi.Input<string>;
    /** The engine's platform (os/arch) the tasks are placed on: the image's. Default: none (the engine may record the image's own). */
    platform?: pulumi.Input<string>;
}

/**
 * The local registry as a Docker Swarm service (swarm mode): one task on a manager, since its named
 * volume lives on the node it was created on, published on registryPort with the lab's publish mode.
 * Its healthcheck on GET /v2/ and `convergeConfig` mean the service completes only once the registry
 * answers, so nothing is pushed before then.
 */
export class SwarmRegistry extends pulumi.ComponentResource {
    /** The registry service; depend on it to wait for a registry that answers. */
    readonly service: docker.Service;
    /** URL of the registry API from this machine, e.g. http://127.0.0.1:5000. */
    readonly url: pulumi.Output<string>;

    constructor(name: string, args: SwarmRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:SwarmRegistry", name, {}, opts);

        const volume = new docker.Volume(
            `${name}-data`,
            { name: args.volume.name, labels: labelList(args.volume.labels) },
            { parent: this },
        );
        this.service = new docker.Service(
            `${name}-service`,
            serviceArgs(
                args.service,
                args.registry.image,
                args.networkId,
                args.platform === undefined ? undefined : pulumi.output(args.platform).apply(servicePlatforms),
            ),
            {
                parent: this,
                dependsOn: [volume],
                // A fixed published port: the old service must go before a replacement publishes it.
                deleteBeforeReplace: true,
            },
        );
        this.url = pulumi.output(args.registry.url);

        this.registerOutputs({ url: this.url, serviceName: this.service.name });
    }
}
