import type { CheckResult } from "../engine";
import { appContainers, type LabConfig, type LabSpec } from "../lab";
import { median, runsOf, STACK, secs, table, verdict } from "./common";
import type { CycleSteps, LabCycle } from "./cycles";
import type { ImagePhase } from "./imagePhase";
import type { PulumiPhase } from "./pulumiPhase";
import { pulumiReportLines, pulumiSection } from "./pulumiReport";

/** The bench's result: the tables it prints and the JSON it writes, from the figures of every run. */

const TARGETS = {
    appAddedBytes: 100 * 1024,
    replicaHealthyMs: 3000,
    checksTotalMs: 10_000,
    cycleRatio: 1.3,
};

/** The targets as the result table states them. */
const TARGET_TEXT = {
    appAddedBytes: `<= ${TARGETS.appAddedBytes / 1024} KiB`,
    replicaHealthyMs: `<= ${TARGETS.replicaHealthyMs / 1000} s`,
    checksTotalMs: `<= ${TARGETS.checksTotalMs / 1000} s, all pass`,
    cycleRatio: `<= ${TARGETS.cycleRatio}x`,
};

function bytes(n: number): string {
    const sign = n < 0 ? "-" : "";
    const a = Math.abs(n);
    if (a < 1024) return `${sign}${a} B`;
    if (a < 1024 * 1024) return `${sign}${(a / 1024).toFixed(1)} KiB`;
    return `${sign}${(a / 1024 / 1024).toFixed(1)} MiB`;
}

/** What one bench measured, for benchReport. */
export interface BenchRuns {
    spec: LabSpec;
    config: LabConfig;
    /** Engine version, as `docker version` reports it. */
    engine: string;
    runs: number;
    image: ImagePhase;
    lab: LabCycle[];
    bare: CycleSteps[];
    /** The Pulumi phase, or why it did not run. */
    pulumi: PulumiPhase;
    totalMs: number;
}

const pick = (cycles: CycleSteps[], k: "push" | "teardown" | "cycle") => cycles.map((c) => c[k]);

/** The medians and verdicts of the image phase and the cycles. */
function figuresOf({ spec, image, lab, bare }: BenchRuns) {
    const perCheck = spec.checks.map(({ id }) => {
        const results = lab.map((c) => c.checks.find((r) => r.id === id) as CheckResult);
        const runsMs = results.map((r) => r.durationMs);
        return { id, medianMs: median(runsMs), runsMs, passed: results.filter((r) => r.passed).length };
    });
    const failures = lab.flatMap((c, i) =>
        c.checks.filter((r) => !r.passed).map((r) => `cycle ${i + 1} ${r.id}: ${r.stderr.trim().split("\n").slice(0, 6).join(" | ")}`),
    );
    const replicaHealthy = appContainers(spec).map((_, r) => lab.map((c) => c.replicaHealthy[r]));
    const labCycleMs = median(pick(lab, "cycle"));
    const bareCycleMs = median(pick(bare, "cycle"));
    const ratio = labCycleMs / bareCycleMs;
    const maxNewLayers = Math.max(...image.rebuilds.map((r) => r.newLayers));
    const allSameId = image.rebuilds.every((r) => r.sameImageId);
    const checksTotal = median(lab.map((c) => c.checksWall));
    const core = {
        noChangeRebuildNoLayer: maxNewLayers === 0 && allSameId,
        appAddsAtMost100KB: image.size.addedBytes <= TARGETS.appAddedBytes,
        oneLineChangePushesOnlyAppLayer: image.changes.every((c) => c.onlyAppLayer),
        replicasHealthyWithin3s: replicaHealthy.every((xs) => median(xs) <= TARGETS.replicaHealthyMs),
        checksWithin10s: checksTotal <= TARGETS.checksTotalMs && failures.length === 0,
        labCycleWithin1_3xBare: ratio <= TARGETS.cycleRatio,
    };
    return { perCheck, failures, replicaHealthy, labCycleMs, bareCycleMs, ratio, maxNewLayers, allSameId, checksTotal, core };
}
type Figures = ReturnType<typeof figuresOf>;

