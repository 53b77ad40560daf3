import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { RegistrySpec, SharedSpec } from "../../../lab";
import { containerArgs, HTPASSWD_ENV, pidsLimitCommand, writeHtpasswdCommand } from "../../../lab";
import { registryBase } from "../../registryVolume";

export interface LocalRegistryArgs {
    /** Registry part of the lab spec: image, container (ports, limits, healthcheck, volume) and URL. Required. */
    registry: RegistrySpec;
    /** Named volume that keeps pushed images. Required. */
    volume: SharedSpec["volume"];
    /** Name of the lab network the registry joins (alias `registry`). Required. */
    networkName: pulumi.Input<string>;
    /** Environment of the docker CLI command that sets the PIDs limit (DOCKER_HOST when set). Default: the caller's environment. */
    commandEnv?: Record<string, string>;
    /**
     * With registryAuth (`registry.auth` set): the htpasswd file, a secret, written to `auth.htpasswdPath`
     * on the registry's volume before the container starts (its root filesystem is read-only). Required then; default: none.
     */
    htpasswd?: pulumi.Input<string>;
}

/**
 * A local Docker registry (notes 01.03): a named volume and a registry container published on
 * bindAddress:registryPort. `wait: true` with a healthcheck on GET /v2/ means the container
 * resource completes only once the registry answers, so nothing is pushed before then.
 * The root filesystem is read-only: only the volume and a small /tmp tmpfs are writable.
 */
export class LocalRegistry extends pulumi.ComponentResource {
    /** The registry container; depend on it to wait for a healthy registry. */
    readonly container: docker.Container;
    /** Sets the container's PIDs limit (docker.Container has no such input); re-runs when the container is replaced. */
    readonly pidsLimit: command.local.Command;
    /** URL of the registry API from this machine, e.g. http://127.0.0.1:5000. */
    readonly url: pulumi.Output<string>;

    constructor(name: string, args: LocalRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:LocalRegistry", name, {}, opts);

        const { volume, login } = registryBase(this, name, args);
        // registryAuth: the htpasswd file written onto the volume before the registry starts (see
        // writeHtpasswdCommand); the line is a secret input, in the command's environment only.
        const htpasswd = login
            ? new command.local.Command(
                  `${name}-htpasswd`,
                  {
                      create: writeHtpasswdCommand(args.registry.container, args.registry.image, login.auth),
                      environment: pulumi.secret(
                          pulumi.output(login.htpasswd).apply((line) => ({ ...(args.commandEnv ?? {}), [HTPASSWD_ENV]: line })),
                      ),
                      logging: command.types.enums.local.Logging.StdoutAndStderr,
                  },
                  { parent: this, dependsOn: [volume], additionalSecretOutputs: ["environment"] },
              )
            : undefined;
        this.container = new docker.Container(
            `${name}-container`,
            containerArgs(args.registry.container, args.registry.image, args.networkName),
            // The host port is fixed, so the old container must go before its replacement starts.
            { parent: this, dependsOn: htpasswd ? [volume, htpasswd] : [volume], deleteBeforeReplace: true },
        );
        this.pidsLimit = new command.local.Command(
            `${name}-pids-limit`,
            {
                create: pidsLimitCommand(args.registry.container),
                environment: args.commandEnv,
                triggers: [this.container.id],
            },
            { parent: this },
        );
        this.url = pulumi.output(args.registry.url);

        this.registerOutputs({ url: this.url, containerName: this.container.name });
    }
}
