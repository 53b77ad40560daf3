import type { PulumiToolchain } from "../tools/toolchain";

/** What a phase after the lab's tables is: its run (its tables and its part of the JSON) and the clean-up of what it leaves. */

export type Toolchain = PulumiToolchain | { missing: string };

/** A phase's printed text and its part of bench-results.json; `failed` when a run failed rather than measured. */
export interface PhaseReport {
    text: string;
    results: Record<string, unknown>;
    failed: boolean;
}

export interface BenchPhaseRunner {
    run(toolchain: Toolchain, runs: number): Promise<PhaseReport>;
    /** Removes what an earlier, interrupted run of the phase left behind. */
    cleanup(): Promise<void>;
}
