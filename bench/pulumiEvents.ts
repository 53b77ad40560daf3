import { median } from "./common";

/**
 * The critical path of a cold `pulumi up`, from its `--event-log` (pure). The log's timestamps are whole
 * seconds, too coarse for sub-second steps, so each line carries the time the bench saw it instead.
 */

/** One line of the event log and when the bench saw it, in ms after the `pulumi up` process started. */
export interface TimedLine {
    atMs: number;
    line: string;
}

/** One resource step of the update. */
export interface ResourceStep {
    /** The resource name, the URN's last part (e.g. lab-app-0). */
    name: string;
    /** The resource type, e.g. docker:index/container:Container. */
    type: string;
    /** The parent's type, from the URN's qualified type (e.g. docker-lab:lab:AppReplicas); undefined at the top. */
    parentType?: string;
    startMs: number;
    /** Undefined when the log has no end for it (the CLI stopped first). */
    endMs?: number;
}

export interface EventTimeline {
    /** The engine has loaded the stack, its config and state (preludeEvent). */
    preludeMs?: number;
    /** The last event of a preview (events marked `planning`), when the update had one. */
    previewEndMs?: number;
    /** The engine's summary (summaryEvent). */
    summaryMs?: number;
    /** Every resource step of the update (preview steps excluded), in the order they started. */
    steps: ResourceStep[];
}

/** Splits a URN (urn:pulumi:stack::project::parent$type::name) into name, type and parent type. */
export function parseUrn(urn: string): { name: string; type: string; parentType?: string } {
    const parts = urn.replace(/^urn:pulumi:/, "").split("::");
    if (parts.length < 4) throw new Error(`not a Pulumi URN: ${JSON.stringify(urn)}`);
    const types = parts[2].split("$");
    return {
        name: parts.slice(3).join("::"),
        type: types[types.length - 1],
        parentType: types.length > 1 ? types[types.length - 2] : undefined,
    };
}

/** Reads the timed lines of one `pulumi up --event-log` file into resource steps and markers. */
export function parseEventLog(lines: TimedLine[]): EventTimeline {
    const timeline: EventTimeline = { steps: [] };
    const open = new Map<string, ResourceStep[]>();
    for (const { atMs, line } of lines) {
        let event: any;
        try {
            event = JSON.parse(line);
        } catch {
            continue; // a blank line, or a partial one when the CLI was killed
        }
        const pre = event.resourcePreEvent;
        const done = event.resOutputsEvent ?? event.resOpFailedEvent;
        if ((pre ?? done)?.planning === true) timeline.previewEndMs = atMs;
        else if (event.preludeEvent) timeline.preludeMs ??= atMs;
        else if (event.summaryEvent) timeline.summaryMs = atMs;
        else if (pre?.metadata?.urn) {
            const urn: string = pre.metadata.urn;
            const step: ResourceStep = { startMs: atMs, ...parseUrn(urn) };
            timeline.steps.push(step);
            open.set(urn, [...(open.get(urn) ?? []), step]);
        } else if (done?.metadata?.urn) {
            // The oldest step of that resource still open (a replacement has several, in order).
            const step = open.get(done.metadata.urn)?.shift();
            if (step) step.endMs = atMs;
        }
    }
    return timeline;
}

/** The lab's parts, as the bench groups resource steps. */
export type Stage =
    | "stack"
    | "component"
    | "provider"
    | "network"
    | "registry"
    | "image"
    | "tagCleanup"
    | "replicas"
    | "replicaPidsLimits"
    | "checks"
    | "other";

/** The component types of components/ (their `super("docker-lab:lab:X", ...)`); a unit test runs the program to keep them true. */
const COMPONENT = {
    registry: "docker-lab:lab:LocalRegistry",
    image: "docker-lab:lab:AppImage",
    replicas: "docker-lab:lab:AppReplicas",
    checks: "docker-lab:lab:LessonCheckCommands",
};

/** Which part of the lab a resource is, by its type and its parent's type. */
export function stageOf(step: { type: string; parentType?: string }): Stage {
    const { type, parentType } = step;
    if (type === "pulumi:pulumi:Stack") return "stack";
    if (type.startsWith("pulumi:providers:")) return "provider";
    if (type.startsWith("docker-lab:")) return "component";
    if (type === "docker:index/network:Network" || type === "docker:index/volume:Volume") return "network";
    if (type === "docker:index/image:Image") return "image";
    if (type === "docker:index/container:Container") {
        if (parentType === COMPONENT.registry) return "registry";
        if (parentType === COMPONENT.replicas) return "replicas";
    }
    if (type === "command:local:Command") {
        if (parentType === COMPONENT.image) return "tagCleanup";
        if (parentType === COMPONENT.checks) return "checks";
        if (parentType === COMPONENT.replicas) return "replicaPidsLimits";
    }
    return "other";
}

/** One row of the critical-path table. */
export interface PathRow {
    /** What matches the row across runs (medianPath). */
    key: string;
    label: string;
    /** ms after the `pulumi up` process started. */
    startMs: number;
    durationMs: number;
    /** Time since the previous link of the chain ended, when nothing on the chain ran (0 when it starts at once). */
    waitMs: number;
    /** "pulumi": the CLI, language host, program or state; "docker": work on the engine (or the checks). */
    kind: "pulumi" | "docker";
}

export interface CriticalPath {
    /** The chain, in order. */
    chain: PathRow[];
    /** Each resource step beside the chain (providers, the registry's PIDs limit, anything else), by start. */
    beside: PathRow[];
    /** The whole `pulumi up` process, start to exit. */
    totalMs: number;
}

/**
 * The stages of the chain after the program has started, in dependency order, with their labels. An
 * optional link is left out when the update has no step of it; a missing required one is an error.
 */
