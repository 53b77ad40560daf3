import { median, PULUMI_STACK, runsOf, secs, table, verdict } from "./common";
import type { CycleSteps, LabCycle } from "./cycles";
import { type CriticalPath, medianPath, type PathRow } from "./pulumiEvents";
import type { LabCommandRun, PulumiPhase, PulumiRun } from "./pulumiPhase";

/** The Pulumi rows of the bench (pure): the commands' parts, the comparison with the bare CLI, the critical path. */

export const PULUMI_TARGETS = {
    noopUpMs: 5000,
    upDownRatio: 1.3,
};

/** Pass, miss, or null when there is nothing to judge (no Pulumi CLI, or the phase failed). */
export interface PulumiTargets {
    noopUpWithin5s: boolean | null;
    pulumiUpDownWithin1_3xBare: boolean | null;
}

export interface PulumiSection {
    /** Rows for the main figure table: Figure, Median, Runs, Target, Result. */
    rows: string[][];
    /** Text printed after the main table: the n/a reason, or the critical path table. */
    text: string;
    targets: PulumiTargets;
    results: unknown;
}

/** The Pulumi side of the comparison: the pulumi calls of a cold `npm run up` and of `npm run down` (stack select included). */
export const pulumiUpDownMs = (run: PulumiRun) => run.cold.pulumiMs + run.down.pulumiMs;
/** The bare side: the bare CLI cycle without its pull-back (Pulumi pulls nothing back), plus one runChecks of every check. */
export const bareWithChecksMs = (bare: CycleSteps, checksWallMs: number) => bare.cycle - bare.pullBack + checksWallMs;

type Kind = "up" | "down";

/** Labels of the rows of one command, and how to read each figure from a run. */
function commandRows(kind: Kind): { label: string; figure: (r: LabCommandRun) => number | undefined; key: string }[] {
    return [
        { key: "total", label: "whole command", figure: (r) => r.totalMs },
        {
            key: "before",
            label: kind === "up" ? "  before pulumi: npm, ts-node, preflight (doctor)" : "  before pulumi: npm, ts-node",
            figure: (r) => r.beforeMs,
        },
        { key: "select", label: "  pulumi stack select", figure: (r) => r.selectMs },
        { key: "main", label: kind === "up" ? "  pulumi up" : "  pulumi destroy", figure: (r) => r.mainMs },
        { key: "duration", label: '  its "Duration:" line', figure: (r) => r.durationMs },
        {
            key: "after",
            label: kind === "up" ? "  after pulumi: verify (every check again, report)" : "  after pulumi",
            figure: (r) => r.afterMs,
        },
    ];
}

const COMMANDS: { key: "cold" | "noop" | "change" | "down"; kind: Kind; title: string }[] = [
    { key: "cold", kind: "up", title: "Cold npm run up (fresh stack)" },
    { key: "noop", kind: "up", title: "No-op npm run up (nothing changed)" },
    { key: "change", kind: "up", title: "npm run up after a one-line app.js change" },
    { key: "down", kind: "down", title: "npm run down" },
];

const NOOP_TARGET = `<= ${PULUMI_TARGETS.noopUpMs / 1000} s (pulumi up)`;
const RATIO_TARGET = `<= ${PULUMI_TARGETS.upDownRatio}x`;

