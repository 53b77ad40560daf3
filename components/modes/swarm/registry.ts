import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { RegistrySpec, ServiceSpec, SharedSpec } from "../../../lab";
import { LABEL, labelList, secretFileMount, serviceArgs, servicePlatforms } from "../../../lab";
import { registryBase } from "../../registryVolume";

export interface SwarmRegistryArgs {
    /** The registry's service spec (swarm mode): one task pinned to a manager. Required. */
    service: ServiceSpec;
    /** Registry part of the lab spec: image and URL. Required. */
    registry: RegistrySpec;
    /** Named volume that keeps pushed images, on the manager the lab's engine is. Required. */
    volume: SharedSpec["volume"];
    /** Id of the lab's overlay network the registry joins (alias `registry`). Required. */
    networkId: pulumi.Input<string>;
    /** The engine's platform (os/arch) the tasks are placed on: the image's. Default: none (the engine may record the image's own). */
    platform?: pulumi.Input<string>;
    /**
     * With registryAuth (`registry.auth` set): the htpasswd file, a secret, given to the registry as a
     * Docker secret mounted at `auth.htpasswdPath`. Required then; default: none.
     */
    htpasswd?: pulumi.Input<string>;
}

/**
 * The local registry as a Docker Swarm service (swarm mode): one task on a manager, since its named
 * volume lives on the node it was created on, published on registryPort with the lab's publish mode.
 * Its healthcheck on GET /v2/ and `convergeConfig` mean the service completes only once the registry
 * answers, so nothing is pushed before then. With registryAuth it requires a login: its htpasswd file
 * is a Docker secret (encrypted in the swarm's store, in memory in the task), and its healthcheck
 * wants 401 without credentials.
 */
export class SwarmRegistry extends pulumi.ComponentResource {
    /** The registry service; depend on it to wait for a registry that answers. */
    readonly service: docker.Service;
    /** With registryAuth: the Docker secret holding the htpasswd file; undefined without. */
    readonly htpasswdSecret: docker.Secret | undefined;
    /** URL of the registry API from this machine, e.g. http://127.0.0.1:5000. */
    readonly url: pulumi.Output<string>;

    constructor(name: string, args: SwarmRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:SwarmRegistry", name, {}, opts);

        const { volume, login } = registryBase(this, name, args);
        // A Docker secret rather than the containers mode's file on the volume: swarm-native, and
        // the task reads it from memory. Docker secrets are immutable, and the provider marks both
        // data and name as forcing a replacement; it never reads data back (the engine does not
        // expose it), so an unchanged htpasswd line (the same on every up: its salt is derived) is no
        // diff, on up or refresh. No name is given: Pulumi auto-names it (<this name>-<random>), and
        // a changed password replaces it under a new name, created before the old one is deleted,
        // so the service moves to the new secret first (the engine refuses to delete a secret in use).
        // A name hashed from the content would do the same, but would put a digest of the bcrypt
        // line, something to test password guesses against, in plain text in the state.
        this.htpasswdSecret = login
            ? new docker.Secret(
                  `${name}-htpasswd`,
                  {
                      data: pulumi.secret(pulumi.output(login.htpasswd).apply((line) => Buffer.from(line, "utf8").toString("base64"))),
                      labels: labelList({ ...args.service.labels, [LABEL.role]: "registry-htpasswd" }),
                  },
                  { parent: this },
              )
            : undefined;
        const secret = this.htpasswdSecret;

        this.service = new docker.Service(
            `${name}-service`,
            serviceArgs(
                args.service,
                args.registry.image,
                args.networkId,
                args.platform === undefined ? undefined : pulumi.output(args.platform).apply(servicePlatforms),
                login && secret ? { secrets: [secretFileMount(login.auth.htpasswdPath, secret.id, secret.name)] } : {},
            ),
            {
                parent: this,
                dependsOn: secret ? [volume, secret] : [volume],
                // A fixed published port: the old service must go before a replacement publishes it.
                deleteBeforeReplace: true,
            },
        );
        this.url = pulumi.output(args.registry.url);

        this.registerOutputs({ url: this.url, serviceName: this.service.name });
    }
}
