import { teardownLab } from "../rig";
import type { PulumiToolchain } from "../tools/toolchain";
import { benchClassSpec, CLASS_TARGETS, LIVE_CLASS_SIZE, MOCK_CLASS_SIZES } from "./classroomConfig";
import { type ClassLive, classWithHarness, classWithPulumi } from "./classroomLive";
import { type MockRun, mockRunInChild } from "./classroomMocks";
import { log, median, mib, seconds, secs, table, verdict } from "./common";
import type { BenchPhaseRunner } from "./phase";

/** The classroom rows of the bench: the program under mocks for several class sizes, and a class on the engine. */

/** Everything the classroom rows measured. */
export interface ClassroomPhase {
    /** Per class size: every run. */
    mocks: { students: number; runs: MockRun[] }[];
    live: ClassLive | { error: string };
}

/**
 * The classroom phase: `runs` cold runs of the program under mocks per class size, then one class
 * of 10 on the engine (the real CLI when `toolchain` is given, else the harness).
 */
export async function classroomPhase(toolchain: PulumiToolchain | { missing: string }, runs: number): Promise<ClassroomPhase> {
    const mocks: ClassroomPhase["mocks"] = [];
    for (const students of MOCK_CLASS_SIZES) {
        const all: MockRun[] = [];
        for (let i = 0; i < runs; i++) all.push(await mockRunInChild(students));
        log(`classroom: program under mocks, ${students} students: ${all.map((r) => secs(r.ms)).join(" / ")}`);
        mocks.push({ students, runs: all });
    }
    const spec = benchClassSpec(LIVE_CLASS_SIZE);
    let live: ClassroomPhase["live"];
    try {
        await teardownLab(spec);
        live =
            "missing" in toolchain
                ? await classWithHarness(spec, `no Pulumi CLI: ${toolchain.missing}`)
                : await classWithPulumi(toolchain, spec);
    } catch (err) {
        live = { error: (err as Error).message };
        log(`classroom: the class of ${LIVE_CLASS_SIZE} FAILED: ${live.error}`);
    }
    return { mocks, live };
}

/** The classroom rows as text, and as JSON for bench-results.json. */
export function classroomReport(phase: ClassroomPhase): { text: string; results: Record<string, unknown> } {
    const mockRows = phase.mocks.map(({ students, runs }) => {
        const ms = median(runs.map((r) => r.ms));
        const target = students === 50 ? `< ${seconds(CLASS_TARGETS.mocks50Ms)} s ${verdict(ms < CLASS_TARGETS.mocks50Ms)}` : "";
        return [
            String(students),
            String(runs[0]?.resources ?? "n/a"),
            `${seconds(ms)} s`,
            runs.map((r) => seconds(r.ms)).join(" / "),
            mib(median(runs.map((r) => r.heapMb))),
            mib(median(runs.map((r) => r.rssMb))),
            target,
        ];
    });
    const lines = [
        "",
        "Classroom: the program under Pulumi mocks (index.ts until every output resolves; each run a fresh node process)",
        table(["students", "resources", "evaluate (median)", "runs (s)", "heap added", "rss", "target"], mockRows),
        "",
    ];
    const live = phase.live;
    if ("error" in live) {
        lines.push(`Classroom: a class of ${LIVE_CLASS_SIZE} on the engine FAILED: ${live.error}`);
    } else {
        const how =
            live.via === "pulumi"
                ? "with the real Pulumi CLI (pulumi up / destroy in a copy of the project)"
                : `through the live harness (${live.reason})`;
        const per = live.memoryPerLabMb;
        lines.push(
            `Classroom: a class of ${live.students} students × ${live.replicas} replicas on the engine, ${how}`,
            table(
                ["step", "figure", "target"],
                [
                    ["until every replica is healthy", secs(live.healthyMs), ""],
                    [live.via === "pulumi" ? "pulumi up (checks included)" : "provision (harness)", secs(live.upMs), ""],
                    [
                        `verify (${live.checks} checks, ${live.failed} failed)`,
                        secs(live.verifyMs),
                        `<= ${seconds(CLASS_TARGETS.verify10Ms)} s ${verdict(live.verifyMs <= CLASS_TARGETS.verify10Ms && live.failed === 0)}`,
                    ],
                    [
                        `engine memory per student lab (${live.replicas} replicas), min / median / max`,
                        `${mib(Math.min(...per))} / ${mib(median(per))} / ${mib(Math.max(...per))}`,
                        "",
                    ],
                    ["engine memory of the shared registry", mib(live.registryMb), ""],
                    [live.via === "pulumi" ? "pulumi destroy" : "teardown (harness)", secs(live.downMs), ""],
                ],
            ),
        );
    }
    return { text: `${lines.join("\n")}\n`, results: { classroom: phase } };
}

/** Removes the bench class from the engine (leftovers of an interrupted run). */
export async function cleanupClassroom(): Promise<void> {
    await teardownLab(benchClassSpec(LIVE_CLASS_SIZE));
}

/** The classroom phase: the program under mocks for classes of several sizes, and a class on the engine. */
export const classroomBenchPhase: BenchPhaseRunner = {
    async run(toolchain, runs) {
        log("classroom phase");
        return { ...classroomReport(await classroomPhase(toolchain, runs)), failed: false };
    },
    cleanup: cleanupClassroom,
};
