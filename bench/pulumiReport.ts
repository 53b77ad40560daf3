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
    /** Rows for the Pulumi figure table: Figure, Median, Runs, Target, Result. */
    rows: string[][];
    /** Text printed after that table: the n/a reason, or the critical path table. */
    text: string;
    targets: PulumiTargets;
    results: unknown;
}

/** The Pulumi side of the comparison: the pulumi calls of a cold `npm run up` and of `npm run down` (stack select included). */
export const pulumiUpDownMs = (run: PulumiRun) => run.cold.pulumiMs + run.down.pulumiMs;
/** The bare side: the bare CLI cycle without its pull-back (Pulumi pulls nothing back), plus one runChecks of every check. */
export const bareWithChecksMs = (bare: CycleSteps, checksWallMs: number) => bare.cycle - bare.pullBack + checksWallMs;

type Kind = "up" | "down";
interface CommandRow {
    key: string;
    label: string;
    figure: (r: LabCommandRun) => number | undefined;
}

/** Labels of the rows of one command, and how to read each figure from a run. */
function commandRows(kind: Kind): CommandRow[] {
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
const UP_DOWN_LABEL = "Pulumi cold up + down (its pulumi calls)";

/** The median and the runs of one part of a command. */
function figureCells(of: LabCommandRun[], row: CommandRow): [string, string] {
    const values = of.map(row.figure).filter((v): v is number => v !== undefined);
    const runsText = row.key === "duration" ? of.map((r) => r.duration ?? "?").join(" / ") : runsOf(values);
    return [values.length ? secs(median(values)) : "?", runsText];
}

/** Every part of each command, n/a without runs; the no-op `pulumi up` carries its target and `noopVerdict`. */
function commandTableRows(runs: PulumiRun[] | undefined, noopVerdict: string): string[][] {
    return COMMANDS.flatMap((cmd) => {
        const of = runs?.map((r) => r[cmd.key]);
        const rows = commandRows(cmd.kind).map((row) => {
            const label = row.key === "total" ? `${cmd.title}: ${row.label}` : row.label;
            const isNoopTarget = cmd.key === "noop" && row.key === "main";
            const [value, runsText] = of ? figureCells(of, row) : ["n/a", ""];
            return [label, value, runsText, isNoopTarget ? NOOP_TARGET : "-", isNoopTarget ? noopVerdict : ""];
        });
        if (of) rows.push(["  resources", [...new Set(of.map((r) => r.resources ?? "?"))].join(" | "), "", "-", ""]);
        return rows;
    });
}

/** The rows and figures of the Pulumi phase; n/a rows with the reason when it did not run. */
export function pulumiSection(phase: PulumiPhase, bare: CycleSteps[], lab: LabCycle[]): PulumiSection {
    const bareSide = bare.map((b, i) => bareWithChecksMs(b, lab[i].checksWall));
    const bareRow = ["Bare CLI cycle - pull-back + lesson checks", secs(median(bareSide)), runsOf(bareSide), "-", ""];
    if (!phase.available || phase.runs.length === 0) {
        const reason = !phase.available ? phase.reason : `no run finished: ${phase.error ?? "none ran"}`;
        return {
            rows: [
                ...commandTableRows(undefined, "n/a"),
                [UP_DOWN_LABEL, "n/a", "", "-", ""],
                bareRow,
                ["Pulumi / bare", "n/a", "", RATIO_TARGET, "n/a"],
            ],
            text: [`Pulumi rows n/a: ${reason}`, "Critical path of a cold pulumi up: n/a (no Pulumi run)."].join("\n"),
            targets: { noopUpWithin5s: null, pulumiUpDownWithin1_3xBare: null },
            results: { available: false, reason },
        };
    }

    const { runs } = phase;
    const upDown = runs.map(pulumiUpDownMs);
    const ratio = median(upDown) / median(bareSide);
    const noopUpWithin5s = median(runs.map((r) => r.noop.mainMs)) <= PULUMI_TARGETS.noopUpMs;
    const pulumiUpDownWithin1_3xBare = ratio <= PULUMI_TARGETS.upDownRatio;
    const paths = runs.map((r) => r.path).filter((p): p is CriticalPath => !("error" in p));
    const path = paths.length ? medianPath(paths) : undefined;
    const text = [
        ...(phase.error ? [`Pulumi phase stopped early: ${phase.error}`] : []),
        path ? criticalPathText(path, paths.length) : "Critical path of a cold pulumi up: n/a.",
        ...runs.flatMap((r) => ("error" in r.path ? [`  (a run's event log was not usable: ${r.path.error})`] : [])),
    ].join("\n");
    return {
        rows: [
            ...commandTableRows(runs, verdict(noopUpWithin5s)),
            [UP_DOWN_LABEL, secs(median(upDown)), runsOf(upDown), "-", ""],
            bareRow,
            ["Pulumi / bare", `${ratio.toFixed(2)}x`, "ratio of medians", RATIO_TARGET, verdict(pulumiUpDownWithin1_3xBare)],
        ],
        text,
        targets: { noopUpWithin5s, pulumiUpDownWithin1_3xBare },
        results: { ...phase, criticalPath: path },
    };
}

/** The Pulumi part of the printed report: what ran, the table, then the section's text. */
export function pulumiReportLines(phase: PulumiPhase, section: PulumiSection): string[] {
    return [
        phase.available ? `Pulumi CLI ${phase.version} (${phase.cli}).` : "Pulumi CLI: none, so the Pulumi rows are n/a.",
        `The real npm run up / npm run down in a throw-away copy of the project, stack "${PULUMI_STACK}". Each run: a fresh stack,`,
        "a cold up, a no-op up, a one-line change in the copy's app/app.js and up, down. The parts of each command are timed",
        "at its pulumi calls. Comparison: the pulumi calls of the cold up (its checks run once, as local.Command) and of down,",
        "against the bare CLI cycle without its pull-back plus one runChecks of every check (verify and preflight left out).",
        "",
        table(["Figure", "Median", "Runs", "Target", "Result"], section.rows),
        "",
        section.text,
    ];
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
