import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { htpasswdLine, type RegistryAuthSpec, registryAuthEnv } from "../lab";

export interface RegistryCredentialsArgs {
    /** The registry's login, from the lab spec (`spec.registry.auth`). Required. */
    auth: RegistryAuthSpec;
    /** The lab's instance id: part of the htpasswd salt, so two labs with one password get different lines. Required. */
    instance: string;
    /** The password (the secret config `registryPassword`). Default: a generated one, kept in the stack's state. */
    password?: pulumi.Input<string>;
}

/**
 * The registry login of a lab with registryAuth: its password (the one given, or one generated once
 * and kept), the htpasswd line the registry checks it against, and the environment the lesson checks
 * read it from. Every one of them is a Pulumi secret: encrypted in the state, `[secret]` in outputs.
 */
export class RegistryCredentials extends pulumi.ComponentResource {
    /** The password, a secret. */
    readonly password: pulumi.Output<string>;
    /** `user:bcrypt-hash` and a newline, the registry's htpasswd file; a secret, and the same on every up. */
    readonly htpasswd: pulumi.Output<string>;
    /** LAB_REGISTRY_PASSWORD and LAB_REGISTRY_BASIC_AUTH for the check scripts, a secret. */
    readonly env: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: RegistryCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:RegistryCredentials", name, {}, opts);
        const { auth, instance } = args;

        // No @pulumi/random in the toolchain: a command prints random bytes once, on create. It has no
        // triggers, so later ups keep its stdout (a no-op up stays a no-op); stdout is a secret output
        // and is not logged.
        const password =
            args.password !== undefined
                ? pulumi.secret(args.password)
                : new command.local.Command(
                      `${name}-generated-password`,
                      { create: auth.generatePasswordCommand, logging: command.types.enums.local.Logging.None },
                      { parent: this, additionalSecretOutputs: ["stdout"] },
                  ).stdout.apply((out) => out.trim());
        this.password = pulumi.secret(password);
        this.htpasswd = pulumi.secret(this.password.apply((p) => htpasswdLine(auth.user, p, instance)));
        this.env = pulumi.secret(this.password.apply((p) => registryAuthEnv(auth.user, p)));

        this.registerOutputs({ password: this.password, htpasswd: this.htpasswd });
    }
}
