import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec } from "../../../lab";
import { serviceArgs, servicePlatforms } from "../../../lab";

export interface AppServiceArgs {
    /** The app's service spec (swarm mode): tasks, replicas, publish mode, rollout and convergence. Required. */
    service: ServiceSpec;
    /** Image reference with digest (repository@sha256:...), never a mutable tag. Required. */
    image: pulumi.Input<string>;
    /** Id of the lab's overlay network the tasks join. Required. */
    networkId: pulumi.Input<string>;
    /** The engine's platform (os/arch) the tasks are placed on: the image's. Default: none (the engine may record the image's own). */
    platform?: pulumi.Input<string>;
    /**
     * With registryAuth: the login every node pulls the image with (docker.Service's `auth`; the
     * password a secret). Default: none (the nodes pull without a login).
     */
    registryLogin?: { server: string; username: string; password: pulumi.Input<string> };
}

/**
 * The app as one Docker Swarm service (swarm mode): `replicas` tasks of the image digest with the
 * containers' healthcheck, limits and security settings, published on appPort (through the ingress
 * mesh, or on each node that runs a task), updated one task at a time and rolled back when a new
 * task fails; `up` waits until the service has converged. With registryAuth the service carries the
 * registry login, which the engine hands to every node that pulls a task's image.
 */
export class AppService extends pulumi.ComponentResource {
    readonly service: docker.Service;
    /** The service's name. */
    readonly name: pulumi.Output<string>;

    constructor(name: string, args: AppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:AppService", name, {}, opts);

        this.service = new docker.Service(
            `${name}-service`,
            serviceArgs(
                args.service,
                args.image,
                args.networkId,
                args.platform === undefined ? undefined : pulumi.output(args.platform).apply(servicePlatforms),
                args.registryLogin
                    ? {
                          auth: {
                              serverAddress: args.registryLogin.server,
                              username: args.registryLogin.username,
                              password: pulumi.secret(args.registryLogin.password),
                          },
                      }
                    : {},
            ),
            {
                parent: this,
                // A fixed published port: the old service must go before a replacement publishes it.
                deleteBeforeReplace: true,
            },
        );
        this.name = this.service.name;

        this.registerOutputs({ name: this.name });
    }
}