const CHAIN: { stage: Stage; label: (n: number) => string; optional?: boolean }[] = [
    { stage: "network", label: () => "network + volume create" },
    { stage: "registry", label: () => "registry container: create -> healthy" },
    { stage: "image", label: () => "image build + push" },
    { stage: "tagCleanup", label: () => "tag clean-up command (docker image inspect)" },
    { stage: "replicas", label: (n) => `${n} replicas: create -> healthy` },
    { stage: "replicaPidsLimits", label: (n) => `replica PIDs limits (${n} docker update commands)`, optional: true },
    { stage: "checks", label: (n) => `${n} lesson checks (local.Command, in parallel)` },
];

type Span = Omit<PathRow, "waitMs">;

/** The CLI's start, the preview, the language host and the program, up to the first resource that is not a component. */
function pulumiStart(timeline: EventTimeline, preludeMs: number): Span[] {
    const spans: Span[] = [];
    const add = (key: string, label: string, startMs: number, endMs: number) =>
        spans.push({ key, label, kind: "pulumi", startMs, durationMs: endMs - startMs });
    add("cli", "pulumi CLI start: stack, config and state loaded", 0, preludeMs);
    let at = preludeMs;
    if (timeline.previewEndMs !== undefined) {
        add("preview", "preview", at, timeline.previewEndMs);
        at = timeline.previewEndMs;
    }
    const { steps } = timeline;
    const stack = steps.find((s) => stageOf(s) === "stack");
    const firstCustom = Math.min(...steps.filter((s) => !["stack", "component"].includes(stageOf(s))).map((s) => s.startMs));
    if (stack && stack.startMs >= at) {
        add("host", "language host: node, @pulumi/pulumi, ts-node", at, stack.startMs);
        at = stack.startMs;
    }
    if (Number.isFinite(firstCustom)) add("program", "program load (ts-node, SDKs, spec) + plugin start", at, firstCustom);
    return spans;
}

/** Each link of the lab's chain: from its first step's start to its last step's end. */
function chainLinks(steps: ResourceStep[]): Span[] {
    const links: Span[] = [];
    for (const link of CHAIN) {
        const list = steps.filter((s) => stageOf(s) === link.stage);
        if (list.length === 0 && link.optional) continue;
        const ends = list.map((s) => s.endMs);
        if (list.length === 0 || ends.some((e) => e === undefined))
            throw new Error(`the event log has no finished ${link.stage} step: the chain is incomplete`);
        const startMs = Math.min(...list.map((s) => s.startMs));
        const durationMs = Math.max(...(ends as number[])) - startMs;
        links.push({ key: link.stage, label: link.label(list.length), kind: "docker", startMs, durationMs });
    }
    return links;
}

/**
 * The critical path of one cold `pulumi up`: the CLI's start, the language host, the program, then
 * each link of the lab's chain, then the final state and the exit. `exitMs` is when the process ended.
 * Throws when the log lacks what the chain needs (no prelude, a link with no finished step).
 */
export function criticalPath(timeline: EventTimeline, exitMs: number): CriticalPath {
    const { preludeMs, steps } = timeline;
    if (preludeMs === undefined) throw new Error("the event log has no preludeEvent: did the update start?");
    const spans = [...pulumiStart(timeline, preludeMs), ...chainLinks(steps)];
    const last = spans[spans.length - 1];
    const summaryMs = timeline.summaryMs ?? Math.max(...steps.map((s) => s.endMs ?? 0));
    const finishMs = last.startMs + last.durationMs;
    spans.push(
        { key: "finish", label: "stack outputs + final state write", kind: "pulumi", startMs: finishMs, durationMs: summaryMs - finishMs },
        { key: "exit", label: "CLI exit", kind: "pulumi", startMs: summaryMs, durationMs: exitMs - summaryMs },
    );
    const chain: PathRow[] = spans.map((span, i) => {
        const prevEnd = i === 0 ? 0 : spans[i - 1].startMs + spans[i - 1].durationMs;
        return { ...span, waitMs: Math.max(0, span.startMs - prevEnd) };
    });

    // Every other resource step, one row each: providers, the registry's PIDs limit, anything new.
    const onChain = new Set<Stage>(["stack", "component", ...CHAIN.map((l) => l.stage)]);
    const beside: PathRow[] = steps
        .filter((step) => !onChain.has(stageOf(step)) && step.endMs !== undefined)
        .map((step) => ({
            key: `${step.type}::${step.name}`,
            label: `${step.name} (${step.type})`,
            kind: stageOf(step) === "provider" ? "pulumi" : "docker",
            startMs: step.startMs,
            durationMs: (step.endMs as number) - step.startMs,
            waitMs: 0,
        }));
    beside.sort((a, b) => a.startMs - b.startMs);
    return { chain, beside, totalMs: exitMs };
}

/** The median of each row over several runs (rows matched by key; a row missing from a run is left out of its median). */
export function medianPath(paths: CriticalPath[]): CriticalPath {
    const merge = (rowsOf: (p: CriticalPath) => PathRow[]): PathRow[] => {
        const keys: string[] = [];
        for (const p of paths) for (const r of rowsOf(p)) if (!keys.includes(r.key)) keys.push(r.key);
        return keys.map((key) => {
            const rows = paths.flatMap((p) => rowsOf(p).filter((r) => r.key === key));
            return {
                ...rows[0],
                startMs: median(rows.map((r) => r.startMs)),
                durationMs: median(rows.map((r) => r.durationMs)),
                waitMs: median(rows.map((r) => r.waitMs)),
            };
        });
    };
    return { chain: merge((p) => p.chain), beside: merge((p) => p.beside), totalMs: median(paths.map((p) => p.totalMs)) };
}