/** The rows of the image phase: builds, size and pushes. */
function imageRows({ image, lab }: BenchRuns, f: Figures): string[][] {
    const rebuildMs = image.rebuilds.map((r) => r.ms);
    const changeBuildMs = image.changes.map((c) => c.buildMs);
    const changePushMs = image.changes.map((c) => c.pushMs);
    return [
        ["Cold build (--no-cache, base present)", secs(median(image.coldBuildMs)), runsOf(image.coldBuildMs), "-", ""],
        ["No-change rebuild", secs(median(rebuildMs)), runsOf(rebuildMs), "-", ""],
        [
            "  new layers / same image ID",
            `${f.maxNewLayers} / ${f.allSameId ? "yes" : "no"}`,
            image.rebuilds.map((r) => `${r.newLayers}${r.sameImageId ? "" : "*"}`).join(" / "),
            "no new layer",
            verdict(f.core.noChangeRebuildNoLayer),
        ],
        [
            "App image size - base size",
            `+${bytes(image.size.addedBytes)}`,
            `${bytes(image.size.appBytes)} vs ${bytes(image.size.baseBytes)}, +${image.size.layersAdded} layers`,
            TARGET_TEXT.appAddedBytes,
            verdict(f.core.appAddsAtMost100KB),
        ],
        ["First push (fresh registry, lab cycles)", secs(median(pick(lab, "push"))), runsOf(pick(lab, "push")), "-", ""],
        ["One-line change: rebuild", secs(median(changeBuildMs)), runsOf(changeBuildMs), "-", ""],
        ["One-line change: push", secs(median(changePushMs)), runsOf(changePushMs), "-", ""],
        [
            "  layers pushed / already existed",
            `${median(image.changes.map((c) => c.pushed))} / ${median(image.changes.map((c) => c.existing))}`,
            image.changes.map((c) => `${c.pushed}/${c.existing}${c.onlyAppLayer ? "" : "*"}`).join(" "),
            "only the app layer",
            verdict(f.core.oneLineChangePushesOnlyAppLayer),
        ],
    ];
}

/** The rows of the cycles: replicas healthy, the checks, teardown, and the lab against the bare CLI. */
function cycleRows({ spec, lab, bare }: BenchRuns, f: Figures): string[][] {
    return [
        ...f.replicaHealthy.map((xs, r) => [
            `Replica ${r} start -> healthy`,
            secs(median(xs)),
            runsOf(xs),
            TARGET_TEXT.replicaHealthyMs,
            verdict(median(xs) <= TARGETS.replicaHealthyMs),
        ]),
        [
            `All ${spec.checks.length} lesson checks (runChecks)`,
            secs(f.checksTotal),
            runsOf(lab.map((c) => c.checksWall)),
            TARGET_TEXT.checksTotalMs,
            verdict(f.core.checksWithin10s),
        ],
        ["Teardown (teardownLab)", secs(median(pick(lab, "teardown"))), runsOf(pick(lab, "teardown")), "-", ""],
        ["Lab cycle (provisionLab+curl+teardownLab)", secs(f.labCycleMs), runsOf(pick(lab, "cycle")), "-", ""],
        ["Bare CLI cycle (same steps)", secs(f.bareCycleMs), runsOf(pick(bare, "cycle")), "-", ""],
        ["Lab / bare cycle", `${f.ratio.toFixed(2)}x`, "ratio of medians", TARGET_TEXT.cycleRatio, verdict(f.core.labCycleWithin1_3xBare)],
    ];
}

/** Each step of a cycle, lab against bare (medians). */
function stepRows({ spec, lab, bare }: BenchRuns): string[][] {
    const stepRow = (label: string, f: (c: CycleSteps) => number) => [label, secs(median(lab.map(f))), secs(median(bare.map(f)))];
    return [
        stepRow("registry start -> healthy", (c) => c.registryHealthy),
        stepRow("build (app cache empty)", (c) => c.build),
        stepRow("push (fresh registry)", (c) => c.push),
        stepRow("rm tag + pull back", (c) => c.pullBack),
        ...appContainers(spec).map((_, r) => stepRow(`replica ${r} start -> healthy`, (c) => c.replicaHealthy[r])),
        stepRow("curl each replica", (c) => c.curl),
        stepRow("teardown", (c) => c.teardown),
        stepRow("whole cycle (wall)", (c) => c.cycle),
    ];
}

