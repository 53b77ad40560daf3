import type { LabConfig } from "./config/keys";
import { APP_CONTAINER_PORT } from "./constants";
import { hostnameFor } from "./names";
import type { ContainerSpec, HealthcheckSpec } from "./types";

/**
 * How every container of the lab runs: locked down after the CIS Docker Benchmark, section 5
 * (container runtime), with limits and a healthcheck; and the app's container built from them.
 */

/** Waits for the app's /healthz with node itself, so the check needs no curl or wget in the image. */
export const APP_HEALTHCHECK_COMMAND = `node -e "require('http').get('http://127.0.0.1:${APP_CONTAINER_PORT}/healthz',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"`;

/** Interval 2 s without start_interval (API 1.44), so the same healthcheck works on every engine from 20.10 up. */
export const HEALTH_TIMING: Omit<HealthcheckSpec, "command"> = {
    intervalSeconds: 2,
    timeoutSeconds: 3,
    retries: 5,
    startPeriodSeconds: 10,
};
/**
 * Healthchecks of a class's replicas: each check starts a `node` process in the replica, so a whole
 * class checks less often, and a busy engine gets longer to answer before a replica counts as unhealthy.
 */
export const CLASS_HEALTH_TIMING: Omit<HealthcheckSpec, "command"> = {
    intervalSeconds: 5,
    timeoutSeconds: 10,
    retries: 5,
    startPeriodSeconds: 10,
};
/** How long `up` waits for a replica to become healthy: one learner's, and a class's (many start at once). */
const WAIT_TIMEOUT_SECONDS = { lab: 60, class: 180 };

/**
 * CPU share of every lab container. Shares are a relative weight that matters only under
 * contention: 0 means unset (the engine's default 1024, which CIS 5.12 flags), and 1024 would weigh
 * the lab like any other container. 512 lets the lab yield half to the learner's other work on a
 * busy machine while it still gets every idle core.
 */
export const LAB_CPU_SHARES = 512;
/**
 * PIDs limit of every lab container (CIS 5.29). pids.max counts threads: node and the Go registry
 * run a few dozen at most, `docker exec` in a lesson check adds a few; 128 leaves room and stops a fork bomb.
 */
export const LAB_PIDS_LIMIT = 128;
/**
 * Every container restarts `unless-stopped`: after a crash and after the engine restarts (a laptop
 * reboot), where `on-failure` leaves down a container that exited 0 on the engine's SIGTERM. It
 * honours a `docker stop` by hand, and meets CIS 5.15 (docker-bench fails only a MaximumRetryCount above 5).
 */
export const LAB_RESTART_POLICY = "unless-stopped";
/** A service's task restarts on failure at most this many times (CIS 5.15). */
export const LAB_RESTART_MAX_RETRIES = 5;
/** The one writable path of a read-only container besides its volumes: small, no exec, no setuid. */
export const TMP_TMPFS = { "/tmp": "rw,noexec,nosuid,size=16m" } as const;
/** Every capability dropped; no process may gain privileges through setuid binaries. */
export const lockedDown = () => ({ capDrop: ["ALL"], securityOpts: ["no-new-privileges:true"] });

/** What makes one app container: its name, published port, labels and environment, and whether it is in a class. */
export interface AppContainerInput {
    name: string;
    port: number;
    labels: Record<string, string>;
    env: Record<string, string>;
    /** A class's replicas check their health less often and get longer to start. Default: false. */
    inClass?: boolean;
}

/** One app container: published on bindAddress, non-root on a read-only root, every capability dropped, limited. */
export function appContainerSpec(config: LabConfig, input: AppContainerInput): ContainerSpec {
    const inClass = input.inClass ?? false;
    return {
        name: input.name,
        hostname: hostnameFor(input.name),
        ports: [{ internal: APP_CONTAINER_PORT, external: input.port, ip: config.bindAddress }],
        env: { PORT: String(APP_CONTAINER_PORT), ...input.env },
        labels: input.labels,
        networkAliases: [config.appImageName],
        healthcheck: { command: APP_HEALTHCHECK_COMMAND, ...(inClass ? CLASS_HEALTH_TIMING : HEALTH_TIMING) },
        restartPolicy: LAB_RESTART_POLICY,
        restartMaxRetries: LAB_RESTART_MAX_RETRIES,
        memoryMb: config.memoryLimitMb,
        memorySwapMb: config.memoryLimitMb,
        cpuShares: LAB_CPU_SHARES,
        pidsLimit: LAB_PIDS_LIMIT,
        user: "1000:1000",
        readOnlyRootFilesystem: true,
        tmpfs: { ...TMP_TMPFS },
        ...lockedDown(),
        volumes: [],
        waitTimeoutSeconds: inClass ? WAIT_TIMEOUT_SECONDS.class : WAIT_TIMEOUT_SECONDS.lab,
    };
}
