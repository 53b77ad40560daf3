import { secs, table } from "./common";
import { ROLLING_TARGET, type SwarmNodesBench, swarmNodesRows } from "./swarmNodes";
import {
    failureLine,
    POLL_MS,
    SWARM_APP_PORT,
    SWARM_REGISTRY_PORT,
    SWARM_STACK,
    type SwarmCommand,
    type SwarmOneNode,
    type SwarmOneNodePhase,
    VERSIONS,
} from "./swarmOneNode";

/** The swarm rows of the bench (pure): one node with the real CLI, three dind nodes with the docker CLI; text and JSON. */

/** What the one-node gap means, printed beside it. */
export const ONE_NODE_GAP_NOTE =
    "expected: one task on one node in host mode updates stop-first (the old task frees the port before the new one starts)";

const parts = (c: SwarmCommand, main: "pulumi up" | "pulumi destroy", after?: string) =>
    [
        `before ${secs(c.beforeMs)} + ${main} ${secs(c.mainMs)}${after ? ` + ${after} ${secs(c.afterMs)}` : ""}`,
        c.resources ? `(${c.resources})` : "",
    ]
        .filter(Boolean)
        .join(" ");

/** The single-node rows: [figure, value, note]; a step not measured is n/a (skipped) or not reached (failed before). */
export function swarmOneNodeRows(phase: SwarmOneNodePhase): string[][] {
    const skipped = "skipped" in phase ? phase.skipped : undefined;
    const r: SwarmOneNode = "skipped" in phase ? {} : phase;
    const missing = skipped !== undefined ? `n/a (${skipped})` : r.error !== undefined ? "not reached" : "n/a (not measured)";
    const answered = (ms?: number) => (ms === undefined ? "never" : secs(ms));
    const row = <T>(figure: string, value: T | undefined, cells: (v: T) => [string, string]) =>
        value === undefined ? [figure, missing, ""] : [figure, ...cells(value)];
    const { cold, noop, update, down } = r;
    return [
        row("cold npm run up, until converged and verified", cold, (c) => [secs(c.totalMs), parts(c, "pulumi up", "export, report")]),
        row("  the app first answered (from the start of the up)", cold, (c) => [
            answered(c.polls.firstAnswerMs),
            "pulumi up returns once the service has converged",
        ]),
        row("no-op npm run up", noop, (c) => [secs(c.totalMs), parts(c, "pulumi up", "export, report")]),
        row("rolling update: npm run up after a one-line app change", update, (c) => [
            secs(c.totalMs),
            parts(c, "pulumi up", "export, report"),
        ]),
        row(`  version ${VERSIONS.after} first answered (from the start of the up)`, update, (c) => [answered(c.polls.firstAnswerMs), ""]),
        row(`  polls of the app (every ~${POLL_MS} ms) with no answer`, update, (c) => [
            `${c.polls.unanswered} of ${c.polls.polls}`,
            `in ${c.polls.gaps} gap(s)`,
        ]),
        row("  longest time with no answer", update, (c) => [secs(c.polls.longestGapMs), ONE_NODE_GAP_NOTE]),
        row("npm run down", down, (c) => [
            secs(c.totalMs),
            `${parts(c, "pulumi destroy")}; ${r.leftAfterDown?.length ? `LEFT ${r.leftAfterDown.join(", ")}` : "left nothing"}`,
        ]),
        row("a rolling update never leaves the app unanswering", update, () => [
            "n/a on one node",
            "one task only: see the gap above; judged on three nodes",
        ]),
    ];
}

/** Both swarm tables as text, and as JSON for bench-results.json. */
export function swarmReport(oneNode: SwarmOneNodePhase, threeNodes: SwarmNodesBench): { text: string; results: Record<string, unknown> } {
    const swarm = "skipped" in oneNode ? undefined : oneNode.swarm;
    const how =
        swarm === "made"
            ? " (a one-node swarm made for the bench, advertising 127.0.0.1, left after)"
            : swarm === "existing"
              ? " (the engine's own swarm, kept)"
              : "";
    const failed = "skipped" in oneNode || oneNode.error === undefined ? [] : [`FAILED: ${failureLine(oneNode.error)}`];
    const threeFailed = threeNodes.error ? [`FAILED: ${threeNodes.error}`] : [];
    const lines = [
        "",
        `Swarm, one node: the lab in swarm mode (publishMode host, 1 app task) with the real npm run up / down, stack ${SWARM_STACK},`,
        `ports ${SWARM_APP_PORT} and ${SWARM_REGISTRY_PORT}, on the local engine${how}. One run. The one-line change is the app's version in app/package.json.`,
        table(["Figure", "Value", "Note"], swarmOneNodeRows(oneNode)),
        ...failed,
        "",
        "Swarm, three nodes: 3 dind nodes on this machine (rig/swarmNodes.ts, plain docker CLI), a 3-task host-mode service,",
        `the node ports polled on 127.0.0.1 during a stop-first rolling update. One run. Target: ${ROLLING_TARGET}.`,
        table(["Figure", "Value", "Target"], swarmNodesRows(threeNodes)),
        ...threeFailed,
        "",
    ];
    return { text: lines.join("\n"), results: { swarm: { oneNode, threeNodes } } };
}