/** The JSON of bench-results.json: the medians, the targets and every run. */
function resultsOf(b: BenchRuns, f: Figures, targets: Record<string, boolean | null>, pulumi: unknown) {
    const { spec, config, engine, runs, image, lab, bare, totalMs } = b;
    return {
        generatedAt: new Date().toISOString(),
        engine,
        runs,
        statistic: "median",
        config,
        instance: spec.instance,
        totalMs,
        targets,
        figures: {
            coldBuildMs: median(image.coldBuildMs),
            noChangeRebuildMs: median(image.rebuilds.map((r) => r.ms)),
            noChangeRebuildMaxNewLayers: f.maxNewLayers,
            noChangeRebuildSameImageId: f.allSameId,
            appAddedBytes: image.size.addedBytes,
            firstPushMs: median(pick(lab, "push")),
            oneLineChangeBuildMs: median(image.changes.map((c) => c.buildMs)),
            oneLineChangePushMs: median(image.changes.map((c) => c.pushMs)),
            replicaHealthyMs: f.replicaHealthy.map((xs) => median(xs)),
            checksTotalMs: f.checksTotal,
            checksMs: Object.fromEntries(f.perCheck.map((c) => [c.id, c.medianMs])),
            teardownMs: median(pick(lab, "teardown")),
            labCycleMs: f.labCycleMs,
            bareCycleMs: f.bareCycleMs,
            cycleRatio: f.ratio,
        },
        raw: {
            image,
            lab: lab.map(({ checks, ...rest }) => ({
                ...rest,
                checks: checks.map((c) => ({ id: c.id, passed: c.passed, durationMs: c.durationMs })),
            })),
            bare,
            checkFailures: f.failures,
        },
        pulumi,
    };
}

/** The figures of every run against their targets: the text to print and the JSON to write. */
export function benchReport(b: BenchRuns): { text: string; results: unknown } {
    const f = figuresOf(b);
    const pulumiPart = pulumiSection(b.pulumi, b.bare, b.lab);
    const targets: Record<string, boolean | null> = { ...f.core, ...pulumiPart.targets };
    const judged = Object.values(targets).filter((t) => t !== null);
    const notJudged = Object.values(targets).length - judged.length;
    const text = [
        "",
        `docker-lab bench: stack "${STACK}", engine ${b.engine}, ${b.config.replicas} replicas, base ${b.config.baseImage}, registry ${b.config.registryImage}`,
        `Medians of ${b.runs} runs (lab and bare cycles interleaved); "*" marks a run that missed.`,
        "",
        table(["Figure", "Median", "Runs", "Target", "Result"], [...imageRows(b, f), ...cycleRows(b, f)]),
        "",
        "Cycle steps (medians). Both: network+volume, registry up+healthy, build, push, rm tag+pull back,",
        "replicas up+healthy, curl each replica, teardown. Checks excluded (see below).",
        "",
        table(["Step", "Lab (harness)", "Bare CLI"], stepRows(b)),
        "",
        table(
            ["Lesson check", "Median", "Runs (s)", "Passed"],
            f.perCheck.map((c) => [c.id, secs(c.medianMs), runsOf(c.runsMs), `${c.passed}/${b.runs}`]),
        ),
        "",
        ...(f.failures.length ? ["Check failures:", ...f.failures.map((line) => `  ${line}`), ""] : []),
        ...pulumiReportLines(b.pulumi, pulumiPart),
        "",
        `Targets: ${judged.filter(Boolean).length}/${judged.length} PASS${notJudged ? `, ${notJudged} n/a` : ""}. Total bench time ${secs(b.totalMs)}.`,
        "",
    ].join("\n");
    return { text, results: resultsOf(b, f, targets, pulumiPart.results) };
}
