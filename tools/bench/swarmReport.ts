import { secs, table } from "./common";
import { ROLLING_TARGET, type SwarmNodesBench, swarmNodesRows } from "./swarmNodes";
import {
    POLL_MS,
    SWARM_APP_PORT,
    SWARM_REGISTRY_PORT,
    SWARM_STACK,
    type SwarmCommand,
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

/** The single-node rows: [figure, value, note]. */
export function swarmOneNodeRows(phase: SwarmOneNodePhase): string[][] {
    const figures = [
        "cold npm run up, until converged and verified",
        "  the app first answered (from the start of the up)",
        "no-op npm run up",
        "rolling update: npm run up after a one-line app change",
        `  version ${VERSIONS.after} first answered (from the start of the up)`,
        `  polls of the app (every ~${POLL_MS} ms) with no answer`,
        "  longest time with no answer",
        "npm run down",
    ];
    if ("skipped" in phase || "error" in phase) {
        const why = "skipped" in phase ? `n/a (${phase.skipped})` : `failed (${phase.error.split("\n")[0]})`;
        return [...figures.map((f) => [f, why, ""]), ["a rolling update never leaves the app unanswering", why, ""]];
    }
    const { cold, noop, update, down } = phase;
    const answered = (ms?: number) => (ms === undefined ? "never" : secs(ms));
    return [
        [figures[0], secs(cold.totalMs), parts(cold, "pulumi up", "verify")],
        [figures[1], answered(cold.polls.firstAnswerMs), "pulumi up returns once the service has converged"],
        [figures[2], secs(noop.totalMs), parts(noop, "pulumi up", "verify")],
        [figures[3], secs(update.totalMs), parts(update, "pulumi up", "verify")],
        [figures[4], answered(update.polls.firstAnswerMs), ""],
        [figures[5], `${update.polls.unanswered} of ${update.polls.polls}`, `in ${update.polls.gaps} gap(s)`],
        [figures[6], secs(update.polls.longestGapMs), ONE_NODE_GAP_NOTE],
        [
            figures[7],
            secs(down.totalMs),
            `${parts(down, "pulumi destroy")}; ${phase.leftAfterDown.length ? `LEFT ${phase.leftAfterDown.join(", ")}` : "left nothing"}`,
        ],
        ["a rolling update never leaves the app unanswering", "n/a on one node", "one task only: see the gap above; judged on three nodes"],
    ];
}

/** Both swarm tables as text, and as JSON for bench-results.json. */
export function swarmReport(oneNode: SwarmOneNodePhase, threeNodes: SwarmNodesBench): { text: string; results: Record<string, unknown> } {
    const how =
        "skipped" in oneNode || "error" in oneNode
            ? ""
            : oneNode.swarm === "made"
              ? " (a one-node swarm made for the bench, advertising 127.0.0.1, left after)"
              : " (the engine's own swarm, kept)";
    const lines = [
        "",
        `Swarm, one node: the lab in swarm mode (publishMode host, 1 app task) with the real npm run up / down, stack ${SWARM_STACK},`,
        `ports ${SWARM_APP_PORT} and ${SWARM_REGISTRY_PORT}, on the local engine${how}. One run. The one-line change is the app's version in app/package.json.`,
        table(["Figure", "Value", "Note"], swarmOneNodeRows(oneNode)),
        "",
        "Swarm, three nodes: 3 dind nodes on this machine (engine/swarmNodes.ts, plain docker CLI), a 3-task host-mode service,",
        `the node ports polled on 127.0.0.1 during a stop-first rolling update. One run. Target: ${ROLLING_TARGET}.`,
        table(["Figure", "Value", "Target"], swarmNodesRows(threeNodes)),
        "",
    ];
    return { text: lines.join("\n"), results: { swarm: { oneNode, threeNodes } } };
}
