import { benchClassSpec, CLASS_REGISTRY_PORT, LIVE_CLASS_SIZE } from "../../../bench/classroomConfig";
import { APP_PORT, REGISTRY_PORT } from "../../../bench/common";
import { SWARM_BENCH_PORTS, type SwarmNodesBench, swarmNodesRows } from "../../../bench/swarmNodes";
import {
    failureLine,
    type Poll,
    SWARM_APP_PORT,
    SWARM_REGISTRY_PORT,
    type SwarmOneNode,
    summarizePolls,
    swarmBenchSpec,
    swarmCommandOf,
    swarmOneNodeNa,
} from "../../../bench/swarmOneNode";
import { ONE_NODE_GAP_NOTE, swarmOneNodeRows, swarmReport } from "../../../bench/swarmReport";
import { appServiceOf, replicasOf } from "../../helpers/specs";

// The swarm rows of npm run bench: the one-node lab's spec and ports, why a phase is n/a, the poll
// arithmetic of a rolling update and the printed rows (figures; the bench asserts nothing itself).

const toolchain = { pulumi: "/opt/pulumi/bin/pulumi", source: "PATH", env: {} };

describe("the one-node swarm lab of the bench", () => {
    test("swarm mode, host publishing, one task, its own stack and the ports 29500 and 29499", () => {
        const spec = swarmBenchSpec();
        expect(spec.instance).toBe("docker-lab-bench-swarm");
        expect(appServiceOf(spec).publishMode).toBe("host");
        expect(appServiceOf(spec).replicas).toBe(1);
        expect(spec.appUrls).toEqual([`http://127.0.0.1:${SWARM_APP_PORT}`]);
        expect(spec.registry.container.ports[0].external).toBe(SWARM_REGISTRY_PORT);
    });

    test("its ports are clear of the other phases' (lab and Pulumi, classroom, three nodes)", () => {
        const klass = benchClassSpec(LIVE_CLASS_SIZE);
        const others = new Set([
            APP_PORT,
            APP_PORT + 1,
            REGISTRY_PORT,
            CLASS_REGISTRY_PORT,
            ...klass.students.flatMap((s) => replicasOf(s).map((r) => r.ports[0].external)),
            SWARM_BENCH_PORTS.managerPort,
            ...[0, 1, 2].map((i) => SWARM_BENCH_PORTS.hostPortBase + i),
        ]);
        for (const port of [SWARM_APP_PORT, SWARM_REGISTRY_PORT]) expect(others.has(port)).toBe(false);
    });
});

