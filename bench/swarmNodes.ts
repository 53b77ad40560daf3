import { APP_CONTAINER_PORT, REGISTRY_CONTAINER_PORT } from "../lab";
import {
    createHostModeService,
    DIND_IMAGE,
    dindImagePresent,
    pushAppImage,
    removeSwarm,
    rollingUpdate,
    type Swarm,
    startManagerRegistry,
    startSwarm,
} from "../rig";
import { labConfig } from "../tools/stack";
import { BASE_IMAGE, BENCH_CONFIG, log, REGISTRY_IMAGE, secs, verdict } from "./common";

/** The three-node swarm rows: dind nodes on this machine (rig/swarmNodes.ts), n/a without their image. */

/** 127.0.0.1 ports of the phase: the manager's engine, then one per node. */
export const SWARM_BENCH_PORTS = { managerPort: 55070, hostPortBase: 55071 } as const;

export interface SwarmNodesBench {
    /** Why the phase did not run (the rows are then n/a). */
    skipped?: string;
    /** Why it failed, when it ran and failed (the rows it did not reach say so). */
    error?: string;
    /** Node containers started until the swarm lists 3 Ready nodes (ms). */
    formationMs?: number;
    /** `docker service create` of 3 host-mode tasks until every task runs and its node's port answers (ms). */
    convergeMs?: number;
    /** Stop-first rolling update of the 3 tasks to a new image, until all run it and answer (ms). */
    rollingUpdateMs?: number;
    /** Polls of the 3 node ports during the update (every 250 ms, each node at once). */
    rollingUpdatePolls?: number;
    /** Polls of the 3 node ports during the update at which none answered (target 0). */
    rollingUpdateAllDown?: number;
    /** The fewest nodes answering at one poll during the update. */
    rollingUpdateMinAnswering?: number;
}

/** Runs the three-node phase once; never throws (n/a → `skipped`, a failure → `error` with what it measured before). */
export async function swarmNodesBench(ports: { managerPort: number; hostPortBase: number } = SWARM_BENCH_PORTS): Promise<SwarmNodesBench> {
    if (!(await dindImagePresent())) return { skipped: `${DIND_IMAGE} is missing (bash scripts/offline-images.sh --with-dind)` };
    let swarm: Swarm | undefined;
    const r: SwarmNodesBench = {};
    try {
        log("swarm nodes: starting 3 dind nodes");
        swarm = await startSwarm({
            ...ports,
            appPort: APP_CONTAINER_PORT,
            registryPort: REGISTRY_CONTAINER_PORT,
            managerImages: [BASE_IMAGE, REGISTRY_IMAGE],
            log,
        });
        r.formationMs = swarm.timings.nodesReadyMs + swarm.timings.swarmFormedMs;
        log(`swarm nodes: formed in ${secs(r.formationMs)}; registry and app image on the manager`);
        await startManagerRegistry(swarm, REGISTRY_IMAGE);
        const config = labConfig(BENCH_CONFIG);
        const v1 = await pushAppImage(swarm, config, "1");
        const v2 = await pushAppImage(swarm, config, "2");
        log("swarm nodes: 3-task service");
        const t = Date.now();
        await createHostModeService(swarm, config.appImageName, v1, 3, APP_CONTAINER_PORT);
        r.convergeMs = Date.now() - t;
        log(`swarm nodes: converged in ${secs(r.convergeMs)}; rolling update`);
        const update = await rollingUpdate(swarm, config.appImageName, v2, 3);
        r.rollingUpdateMs = update.ms;
        r.rollingUpdatePolls = update.polls;
        r.rollingUpdateAllDown = update.allDown;
        r.rollingUpdateMinAnswering = update.minAnswering;
        log(`swarm nodes: rolling update ${secs(update.ms)}, ${update.allDown}/${update.polls} polls with no node answering`);
        return r;
    } catch (err) {
        const error = `three-node swarm failed: ${(err as Error).message.split("\n")[0]}`;
        log(`swarm nodes: ${error}`);
        return { ...r, error };
    } finally {
        await removeSwarm(swarm?.runId);
        await removeSwarm();
    }
}

/** A rolling update's target: the app never unanswering (here: never every node at once). */
export const ROLLING_TARGET = "never every node unanswering";

/** The phase's rows: [figure, value, target]. */
export function swarmNodesRows(r: SwarmNodesBench): string[][] {
    const missing = r.skipped ? `n/a (${r.skipped})` : r.error ? "not reached" : "n/a (not measured)";
    const v = (ms?: number) => (ms === undefined ? missing : secs(ms));
    const measured = r.rollingUpdateMs !== undefined && r.rollingUpdateAllDown !== undefined;
    return [
        ["formation (3 dind nodes started, init + 2 joins, 3 Ready)", v(r.formationMs), ""],
        ["3-task host-mode service created until converged (every node answers)", v(r.convergeMs), ""],
        ["rolling update to a new image (stop-first, 1 at a time) until converged", v(r.rollingUpdateMs), ""],
        [
            "  polls of the 3 node ports (every 250 ms): none answering / fewest answering",
            measured ? `${r.rollingUpdateAllDown} of ${r.rollingUpdatePolls} / ${r.rollingUpdateMinAnswering} of 3` : missing,
            measured ? `${ROLLING_TARGET}: ${verdict(r.rollingUpdateAllDown === 0)}` : ROLLING_TARGET,
        ],
    ];
}
