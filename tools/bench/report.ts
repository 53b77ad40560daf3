import type { CheckResult } from "../../engine";
import type { LabConfig, LabSpec } from "../../lab";
import { median, PULUMI_STACK, runsOf, STACK, secs, table, verdict } from "./common";
import type { CycleSteps, LabCycle } from "./cycles";
import type { ImagePhase } from "./imagePhase";
import type { PulumiPhase } from "./pulumiPhase";
import { pulumiSection } from "./pulumiReport";

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

/** The figures of every run against their targets: the text to print and the JSON to write. */
export function benchReport({ spec, config, engine, runs, image, lab, bare, pulumi, totalMs }: BenchRuns): {
    text: string;
    results: unknown;
} {
    const m = (xs: number[]) => median(xs);
    const pick = <K extends keyof CycleSteps>(cycles: CycleSteps[], k: K) => cycles.map((c) => c[k] as unknown as number);
    const replicaHealthy = spec.replicas.map((_, r) => lab.map((c) => c.replicaHealthy[r]));
    const checkIds = spec.checks.map((c) => c.id);
    const perCheck = checkIds.map((id) => {
        const results = lab.map((c) => c.checks.find((r) => r.id === id) as CheckResult);
        return {
            id,
            medianMs: m(results.map((r) => r.durationMs)),
            runsMs: results.map((r) => r.durationMs),
            passed: results.filter((r) => r.passed).length,
        };
    });
    const failures = lab.flatMap((c, i) =>
        c.checks.filter((r) => !r.passed).map((r) => `cycle ${i + 1} ${r.id}: ${r.stderr.trim().split("\n").slice(0, 6).join(" | ")}`),
    );
    const labCycleMs = m(lab.map((c) => c.cycle));
    const bareCycleMs = m(bare.map((c) => c.cycle));
    const ratio = labCycleMs / bareCycleMs;
    const maxNewLayers = Math.max(...image.rebuilds.map((r) => r.newLayers));
    const allSameId = image.rebuilds.every((r) => r.sameImageId);
    const onlyApp = image.changes.every((c) => c.onlyAppLayer);
    const checksTotal = m(lab.map((c) => c.checksWall));

    const pulumiPart = pulumiSection(pulumi, bare, lab);
    const core = {
        noChangeRebuildNoLayer: maxNewLayers === 0 && allSameId,
        appAddsAtMost100KB: image.size.addedBytes <= TARGETS.appAddedBytes,
        oneLineChangePushesOnlyAppLayer: onlyApp,
        replicasHealthyWithin3s: replicaHealthy.every((xs) => m(xs) <= TARGETS.replicaHealthyMs),
        checksWithin10s: checksTotal <= TARGETS.checksTotalMs && failures.length === 0,
        labCycleWithin1_3xBare: ratio <= TARGETS.cycleRatio,
    };
    const targets: Record<string, boolean | null> = { ...core, ...pulumiPart.targets };
    const judged = Object.values(targets).filter((t) => t !== null);
    const notJudged = Object.values(targets).length - judged.length;

    const rows: string[][] = [
        ["Cold build (--no-cache, base present)", secs(m(image.coldBuildMs)), runsOf(image.coldBuildMs), "-", ""],
        ["No-change rebuild", secs(m(image.rebuilds.map((r) => r.ms))), runsOf(image.rebuilds.map((r) => r.ms)), "-", ""],
        [
            "  new layers / same image ID",
            `${maxNewLayers} / ${allSameId ? "yes" : "no"}`,
            image.rebuilds.map((r) => `${r.newLayers}${r.sameImageId ? "" : "*"}`).join(" / "),
            "no new layer",
            verdict(core.noChangeRebuildNoLayer),
        ],
        [
            "App image size - base size",
            `+${bytes(image.size.addedBytes)}`,
            `${bytes(image.size.appBytes)} vs ${bytes(image.size.baseBytes)}, +${image.size.layersAdded} layers`,
            TARGET_TEXT.appAddedBytes,
            verdict(core.appAddsAtMost100KB),
        ],
        ["First push (fresh registry, lab cycles)", secs(m(pick(lab, "push"))), runsOf(pick(lab, "push")), "-", ""],
        ["One-line change: rebuild", secs(m(image.changes.map((c) => c.buildMs))), runsOf(image.changes.map((c) => c.buildMs)), "-", ""],
        ["One-line change: push", secs(m(image.changes.map((c) => c.pushMs))), runsOf(image.changes.map((c) => c.pushMs)), "-", ""],
        [
            "  layers pushed / already existed",
            `${m(image.changes.map((c) => c.pushed))} / ${m(image.changes.map((c) => c.existing))}`,
            image.changes.map((c) => `${c.pushed}/${c.existing}${c.onlyAppLayer ? "" : "*"}`).join(" "),
            "only the app layer",
            verdict(core.oneLineChangePushesOnlyAppLayer),
        ],
        ...replicaHealthy.map((xs, r) => [
            `Replica ${r} start -> healthy`,
            secs(m(xs)),
            runsOf(xs),
            TARGET_TEXT.replicaHealthyMs,
            verdict(m(xs) <= TARGETS.replicaHealthyMs),
        ]),
        [
            `All ${checkIds.length} lesson checks (runChecks)`,
            secs(checksTotal),
            runsOf(lab.map((c) => c.checksWall)),
            TARGET_TEXT.checksTotalMs,
            verdict(core.checksWithin10s),
        ],
        ["Teardown (teardownLab)", secs(m(pick(lab, "teardown"))), runsOf(pick(lab, "teardown")), "-", ""],
        ["Lab cycle (provisionLab+curl+teardownLab)", secs(labCycleMs), runsOf(lab.map((c) => c.cycle)), "-", ""],
        ["Bare CLI cycle (same steps)", secs(bareCycleMs), runsOf(bare.map((c) => c.cycle)), "-", ""],
        ["Lab / bare cycle", `${ratio.toFixed(2)}x`, "ratio of medians", TARGET_TEXT.cycleRatio, verdict(core.labCycleWithin1_3xBare)],
    ];

    const stepRow = (label: string, f: (c: CycleSteps) => number) => [label, secs(m(lab.map(f))), secs(m(bare.map(f)))];
    const steps: string[][] = [
        stepRow("registry start -> healthy", (c) => c.registryHealthy),
        stepRow("build (app cache empty)", (c) => c.build),
        stepRow("push (fresh registry)", (c) => c.push),
        stepRow("rm tag + pull back", (c) => c.pullBack),
        ...spec.replicas.map((_, r) => stepRow(`replica ${r} start -> healthy`, (c) => c.replicaHealthy[r])),
        stepRow("curl each replica", (c) => c.curl),
        stepRow("teardown", (c) => c.teardown),
        stepRow("whole cycle (wall)", (c) => c.cycle),
    ];

    const out = [
        "",
        `docker-lab bench: stack "${STACK}", engine ${engine}, ${config.replicas} replicas, base ${config.baseImage}, registry ${config.registryImage}`,
        `Medians of ${runs} runs (lab and bare cycles interleaved); "*" marks a run that missed.`,
        "",
        table(["Figure", "Median", "Runs", "Target", "Result"], rows),
        "",
        "Cycle steps (medians). Both: network+volume, registry up+healthy, build, push, rm tag+pull back,",
        "replicas up+healthy, curl each replica, teardown. Checks excluded (see below).",
        "",
        table(["Step", "Lab (harness)", "Bare CLI"], steps),
        "",
        table(
            ["Lesson check", "Median", "Runs (s)", "Passed"],
            perCheck.map((c) => [c.id, secs(c.medianMs), runsOf(c.runsMs), `${c.passed}/${runs}`]),
        ),
        "",
        ...(failures.length ? ["Check failures:", ...failures.map((f) => `  ${f}`), ""] : []),
        pulumi.available ? `Pulumi CLI ${pulumi.version} (${pulumi.cli}).` : "Pulumi CLI: none, so the Pulumi rows are n/a.",
        `The real npm run up / npm run down in a throw-away copy of the project, stack "${PULUMI_STACK}". Each run: a fresh stack,`,
        "a cold up, a no-op up, a one-line change in the copy's app/app.js and up, down. The parts of each command are timed",
        "at its pulumi calls. Comparison: the pulumi calls of the cold up (its checks run once, as local.Command) and of down,",
        "against the bare CLI cycle without its pull-back plus one runChecks of every check (verify and preflight left out).",
        "",
        table(["Figure", "Median", "Runs", "Target", "Result"], pulumiPart.rows),
        "",
        pulumiPart.text,
        "",
        `Targets: ${judged.filter(Boolean).length}/${judged.length} PASS${notJudged ? `, ${notJudged} n/a` : ""}. Total bench time ${secs(totalMs)}.`,
        "",
    ].join("\n");

    const results = {
        generatedAt: new Date().toISOString(),
        engine,
        runs,
        statistic: "median",
        config,
        instance: spec.instance,
        totalMs,
        targets,
        figures: {
            coldBuildMs: m(image.coldBuildMs),
            noChangeRebuildMs: m(image.rebuilds.map((r) => r.ms)),
            noChangeRebuildMaxNewLayers: maxNewLayers,
            noChangeRebuildSameImageId: allSameId,
            appAddedBytes: image.size.addedBytes,
            firstPushMs: m(pick(lab, "push")),
            oneLineChangeBuildMs: m(image.changes.map((c) => c.buildMs)),
            oneLineChangePushMs: m(image.changes.map((c) => c.pushMs)),
            replicaHealthyMs: replicaHealthy.map((xs) => m(xs)),
            checksTotalMs: checksTotal,
            checksMs: Object.fromEntries(perCheck.map((c) => [c.id, c.medianMs])),
            teardownMs: m(pick(lab, "teardown")),
            labCycleMs,
            bareCycleMs,
            cycleRatio: ratio,
        },
        cycleSteps: {
            included:
                "network+volume, registry up+healthy, build, push, rm tag + pull back, replicas up+healthy, curl each replica, teardown",
            lab: "provisionLab + curl + teardownLab (checks run between curl and teardown, excluded)",
            bare: "literal docker CLI sequence (tools/bench/cycles.ts bareCycle)",
        },
        raw: {
            image,
            lab: lab.map(({ checks, ...rest }) => ({
                ...rest,
                checks: checks.map((c) => ({ id: c.id, passed: c.passed, durationMs: c.durationMs })),
            })),
            bare,
            checkFailures: failures,
        },
        pulumi: pulumiPart.results,
    };
    return { text: out, results };
}
