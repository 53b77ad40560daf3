import type { LabDamage } from "../tools/labGuard";
import { median, PULUMI_STACK, runsOf, secs, table, verdict } from "./common";
import type { CycleSteps, LabCycle } from "./cycles";
import { type CriticalPath, medianPath, type PathRow } from "./pulumiEvents";
import type { LabCommandRun, PulumiPhase, PulumiRun } from "./pulumiPhase";

/** The Pulumi rows of the bench (pure): the commands' parts, the comparison with the bare CLI, the critical path. */

export const PULUMI_TARGETS = {
    coldUpTotalMs: 36_000,
    noopUpTotalMs: 8000,
    noopPulumiUpMs: 4000,
    upDownRatio: 1.2,
};

/** Pass, miss, or null when there is nothing to judge (no Pulumi CLI, or the phase failed). */
export interface PulumiTargets {
    coldUpWithin36s: boolean | null;
    noopUpWithin8s: boolean | null;
    noopPulumiUpWithin4s: boolean | null;
    pulumiUpDownWithin1_2xBare: boolean | null;
}

export interface PulumiSection {
    /** Rows for the Pulumi figure table: Figure, Median, Runs, Target, Result. */
    rows: string[][];
    /** Text printed after that table: the n/a reason, or the critical path table. */
    text: string;
    targets: PulumiTargets;
    results: unknown;
}

/**
 * The Pulumi side of the comparison, the steps the bare CLI does too: the stack select and `pulumi up` of
 * a cold `npm run up`, the stack select and `pulumi destroy` of `npm run down`. The reads for the report
 * (stack export) are left out, as the report is on the bare side.
 */
export const pulumiUpDownMs = (run: PulumiRun) => run.cold.selectMs + run.cold.mainMs + run.down.selectMs + run.down.mainMs;
/** The bare side: the bare CLI cycle without its pull-back (Pulumi pulls nothing back), plus one runChecks of every check. */
export const bareWithChecksMs = (bare: CycleSteps, checksWallMs: number) => bare.cycle - bare.pullBack + checksWallMs;

type CommandKey = "cold" | "noop" | "change" | "down";
type RowKey = "total" | "before" | "select" | "between" | "main" | "duration" | "after" | "pulumi";
interface CommandRow {
    key: RowKey;
    label: string;
    figure: (r: LabCommandRun) => number | undefined;
}

/** Labels of the rows of one command, and how to read each figure from a run; the parts add up to the whole. */
function commandRows(key: CommandKey): CommandRow[] {
    const up = key !== "down";
    // On a fresh stack the guard finds every object missing, so it asks the state whether anything was deployed.
    const between =
        key === "cold"
            ? "  preflight (doctor) and lab guard (its stack export: nothing deployed yet)"
            : "  preflight (doctor) and lab guard";
    return [
        { key: "total", label: "whole command", figure: (r) => r.totalMs },
        { key: "before", label: "  before pulumi: npm, ts-node", figure: (r) => r.beforeMs },
        { key: "select", label: "  pulumi stack select", figure: (r) => r.selectMs },
        { key: "between", label: up ? between : "  between stack select and pulumi destroy", figure: (r) => r.betweenMs },
        { key: "main", label: up ? "  pulumi up" : "  pulumi destroy", figure: (r) => r.mainMs },
        { key: "duration", label: '  its "Duration:" line', figure: (r) => r.durationMs },
        {
            key: "after",
            label: up ? "  after pulumi up: stack export, report (only the checks the update did not run)" : "  after pulumi destroy",
            figure: (r) => r.afterMs,
        },
        { key: "pulumi", label: "  all pulumi calls", figure: (r) => r.pulumiMs },
    ];
}

const COMMANDS: { key: CommandKey; title: string }[] = [
    { key: "cold", title: "Cold npm run up (fresh stack)" },
    { key: "noop", title: "No-op npm run up (nothing changed)" },
    { key: "change", title: "npm run up after a one-line app.js change" },
    { key: "down", title: "npm run down" },
];

/** The targets judged on a command's row: the median of that row's figure against a limit. */
const ROW_TARGETS: { command: CommandKey; row: RowKey; target: keyof PulumiTargets; limitMs: number }[] = [
    { command: "cold", row: "total", target: "coldUpWithin36s", limitMs: PULUMI_TARGETS.coldUpTotalMs },
    { command: "noop", row: "total", target: "noopUpWithin8s", limitMs: PULUMI_TARGETS.noopUpTotalMs },
    { command: "noop", row: "main", target: "noopPulumiUpWithin4s", limitMs: PULUMI_TARGETS.noopPulumiUpMs },
];

const RATIO_TARGET = `<= ${PULUMI_TARGETS.upDownRatio}x`;
const UP_DOWN_LABEL = "Pulumi cold up + down (stack select and up, stack select and destroy)";
const GUARD_LABEL = "Lab guard on a whole lab (what healing adds to every up)";
const NOT_JUDGED: PulumiTargets = {
    coldUpWithin36s: null,
    noopUpWithin8s: null,
    noopPulumiUpWithin4s: null,
    pulumiUpDownWithin1_2xBare: null,
};

/** The median of one part of a command over the runs; undefined when no run has it. */
function rowMedian(of: LabCommandRun[], row: CommandRow): number | undefined {
    const values = of.map(row.figure).filter((v): v is number => v !== undefined);
    return values.length ? median(values) : undefined;
}

/** The median and the runs of one part of a command. */
function figureCells(of: LabCommandRun[], row: CommandRow): [string, string] {
    const values = of.map(row.figure).filter((v): v is number => v !== undefined);
    const runsText = row.key === "duration" ? of.map((r) => r.duration ?? "?").join(" / ") : runsOf(values);
    return [values.length ? secs(median(values)) : "?", runsText];
}

