/**
 * The parts of one `npm run up` or `npm run down`, timed from outside (pure): a `pulumi` shim logs when
 * each pulumi call starts and ends, so the command splits exactly at them without being changed.
 */

/** One pulumi call the shim logged. Times are ms since the epoch. */
export interface PulumiCall {
    /** The shim's pid, pairing a start with its end. */
    pid: string;
    /** Pulumi's first two arguments, e.g. "stack select", "up --yes", "destroy --yes", "stack output". */
    command: string;
    startMs: number;
    endMs?: number;
}

/** ns since the epoch (as `date +%s%N` prints it) to ms. */
const nsToMs = (ns: string) => Number(ns) / 1e6;

/** Reads the shim's log: `start PID NS ARG1 ARG2` and `end PID NS` lines. */
export function parseCallLog(text: string): PulumiCall[] {
    const calls: PulumiCall[] = [];
    for (const line of text.split("\n")) {
        const m = /^(start|end) (\d+) (\d+) ?(.*)$/.exec(line.trim());
        if (!m) continue;
        const [, what, pid, ns, rest] = m;
        if (what === "start") calls.push({ pid, command: rest.trim(), startMs: nsToMs(ns) });
        else {
            const call = [...calls].reverse().find((c) => c.pid === pid && c.endMs === undefined);
            if (call) call.endMs = nsToMs(ns);
        }
    }
    return calls;
}

/**
 * One `npm run up|down`, split at its pulumi calls: beforeMs + selectMs + betweenMs + mainMs + afterMs = totalMs.
 * pulumiMs is the time any pulumi call ran, so it also counts the calls inside the between and after parts.
 */
export interface CommandSplit {
    totalMs: number;
    /** Start to the first pulumi call: npm and ts-node start. */
    beforeMs: number;
    /** `pulumi stack select --create`, the calls before the main one. */
    selectMs: number;
    /** From the first pulumi call to the main one, less the selects: for `up` the preflight, the lab guard and any healing. */
    betweenMs: number;
    /** The main call alone: `pulumi up` or `pulumi destroy`, process start to exit. */
    mainMs: number;
    /** The main call's end to the exit: for `up` the stack export and the report (only the checks the update did not run). */
    afterMs: number;
    /** Pulumi's own time: while any logged call ran (select, refresh, up or destroy, export); the sum of their durations when they run one after another. */
    pulumiMs: number;
}

/** A call's start to its end; nothing for one whose end was not logged. */
const callMs = (c: PulumiCall) => (c.endMs ?? c.startMs) - c.startMs;

/**
 * Splits one command run (`spawnMs` to `exitMs`, ms since the epoch) at the pulumi calls it made.
 * `main` is the subcommand that does the work: "up" or "destroy". Throws when it never ran or never ended.
 */
export function splitCommand(spawnMs: number, exitMs: number, calls: PulumiCall[], main: "up" | "destroy"): CommandSplit {
    const mainCall = calls.find((c) => c.command.split(" ")[0] === main);
    if (!mainCall) throw new Error(`no "pulumi ${main}" call among ${JSON.stringify(calls.map((c) => c.command))}`);
    if (mainCall.endMs === undefined) throw new Error(`"pulumi ${main}" started but its end was not logged`);
    const first = calls[0];
    const selects = calls.filter((c) => c.command.startsWith("stack select") && c.startMs <= mainCall.startMs);
    const selectMs = selects.reduce((sum, c) => sum + callMs(c), 0);
    return {
        totalMs: exitMs - spawnMs,
        beforeMs: first.startMs - spawnMs,
        selectMs,
        betweenMs: mainCall.startMs - first.startMs - selectMs,
        mainMs: mainCall.endMs - mainCall.startMs,
        afterMs: exitMs - mainCall.endMs,
        pulumiMs: timeCovered(calls),
    };
}

/** The time at least one of the calls ran: a call inside another (a pulumi a plugin runs) is not counted twice. */
function timeCovered(calls: PulumiCall[]): number {
    let covered = 0;
    let reached = Number.NEGATIVE_INFINITY;
    for (const c of [...calls].sort((a, b) => a.startMs - b.startMs)) {
        const end = c.endMs ?? c.startMs;
        covered += Math.max(0, end - Math.max(c.startMs, reached));
        reached = Math.max(reached, end);
    }
    return covered;
}

/** What the CLI printed at the end of an update or destroy. */
export interface CliSummary {
    /** The "Duration:" line as printed, e.g. "29s" or "1m5s". */
    duration?: string;
    durationMs?: number;
    /** The "Resources:" block on one line, e.g. "40 created" or "2 updated, 38 unchanged". */
    resources?: string;
}

/** A Go duration as the CLI prints it ("1h2m3s", "29s", "1.5s") in ms; undefined when it is not one. */
export function goDurationMs(text: string): number | undefined {
    const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/.exec(text.trim());
    if (!m || !text.trim()) return undefined;
    const [, h, min, s] = m;
    return ((Number(h ?? 0) * 60 + Number(min ?? 0)) * 60 + Number(s ?? 0)) * 1000;
}

/** Reads the CLI's last "Resources:" block (a destroy prints its preview's first) and its "Duration:" line. */
export function parseCliSummary(output: string): CliSummary {
    const summary: CliSummary = {};
    const lines = output.split("\n");
    const at = lines.map((l) => l.trim()).lastIndexOf("Resources:");
    if (at >= 0) {
        const counts: string[] = [];
        for (const line of lines.slice(at + 1)) {
            const m = /^\s*[-+~±<>]*\s*(\d+) ([a-z][a-z -]*[a-z])\s*$/.exec(line);
            if (!m) break;
            counts.push(`${m[1]} ${m[2]}`);
        }
        if (counts.length) summary.resources = counts.join(", ");
    }
    const duration = /^Duration: (\S+)\s*$/m.exec(output);
    if (duration) {
        summary.duration = duration[1];
        summary.durationMs = goDurationMs(duration[1]);
    }
    return summary;
}