/** The rows and figures of the Pulumi phase; n/a rows with the reason when it did not run. */
export function pulumiSection(phase: PulumiPhase, bare: CycleSteps[], lab: LabCycle[]): PulumiSection {
    const bareSide = bare.map((b, i) => bareWithChecksMs(b, lab[i].checksWall));
    const rows: string[][] = [];
    if (!phase.available || phase.runs.length === 0) {
        const reason = !phase.available ? phase.reason : `no run finished: ${phase.error ?? "none ran"}`;
        for (const cmd of COMMANDS) {
            for (const row of commandRows(cmd.kind)) {
                const label = row.key === "total" ? `${cmd.title}: ${row.label}` : row.label;
                rows.push([
                    label,
                    "n/a",
                    "",
                    cmd.key === "noop" && row.key === "main" ? NOOP_TARGET : "-",
                    cmd.key === "noop" && row.key === "main" ? "n/a" : "",
                ]);
            }
        }
        rows.push(
            ["Pulumi cold up + down (its pulumi calls)", "n/a", "", "-", ""],
            ["Bare CLI cycle - pull-back + lesson checks", secs(median(bareSide)), runsOf(bareSide), "-", ""],
            ["Pulumi / bare", "n/a", "", RATIO_TARGET, "n/a"],
        );
        const text = [`Pulumi rows n/a: ${reason}`, "Critical path of a cold pulumi up: n/a (no Pulumi run)."].join("\n");
        return {
            rows,
            text,
            targets: { noopUpWithin5s: null, pulumiUpDownWithin1_3xBare: null },
            results: { available: false, reason, bareWithChecksMs: median(bareSide) },
        };
    }

    const runs = phase.runs;
    const m = (xs: number[]) => median(xs);
    const noopUpMs = m(runs.map((r) => r.noop.mainMs));
    const upDown = runs.map(pulumiUpDownMs);
    const ratio = m(upDown) / m(bareSide);
    const targets: PulumiTargets = {
        noopUpWithin5s: noopUpMs <= PULUMI_TARGETS.noopUpMs,
        pulumiUpDownWithin1_3xBare: ratio <= PULUMI_TARGETS.upDownRatio,
    };

    const figures: Record<string, Record<string, number>> = {};
    for (const cmd of COMMANDS) {
        const of = runs.map((r) => r[cmd.key]);
        figures[cmd.key] = {};
        for (const row of commandRows(cmd.kind)) {
            const values = of.map(row.figure).filter((v): v is number => v !== undefined);
            figures[cmd.key][`${row.key}Ms`] = m(values);
            const label = row.key === "total" ? `${cmd.title}: ${row.label}` : row.label;
            const isNoopTarget = cmd.key === "noop" && row.key === "main";
            const runsText = row.key === "duration" ? of.map((r) => r.duration ?? "?").join(" / ") : runsOf(values);
            rows.push([
                label,
                values.length ? secs(m(values)) : "?",
                runsText,
                isNoopTarget ? NOOP_TARGET : "-",
                isNoopTarget ? verdict(Boolean(targets.noopUpWithin5s)) : "",
            ]);
        }
        const resources = [...new Set(of.map((r) => r.resources ?? "?"))].join(" | ");
        rows.push(["  resources", resources, "", "-", ""]);
    }
    rows.push(
        ["Pulumi cold up + down (its pulumi calls)", secs(m(upDown)), runsOf(upDown), "-", ""],
        ["Bare CLI cycle - pull-back + lesson checks", secs(m(bareSide)), runsOf(bareSide), "-", ""],
        ["Pulumi / bare", `${ratio.toFixed(2)}x`, "ratio of medians", RATIO_TARGET, verdict(Boolean(targets.pulumiUpDownWithin1_3xBare))],
    );

    const paths = runs.map((r) => r.path).filter((p): p is CriticalPath => !("error" in p));
    const pathErrors = runs.map((r) => r.path).flatMap((p) => ("error" in p ? [p.error] : []));
    const path = paths.length ? medianPath(paths) : undefined;
    const text = [
        ...(phase.error ? [`Pulumi phase stopped early: ${phase.error}`] : []),
        path ? criticalPathText(path, paths.length) : "Critical path of a cold pulumi up: n/a.",
        ...pathErrors.map((e) => `  (a run's event log was not usable: ${e})`),
    ].join("\n");

    return {
        rows,
        text,
        targets,
        results: {
            available: true,
            cli: phase.cli,
            version: phase.version,
            stack: PULUMI_STACK,
            comparison: {
                pulumi: "pulumi calls of a cold npm run up (stack select + up, the checks run once as local.Command) and of npm run down (stack select + destroy)",
                bare: "bare CLI cycle without its pull-back, plus one runChecks of every check (the lab cycle's)",
                pulumiUpDownMs: m(upDown),
                bareWithChecksMs: m(bareSide),
                ratio,
            },
            figures,
            criticalPath: path,
            runs,
            ...(phase.error ? { error: phase.error } : {}),
        },
    };
}

/** The critical-path table of a cold `pulumi up`, and where its time went. */
export function criticalPathText(path: CriticalPath, runs: number): string {
    const row = (r: PathRow, onChain: boolean) => [
        r.label,
        secs(r.startMs),
        secs(r.durationMs),
        onChain ? secs(r.waitMs) : "-",
        r.kind === "pulumi" ? "Pulumi" : "engine",
    ];
    const sum = (rows: PathRow[]) => rows.reduce((s, r) => s + r.durationMs, 0);
    const work = sum(path.chain.filter((r) => r.kind === "docker"));
    const own = sum(path.chain.filter((r) => r.kind === "pulumi"));
    const waits = path.chain.reduce((s, r) => s + r.waitMs, 0);
    const pct = (ms: number) => `${Math.round((100 * ms) / path.totalMs)}%`;
    return [
        `Critical path of a cold pulumi up (median of ${runs} run${runs === 1 ? "" : "s"}; seconds from the CLI's start; event-log lines`,
        "stamped when the bench saw them, to about 20 ms). The chain: registry healthy -> build + push -> tag clean-up ->",
        "replicas healthy -> checks; each link starts when the one before ends, plus the wait shown.",
        "",
        table(
            ["Step", "Starts", "Takes", "Waited", "Whose"],
            [
                ...path.chain.map((r) => row(r, true)),
                ...(path.beside.length ? [["Beside the chain:", "", "", "", ""], ...path.beside.map((r) => row(r, false))] : []),
            ],
        ),
        "",
        `pulumi up ${secs(path.totalMs)}: engine work on the chain ${secs(work)} (${pct(work)}), Pulumi's own steps ${secs(own)} (${pct(own)}),` +
            ` waits between links ${secs(waits)} (${pct(waits)}).`,
    ].join("\n");
}
