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
} from "../../engine";
import { BASE_IMAGE, log, REGISTRY_IMAGE, secs, table } from "./common";

/**
 * Bench rows for a three-node Swarm on this machine (engine/swarmNodes.ts, plain docker CLI):
 * formation, convergence of a 3-task host-mode service and a stop-first rolling update. Figures
 * only. Needs the node image (scripts/offline-images.sh --with-dind); without it every row is n/a
 * with the reason. Everything the phase creates is removed, pass or fail.
 */

/** 127.0.0.1 ports of the phase: the manager's engine, then one per node. */
export const SWARM_BENCH_PORTS = { managerPort: 55070, hostPortBase: 55071 } as const;

export interface SwarmNodesBench {
    /** Why the phase did not run (the rows are then n/a). */
    skipped?: string;
    /** Node containers started until the swarm lists 3 Ready nodes (ms). */
    formationMs?: number;
    /** `docker service create` of 3 host-mode tasks until every task runs and its node's port answers (ms). */
    convergeMs?: number;
    /** Stop-first rolling update of the 3 tasks to a new image, until all run it and answer (ms). */
    rollingUpdateMs?: number;
    /** Polls of the 3 node ports during the update at which none answered (target 0). */
    rollingUpdateAllDown?: number;
    /** The fewest nodes answering at one poll during the update. */
    rollingUpdateMinAnswering?: number;
}

/** Runs the three-node phase once; never throws (a failure becomes `skipped` with the error). */
export async function swarmNodesBench(ports: { managerPort: number; hostPortBase: number } = SWARM_BENCH_PORTS): Promise<SwarmNodesBench> {
    if (!(await dindImagePresent())) return { skipped: `${DIND_IMAGE} is missing (bash scripts/offline-images.sh --with-dind)` };
    let swarm: Swarm | undefined;
    try {
        log("swarm nodes: starting 3 dind nodes");
        swarm = await startSwarm({ ...ports, appPort: 8080, registryPort: 5000, managerImages: [BASE_IMAGE, REGISTRY_IMAGE], log });
        const formationMs = swarm.timings.nodesReadyMs + swarm.timings.swarmFormedMs;
        await startManagerRegistry(swarm, REGISTRY_IMAGE);
        const v1 = await pushAppImage(swarm, BASE_IMAGE, "1");
        const v2 = await pushAppImage(swarm, BASE_IMAGE, "2");
        log("swarm nodes: 3-task service");
        const t = Date.now();
        await createHostModeService(swarm, "hellodocker", v1, 3, 8080);
        const convergeMs = Date.now() - t;
        log("swarm nodes: rolling update");
        const update = await rollingUpdate(swarm, "hellodocker", v2, 3);
        return {
            formationMs,
            convergeMs,
            rollingUpdateMs: update.ms,
            rollingUpdateAllDown: update.allDown,
            rollingUpdateMinAnswering: update.minAnswering,
        };
    } catch (err) {
        return { skipped: `three-node swarm failed: ${(err as Error).message.split("\n")[0]}` };
    } finally {
        await removeSwarm(swarm?.runId);
        await removeSwarm();
    }
}

/** The phase's rows: [figure, value]. */
export function swarmNodesRows(r: SwarmNodesBench): string[][] {
    const v = (ms?: number) => (ms === undefined ? `n/a (${r.skipped ?? "not measured"})` : secs(ms));
    return [
        ["three-node swarm formation (3 dind nodes, init + 2 joins)", v(r.formationMs)],
        ["three-node swarm: 3-task host-mode service converged", v(r.convergeMs)],
        [
            "three-node swarm: rolling update (stop-first, 1 at a time)",
            r.rollingUpdateMs === undefined
                ? v()
                : `${secs(r.rollingUpdateMs)} (polls with no node answering: ${r.rollingUpdateAllDown}, fewest answering: ${r.rollingUpdateMinAnswering})`,
        ],
    ];
}

/** The rows as a plain text table. */
export function swarmNodesTable(r: SwarmNodesBench): string {
    return table(["swarm, three nodes", "figure"], swarmNodesRows(r));
}
