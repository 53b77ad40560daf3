import * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import { labelList, type RegistryAuthSpec, type RegistrySpec, type SharedSpec } from "../lab";

/** What every mode's registry starts from: its named volume, and its login when it requires one. */
export interface RegistryBase {
    volume: docker.Volume;
    /** With registryAuth: the login and its htpasswd line (a secret). */
    login?: { auth: RegistryAuthSpec; htpasswd: pulumi.Input<string> };
}

/**
 * The registry's named volume `<name>-data` (it keeps pushed images) under `parent`, and its login;
 * throws when the registry requires a login but no htpasswd was given.
 */
export function registryBase(
    parent: pulumi.Resource,
    name: string,
    args: { registry: RegistrySpec; volume: SharedSpec["volume"]; htpasswd?: pulumi.Input<string> },
): RegistryBase {
    const volume = new docker.Volume(`${name}-data`, { name: args.volume.name, labels: labelList(args.volume.labels) }, { parent });
    const auth = args.registry.auth;
    if (!auth) return { volume };
    if (args.htpasswd === undefined) throw new Error(`${name}: the registry requires a login (registryAuth), but no htpasswd was given`);
    return { volume, login: { auth, htpasswd: args.htpasswd } };
}