describe("why the one-node phase is n/a", () => {
    test("without a Pulumi toolchain: what is missing, and that a swarm lab has no plain-CLI path", () => {
        const why = swarmOneNodeNa({ missing: "no pulumi on PATH" }, { state: "inactive", manager: false });
        expect(why).toMatch(/^no Pulumi CLI with the nodejs host and both plugins: no pulumi on PATH \(/);
        expect(why).toMatch(/no plain-CLI path/);
    });

    test("an engine in no swarm (the bench makes one) or a manager can run it", () => {
        expect(swarmOneNodeNa(toolchain, { state: "inactive", manager: false })).toBeUndefined();
        expect(swarmOneNodeNa(toolchain, { state: "active", manager: true })).toBeUndefined();
    });

    test("a worker, or a swarm in any other state, is n/a with its fix", () => {
        expect(swarmOneNodeNa(toolchain, { state: "active", manager: false })).toMatch(/worker .*docker node promote/);
        expect(swarmOneNodeNa(toolchain, { state: "locked", manager: false })).toMatch(/swarm state is locked/);
        expect(swarmOneNodeNa(toolchain, { state: "pending", manager: false })).toMatch(/swarm state is pending/);
    });
});

describe("the polls of the app during a command", () => {
    const ok = (at: number, version = "1.0.0"): Poll => ({ at, version });
    const no = (at: number): Poll => ({ at, error: "connect ECONNREFUSED 127.0.0.1:29500" });

    test("no gap: every poll answered; the first answer of the awaited version counts from the start", () => {
        const polls = [ok(1200), ok(1400), ok(1600, "1.0.1"), ok(1800, "1.0.1")];
        expect(summarizePolls(polls, 1000, "1.0.1")).toEqual({ polls: 4, unanswered: 0, gaps: 0, longestGapMs: 0, firstAnswerMs: 600 });
    });

    test("a gap lasts from its first unanswered poll to the next answer; the longest of several counts", () => {
        const polls = [ok(0), no(200), no(400), ok(650, "1.0.1"), no(900), no(1100), no(1300), no(1500), ok(1900, "1.0.1")];
        expect(summarizePolls(polls, 0, "1.0.1")).toEqual({ polls: 9, unanswered: 6, gaps: 2, longestGapMs: 1000, firstAnswerMs: 650 });
    });

    test("a gap still open at the last poll lasts until that poll; a version never seen has no first answer", () => {
        expect(summarizePolls([ok(0), no(100), no(300), no(700)], 0, "1.0.1")).toEqual({
            polls: 4,
            unanswered: 3,
            gaps: 1,
            longestGapMs: 600,
            firstAnswerMs: undefined,
        });
        expect(summarizePolls([], 0)).toEqual({ polls: 0, unanswered: 0, gaps: 0, longestGapMs: 0, firstAnswerMs: undefined });
    });

    test("without an awaited version the first answer of any version counts", () => {
        expect(summarizePolls([no(100), no(300), ok(500)], 0).firstAnswerMs).toBe(500);
    });
});

const measured = {
    swarm: "made",
    cold: {
        totalMs: 61_000,
        beforeMs: 9000,
        mainMs: 40_000,
        afterMs: 12_000,
        resources: "20 created",
        polls: { polls: 200, unanswered: 150, gaps: 1, longestGapMs: 30_000, firstAnswerMs: 38_500 },
    },
    noop: { totalMs: 21_000, beforeMs: 8000, mainMs: 5000, afterMs: 8000, resources: "20 unchanged" },
    update: {
        totalMs: 45_000,
        beforeMs: 8000,
        mainMs: 29_000,
        afterMs: 8000,
        resources: "3 updated, 17 unchanged",
        polls: { polls: 180, unanswered: 12, gaps: 1, longestGapMs: 2600, firstAnswerMs: 31_000 },
    },
    down: { totalMs: 25_000, beforeMs: 6000, mainMs: 19_000, afterMs: 0, resources: "20 deleted" },
    leftAfterDown: [] as string[],
} satisfies SwarmOneNode;

describe("the one-node rows", () => {
    test("a command's part before pulumi up holds npm, ts-node, stack select, the preflight and the lab guard: the three parts add up", () => {
        const run = { totalMs: 20_000, beforeMs: 3000, selectMs: 500, betweenMs: 2500, mainMs: 5000, afterMs: 9000, pulumiMs: 6500 };
        expect(swarmCommandOf({ ...run, resources: "20 unchanged" })).toEqual({
            totalMs: 20_000,
            beforeMs: 6000,
            mainMs: 5000,
            afterMs: 9000,
            resources: "20 unchanged",
        });
    });

    test("measured: each command with its parts, the app's first answers, the unanswered polls and the longest gap with what it means", () => {
        const rows = swarmOneNodeRows(measured);
        expect(rows).toEqual([
            [
                "cold npm run up, until converged and verified",
                "61.00 s",
                "before 9.00 s + pulumi up 40.00 s + export, report 12.00 s (20 created)",
            ],
            ["  the app first answered (from the start of the up)", "38.50 s", "pulumi up returns once the service has converged"],
            ["no-op npm run up", "21.00 s", "before 8.00 s + pulumi up 5.00 s + export, report 8.00 s (20 unchanged)"],
            [
                "rolling update: npm run up after a one-line app change",
                "45.00 s",
                "before 8.00 s + pulumi up 29.00 s + export, report 8.00 s (3 updated, 17 unchanged)",
            ],
            ["  version 1.0.1 first answered (from the start of the up)", "31.00 s", ""],
            ["  polls of the app (every ~200 ms) with no answer", "12 of 180", "in 1 gap(s)"],
            ["  longest time with no answer", "2.60 s", ONE_NODE_GAP_NOTE],
            ["npm run down", "25.00 s", "before 6.00 s + pulumi destroy 19.00 s (20 deleted); left nothing"],
            [
                "a rolling update never leaves the app unanswering",
                "n/a on one node",
                "one task only: see the gap above; judged on three nodes",
            ],
        ]);
        expect(ONE_NODE_GAP_NOTE).toMatch(/stop-first/);
    });

    test("what down left is named; a version never seen is 'never'", () => {
        const rows = swarmOneNodeRows({
            ...measured,
            update: { ...measured.update, polls: { ...measured.update.polls, firstAnswerMs: undefined } },
            leftAfterDown: ["services: docker-lab-bench-swarm-app"],
        });
        expect(rows[4][1]).toBe("never");
        expect(rows[7][2]).toMatch(/; LEFT services: docker-lab-bench-swarm-app$/);
    });

    test("n/a: every row says n/a with the reason", () => {
        const na = swarmOneNodeRows({ skipped: "no Pulumi CLI" });
        expect(na).toHaveLength(9);
        for (const row of na) expect(row.slice(1)).toEqual(["n/a (no Pulumi CLI)", ""]);
    });

    test("a failed step: the steps before it keep their figures, the rest are not reached, and the report names the failure", () => {
        const error = "LAB_STACK=bench-swarm npm run up failed (exit 1):\nchecking images…\nerror: validating stack config: missing 'x'\n";
        const partial = { swarm: "made" as const, cold: measured.cold, noop: measured.noop, error };
        expect(swarmOneNodeRows(partial).map((r) => r[1])).toEqual([
            "61.00 s",
            "38.50 s",
            "21.00 s",
            "not reached",
            "not reached",
            "not reached",
            "not reached",
            "not reached",
            "not reached",
        ]);
        expect(swarmReport(partial, {}).text).toContain("\nFAILED: error: validating stack config: missing 'x'\n");
        expect(swarmReport(measured, {}).text).not.toContain("FAILED");
    });

    test("the failure line: the last error: line, else the last line", () => {
        expect(failureLine("npm run up failed (exit 1):\nerror: one\nmore\nerror: two\n  \n")).toBe("error: two");
        expect(failureLine("pulumi stack init failed (exit 255):\nstack already exists\n")).toBe("stack already exists");
        expect(failureLine("")).toBe("");
    });
});

describe("the three-node rows", () => {
    const full: SwarmNodesBench = {
        formationMs: 11_200,
        convergeMs: 8400,
        rollingUpdateMs: 21_300,
        rollingUpdatePolls: 70,
        rollingUpdateAllDown: 0,
        rollingUpdateMinAnswering: 2,
    };

    test("measured: formation, convergence, the update, and the polls against the target", () => {
        expect(swarmNodesRows(full)).toEqual([
            ["formation (3 dind nodes started, init + 2 joins, 3 Ready)", "11.20 s", ""],
            ["3-task host-mode service created until converged (every node answers)", "8.40 s", ""],
            ["rolling update to a new image (stop-first, 1 at a time) until converged", "21.30 s", ""],
            [
                "  polls of the 3 node ports (every 250 ms): none answering / fewest answering",
                "0 of 70 / 2 of 3",
                "never every node unanswering: PASS",
            ],
        ]);
        expect(swarmNodesRows({ ...full, rollingUpdateAllDown: 3, rollingUpdateMinAnswering: 0 })[3].slice(1)).toEqual([
            "3 of 70 / 0 of 3",
            "never every node unanswering: MISS",
        ]);
    });

    test("without the dind image every row is n/a with the reason; a failure keeps what it measured", () => {
        const na = swarmNodesRows({ skipped: "docker-lab-offline/dind:bookworm is missing" });
        for (const row of na) expect(row[1]).toBe("n/a (docker-lab-offline/dind:bookworm is missing)");
        const failed = { formationMs: 9000, error: "three-node swarm failed: no Ready node" };
        expect(swarmNodesRows(failed).map((r) => r[1])).toEqual(["9.00 s", "not reached", "not reached", "not reached"]);
        expect(swarmReport({ skipped: "no CLI" }, failed).text).toContain("\nFAILED: three-node swarm failed: no Ready node\n");
    });
});

test("the swarm report: both tables in the text, both phases in the JSON", () => {
    const nodes: SwarmNodesBench = { skipped: "the dind image is missing" };
    const { text, results } = swarmReport(measured, nodes);
    expect(text).toMatch(/Swarm, one node: .*stack bench-swarm/);
    expect(text).toMatch(/a one-node swarm made for the bench, advertising 127\.0\.0\.1, left after/);
    expect(text).toMatch(/Swarm, three nodes: /);
    expect(text).toContain("n/a (the dind image is missing)");
    expect(text).toContain("61.00 s");
    expect(results).toEqual({ swarm: { oneNode: measured, threeNodes: nodes } });
    expect(swarmReport({ ...measured, swarm: "existing" }, nodes).text).toContain("the engine's own swarm, kept");
});