/** Each row target judged on the runs' medians. */
function judgeRows(runs: PulumiRun[]): Pick<PulumiTargets, "coldUpWithin36s" | "noopUpWithin8s" | "noopPulumiUpWithin4s"> {
    const judged = ROW_TARGETS.map((t) => {
        const row = commandRows(t.command).find((r) => r.key === t.row) as CommandRow;
        const value = rowMedian(
            runs.map((r) => r[t.command]),
            row,
        );
        return [t.target, value === undefined ? null : value <= t.limitMs];
    });
    return Object.fromEntries(judged);
}

/** What the lab guard found broken, on one line. */
const damageText = (damage: LabDamage[]) =>
    damage.map((d) => (d.kind === "image-tag-missing" ? `image tag ${d.image} deleted` : `${d.role} ${d.name} ${d.kind}`)).join(", ");

/** The lab guard's row: its median over the runs, n/a without runs. */
function guardRow(runs: PulumiRun[] | undefined): string[] {
    if (!runs) return [GUARD_LABEL, "n/a", "", "-", ""];
    const ms = runs.map((r) => r.guard.ms);
    return [GUARD_LABEL, secs(median(ms)), runsOf(ms), "-", ""];
}

/** Every part of each command, then the lab guard after the no-op; n/a without runs. Row targets show their verdicts. */
function commandTableRows(runs: PulumiRun[] | undefined, targets: PulumiTargets): string[][] {
    const verdictText = (ok: boolean | null) => (ok === null ? "n/a" : verdict(ok));
    return COMMANDS.flatMap((cmd) => {
        const of = runs?.map((r) => r[cmd.key]);
        const rows = commandRows(cmd.key).map((row) => {
            const label = row.key === "total" ? `${cmd.title}: ${row.label}` : row.label;
            const target = ROW_TARGETS.find((t) => t.command === cmd.key && t.row === row.key);
            const [value, runsText] = of ? figureCells(of, row) : ["n/a", ""];
            return [
                label,
                value,
                runsText,
                target ? `<= ${target.limitMs / 1000} s` : "-",
                target ? verdictText(targets[target.target]) : "",
            ];
        });
        if (of) rows.push(["  resources", [...new Set(of.map((r) => r.resources ?? "?"))].join(" | "), "", "-", ""]);
        if (cmd.key === "noop") rows.push(guardRow(runs));
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
                ...commandTableRows(undefined, NOT_JUDGED),
                [UP_DOWN_LABEL, "n/a", "", "-", ""],
                bareRow,
                ["Pulumi / bare", "n/a", "", RATIO_TARGET, "n/a"],
            ],
            text: [`Pulumi rows n/a: ${reason}`, "Critical path of a cold pulumi up: n/a (no Pulumi run)."].join("\n"),
            targets: NOT_JUDGED,
            results: { available: false, reason },
        };
    }

    const { runs } = phase;
    const upDown = runs.map(pulumiUpDownMs);
    const ratio = median(upDown) / median(bareSide);
    const pulumiUpDownWithin1_2xBare = ratio <= PULUMI_TARGETS.upDownRatio;
    const targets: PulumiTargets = { ...judgeRows(runs), pulumiUpDownWithin1_2xBare };
    const paths = runs.map((r) => r.path).filter((p): p is CriticalPath => !("error" in p));
    const path = paths.length ? medianPath(paths) : undefined;
    const text = [
        ...(phase.error ? [`Pulumi phase stopped early: ${phase.error}`] : []),
        ...runs.flatMap((r, i) =>
            r.guard.damage.length
                ? [`The lab guard found the lab of the no-op up broken in run ${i + 1}: ${damageText(r.guard.damage)}`]
                : [],
        ),
        path ? criticalPathText(path, paths.length) : "Critical path of a cold pulumi up: n/a.",
        ...runs.flatMap((r) => ("error" in r.path ? [`  (a run's event log was not usable: ${r.path.error})`] : [])),
    ].join("\n");
    return {
        rows: [
            ...commandTableRows(runs, targets),
            [UP_DOWN_LABEL, secs(median(upDown)), runsOf(upDown), "-", ""],
            bareRow,
            ["Pulumi / bare", `${ratio.toFixed(2)}x`, "ratio of medians", RATIO_TARGET, verdict(pulumiUpDownWithin1_2xBare)],
        ],
        text,
        targets,
        results: { ...phase, criticalPath: path },
    };
}

/** The Pulumi part of the printed report: what ran, the table, then the section's text. */
export function pulumiReportLines(phase: PulumiPhase, section: PulumiSection): string[] {
    return [
        phase.available ? `Pulumi CLI ${phase.version} (${phase.cli}).` : "Pulumi CLI: none, so the Pulumi rows are n/a.",
        `The real npm run up / npm run down in a throw-away copy of the project, stack "${PULUMI_STACK}". Each run: a fresh stack,`,
        "a cold up, a no-op up, the lab guard on the lab it left (in-process), a one-line change in the copy's app/app.js and up,",
        'down. Each command is split at its pulumi calls; its parts add up to the whole, and "all pulumi calls" is Pulumi\'s own',
        "time. Comparison: the stack select and pulumi up of the cold up (its checks run once, as local.Command) and the stack select",
        "and pulumi destroy of down, against the bare CLI cycle without its pull-back plus one runChecks of every check (npm, ts-node,",
        "preflight, lab guard and the report's stack export left out).",
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
