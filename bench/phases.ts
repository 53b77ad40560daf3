import { classroomBenchPhase } from "./classroom";
import type { BenchPhaseRunner } from "./phase";
import { seatsBenchPhase } from "./seats";
import { swarmBenchPhase } from "./swarmPhase";

/** The phases after `lab` (image, cycles and the real Pulumi CLI: the first table), in the order they run; each registers here with one line. */
export const MORE_PHASES = {
    classroom: classroomBenchPhase,
    swarm: swarmBenchPhase,
    seats: seatsBenchPhase,
} as const satisfies Record<string, BenchPhaseRunner>;

export type MorePhase = keyof typeof MORE_PHASES;

/** Every phase as `--only` names it, in the order they run. */
export const BENCH_PHASES = ["lab", ...(Object.keys(MORE_PHASES) as MorePhase[])] as const;
export type BenchPhase = (typeof BENCH_PHASES)[number];
