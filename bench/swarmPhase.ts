import { log } from "./common";
import type { BenchPhaseRunner } from "./phase";
import { swarmNodesBench } from "./swarmNodes";
import { cleanupSwarmOneNode, swarmOneNodeBench } from "./swarmOneNode";
import { swarmReport } from "./swarmReport";

/** The swarm phase: the lab in swarm mode on one node with the real CLI, then a swarm of three dind nodes. */
export const swarmBenchPhase: BenchPhaseRunner = {
    async run(toolchain) {
        log("swarm phase: one node");
        const oneNode = await swarmOneNodeBench(toolchain);
        log("swarm phase: three nodes");
        const threeNodes = await swarmNodesBench();
        const failed = ("error" in oneNode && oneNode.error !== undefined) || threeNodes.error !== undefined;
        return { ...swarmReport(oneNode, threeNodes), failed };
    },
    cleanup: cleanupSwarmOneNode,
};
