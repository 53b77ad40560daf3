import type { LabConfig } from "./config/keys";
import { REGISTRY_CONTAINER_PORT } from "./constants";
import {
    HEALTH_TIMING,
    LAB_CPU_SHARES,
    LAB_PIDS_LIMIT,
    LAB_RESTART_MAX_RETRIES,
    LAB_RESTART_POLICY,
    lockedDown,
    TMP_TMPFS,
} from "./hardening";
import { hostnameFor } from "./names";
import { GENERATE_PASSWORD_COMMAND, REGISTRY_BASIC_AUTH_ENV, REGISTRY_PASSWORD_ENV } from "./registryAuth";
import type { ContainerSpec, RegistryAuthSpec } from "./types";

/** The local registry (notes 01.03): its container, and with registryAuth the login it requires. */

/** GET /v2/ is the registry API's version check: 200 once it serves. */
export const REGISTRY_HEALTHCHECK_COMMAND = `wget -q -O /dev/null http://127.0.0.1:${REGISTRY_CONTAINER_PORT}/v2/ || exit 1`;
/**
 * With registryAuth, GET /v2/ without credentials must answer 401: the registry serves and demands a
 * login (a 200 would mean it lets anyone in, and is unhealthy). The healthcheck sends no password.
 */
export const REGISTRY_AUTH_HEALTHCHECK_COMMAND = `case "$(wget -S -O /dev/null http://127.0.0.1:${REGISTRY_CONTAINER_PORT}/v2/ 2>&1)" in *"401 Unauthorized"*) exit 0 ;; *) exit 1 ;; esac`;
/** Where the registry reads its htpasswd file: on its volume, since its root filesystem is read-only. */
export const REGISTRY_HTPASSWD_PATH = "/var/lib/registry/htpasswd";
/** The realm of the registry's basic authentication. */
export const REGISTRY_AUTH_REALM = "docker-lab registry";
/** Memory limit of the registry container, in MiB: the Go registry serving one lab needs a small fraction of it. */
export const REGISTRY_MEMORY_MB = 256;

/**
 * URL of the registry API from the machine that runs the lab's checks: `http://<registryAddress>`
 * when registryAddress is set (the address every node, and so the machine that deploys to them,
 * reaches the registry at), else `fallback` (the registry published on this machine's bindAddress).
 */
export function registryApiUrl(config: Pick<LabConfig, "registryAddress">, fallback: string): string {
    return config.registryAddress ? `http://${config.registryAddress}` : fallback;
}

/** The registry container's environment for a login with htpasswd (the file itself comes with the container). */
export function registryAuthContainerEnv(auth: RegistryAuthSpec): Record<string, string> {
    return {
        REGISTRY_AUTH: "htpasswd",
        REGISTRY_AUTH_HTPASSWD_REALM: auth.realm,
        REGISTRY_AUTH_HTPASSWD_PATH: auth.htpasswdPath,
    };
}

/** The registry's login with registryAuth (names only: the password is a secret, never in the spec); undefined without. */
export function registryAuthSpec(config: LabConfig, server: string, htpasswdPath: string): RegistryAuthSpec | undefined {
    if (!config.registryAuth) return undefined;
    return {
        user: config.registryUser,
        realm: REGISTRY_AUTH_REALM,
        htpasswdPath,
        server,
        passwordEnv: REGISTRY_PASSWORD_ENV,
        basicAuthEnv: REGISTRY_BASIC_AUTH_ENV,
        generatePasswordCommand: GENERATE_PASSWORD_COMMAND,
    };
}

/** The registry container of lab `instance`: published on bindAddress:registryPort, its images on a named volume. */
export function registryContainerSpec(
    config: LabConfig,
    instance: string,
    labels: Record<string, string>,
    auth: RegistryAuthSpec | undefined,
): ContainerSpec {
    const name = `${instance}-registry`;
    return {
        name,
        hostname: hostnameFor(name),
        ports: [{ internal: REGISTRY_CONTAINER_PORT, external: config.registryPort, ip: config.bindAddress }],
        env: auth ? registryAuthContainerEnv(auth) : {},
        labels,
        networkAliases: ["registry"],
        healthcheck: { command: auth ? REGISTRY_AUTH_HEALTHCHECK_COMMAND : REGISTRY_HEALTHCHECK_COMMAND, ...HEALTH_TIMING },
        restartPolicy: LAB_RESTART_POLICY,
        restartMaxRetries: LAB_RESTART_MAX_RETRIES,
        memoryMb: REGISTRY_MEMORY_MB,
        memorySwapMb: REGISTRY_MEMORY_MB,
        cpuShares: LAB_CPU_SHARES,
        pidsLimit: LAB_PIDS_LIMIT,
        // No user: the offline registry image declares USER 65532:65532 itself; the official
        // registry:2 declares none and has no non-root user to pick (an exception the README names).
        readOnlyRootFilesystem: true,
        tmpfs: { ...TMP_TMPFS },
        ...lockedDown(),
        volumes: [{ volumeName: `${instance}-registry-data`, containerPath: "/var/lib/registry" }],
        waitTimeoutSeconds: 60,
    };
}
