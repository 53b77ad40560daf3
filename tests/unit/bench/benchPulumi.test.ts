import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CycleSteps, LabCycle } from "../../../bench/cycles";
import { criticalPath, medianPath, parseEventLog, parseUrn, stageOf, type TimedLine } from "../../../bench/pulumiEvents";
import { type LabCommandRun, type PulumiRun, shimScript } from "../../../bench/pulumiPhase";
import { bareWithChecksMs, criticalPathText, pulumiReportLines, pulumiSection } from "../../../bench/pulumiReport";
import { goDurationMs, parseCallLog, parseCliSummary, splitCommand } from "../../../bench/pulumiTimings";
import { benchReport } from "../../../bench/report";
import { labConfig } from "../../../tools/stack";
import { labSpec, replicasOf } from "../../helpers/specs";
import { runProgram } from "../helpers/program";

// The Pulumi rows of `npm run bench`: event-log parsing into step timings, the critical path, the
// parts of a command from the shim's log, the CLI's summary lines, and the rows (n/a without a CLI).

const STACK_URN = "urn:pulumi:bench-pulumi::docker-lab";
const urn = (qualifiedType: string, name: string) => `${STACK_URN}::${qualifiedType}::${name}`;
const LAB = "docker-lab:lab:DockerLab";
const U = {
    stack: urn("pulumi:pulumi:Stack", "docker-lab-bench-pulumi"),
    lab: urn(LAB, "lab"),
    engine: urn(`${LAB}$pulumi:providers:docker`, "lab-engine"),
    network: urn(`${LAB}$docker:index/network:Network`, "lab-network"),
    volume: urn(`${LAB}$docker-lab:lab:LocalRegistry$docker:index/volume:Volume`, "lab-registry-data"),
    registry: urn(`${LAB}$docker-lab:lab:LocalRegistry$docker:index/container:Container`, "lab-registry-container"),
    registryPids: urn(`${LAB}$docker-lab:lab:LocalRegistry$command:local:Command`, "lab-registry-pids-limit"),
    image: urn(`${LAB}$docker-lab:lab:AppImage$docker:index/image:Image`, "lab-image-build"),
    tags: urn(`${LAB}$docker-lab:lab:AppImage$command:local:Command`, "lab-image-local-tags"),
    app0: urn(`${LAB}$docker-lab:lab:AppReplicas$docker:index/container:Container`, "lab-app-0"),
    app1: urn(`${LAB}$docker-lab:lab:AppReplicas$docker:index/container:Container`, "lab-app-1"),
    app0Pids: urn(`${LAB}$docker-lab:lab:AppReplicas$command:local:Command`, "lab-app-0-pids-limit"),
    checkA: urn(`${LAB}$docker-lab:lab:LessonCheckCommands$command:local:Command`, "lab-check-a"),
    checkB: urn(`${LAB}$docker-lab:lab:LessonCheckCommands$command:local:Command`, "lab-check-b"),
};

const ev = (atMs: number, event: object): TimedLine => ({ atMs, line: JSON.stringify({ sequence: 0, timestamp: 1795863935, ...event }) });
const pre = (atMs: number, u: string, op = "create", planning?: boolean) =>
    ev(atMs, { resourcePreEvent: { metadata: { op, urn: u, type: parseUrn(u).type }, ...(planning ? { planning } : {}) } });
const out = (atMs: number, u: string, op = "create") => ev(atMs, { resOutputsEvent: { metadata: { op, urn: u, type: parseUrn(u).type } } });

/** A cold up as the CLI logs it (times in ms after the CLI started), with debug noise and a torn last line. */
function coldUpLog(): TimedLine[] {
    return [
        ev(600, { preludeEvent: { config: {} } }),
        pre(1600, U.stack),
        ev(1610, { diagnosticEvent: { severity: "debug", message: "Registering resource: t=pulumi:pulumi:Stack" } }),
        pre(3700, U.lab),
        pre(3800, U.engine),
        out(3820, U.engine),
        pre(3850, U.network),
        pre(3860, U.volume),
        out(3880, U.volume),
        out(5900, U.network),
        pre(5950, U.registry),
        out(9500, U.registry),
        pre(9540, U.registryPids),
        pre(9550, U.image),
        out(9800, U.registryPids),
        out(20000, U.image),
        pre(20050, U.tags),
        out(20100, U.tags),
        pre(20150, U.app0),
        pre(20160, U.app1),
        out(23500, U.app0),
        out(23700, U.app1),
        pre(23750, U.app0Pids),
        out(23950, U.app0Pids),
        pre(24000, U.checkA),
        pre(24010, U.checkB),
        out(25000, U.checkA),
        out(29000, U.checkB),
        out(29050, U.lab),
        out(29100, U.stack),
        ev(29150, { summaryEvent: { durationSeconds: 29, result: "succeeded", resourceChanges: { create: 14 } } }),
        ev(29150, { cancelEvent: {} }),
        { atMs: 29160, line: '{"sequence": 99, "trunc' },
    ];
}

describe("the event log of a cold pulumi up", () => {
    test("a URN gives the resource's name, its type and its parent's type", () => {
        expect(parseUrn(U.app0)).toEqual({
            name: "lab-app-0",
            type: "docker:index/container:Container",
            parentType: "docker-lab:lab:AppReplicas",
        });
        expect(parseUrn(U.stack)).toEqual({ name: "docker-lab-bench-pulumi", type: "pulumi:pulumi:Stack", parentType: undefined });
        expect(() => parseUrn("lab-app-0")).toThrow(/not a Pulumi URN: "lab-app-0"/);
    });

    test("parses into steps with their start and end, the prelude and the summary, past debug events and a torn line", () => {
        const t = parseEventLog(coldUpLog());
        expect(t.preludeMs).toBe(600);
        expect(t.summaryMs).toBe(29150);
        expect(t.previewEndMs).toBeUndefined();
        expect(t.steps).toHaveLength(Object.keys(U).length);
        expect(t.steps.find((s) => s.name === "lab-image-build")).toEqual({
            name: "lab-image-build",
            type: "docker:index/image:Image",
            parentType: "docker-lab:lab:AppImage",
            startMs: 9550,
            endMs: 20000,
        });
        expect(t.steps.map((s) => s.name).slice(0, 4)).toEqual(["docker-lab-bench-pulumi", "lab", "lab-engine", "lab-network"]);
    });

    test("preview events (planning) end a span of their own, not steps; a failed step ends; a replacement's two steps", () => {
        const t = parseEventLog([
            ev(500, { preludeEvent: {} }),
            pre(900, U.app0, "replace", true),
            pre(1400, U.app1, "replace", true),
            pre(2000, U.app0, "delete-replaced"),
            pre(2100, U.image, "update"),
            out(2500, U.app0, "delete-replaced"),
            pre(2600, U.app0, "create-replacement"),
            out(4000, U.app0, "create-replacement"),
            ev(4100, {
                resOpFailedEvent: { metadata: { op: "update", urn: U.image, type: "docker:index/image:Image" }, status: 1, steps: 1 },
            }),
        ]);
        expect(t.previewEndMs).toBe(1400);
        expect(t.steps.map((s) => [s.name, s.startMs, s.endMs])).toEqual([
            ["lab-app-0", 2000, 2500],
            ["lab-image-build", 2100, 4100],
            ["lab-app-0", 2600, 4000],
        ]);
    });

    test("every resource sorts into its part of the lab by type and parent type", () => {
        const stages = Object.fromEntries(Object.entries(U).map(([k, u]) => [k, stageOf(parseUrn(u))]));
        expect(stages).toEqual({
            stack: "stack",
            lab: "component",
            engine: "provider",
            network: "network",
            volume: "network",
            registry: "registry",
            registryPids: "other",
            image: "image",
            tags: "tagCleanup",
            app0: "replicas",
            app1: "replicas",
            app0Pids: "replicaPidsLimits",
            checkA: "checks",
            checkB: "checks",
        });
        expect(stageOf({ type: "docker:index/container:Container", parentType: "docker-lab:lab:Other" })).toBe("other");
    });

    test("the critical path: Pulumi's own steps, each link of the chain with the wait before it, and what ran beside", () => {
        const p = criticalPath(parseEventLog(coldUpLog()), 29300);
        expect(p.totalMs).toBe(29300);
        expect(p.chain.map((r) => [r.key, r.startMs, r.durationMs, r.waitMs, r.kind])).toEqual([
            ["cli", 0, 600, 0, "pulumi"],
            ["host", 600, 1000, 0, "pulumi"],
            ["program", 1600, 2200, 0, "pulumi"],
            ["network", 3850, 2050, 50, "docker"],
            ["registry", 5950, 3550, 50, "docker"],
            ["image", 9550, 10450, 50, "docker"],
            ["tagCleanup", 20050, 50, 50, "docker"],
            ["replicas", 20150, 3550, 50, "docker"],
            ["replicaPidsLimits", 23750, 200, 50, "docker"],
            ["checks", 24000, 5000, 50, "docker"],
            ["finish", 29000, 150, 0, "pulumi"],
            ["exit", 29150, 150, 0, "pulumi"],
        ]);
        // The chain accounts for the whole process: its steps plus its waits.
        expect(p.chain.reduce((s, r) => s + r.durationMs + r.waitMs, 0)).toBe(29300);
        expect(p.chain.find((r) => r.key === "replicas")?.label).toBe("2 replicas: create -> healthy");
        expect(p.chain.find((r) => r.key === "checks")?.label).toBe("2 lesson checks (local.Command, in parallel)");
        expect(p.beside.map((r) => [r.label, r.startMs, r.durationMs, r.kind])).toEqual([
            ["lab-engine (pulumi:providers:docker)", 3800, 20, "pulumi"],
            ["lab-registry-pids-limit (command:local:Command)", 9540, 260, "docker"],
        ]);
    });

    test("a preview, when the update had one, is its own Pulumi step; without replica PIDs limits that link is left out", () => {
        const lines = coldUpLog().filter((l) => !l.line.includes("lab-app-0-pids-limit"));
        lines.splice(1, 0, pre(700, U.app0, "create", true), pre(1200, U.app1, "create", true));
        const p = criticalPath(parseEventLog(lines), 29300);
        expect(p.chain.slice(0, 3).map((r) => [r.key, r.startMs, r.durationMs])).toEqual([
            ["cli", 0, 600],
            ["preview", 600, 600],
            ["host", 1200, 400],
        ]);
        expect(p.chain.map((r) => r.key)).not.toContain("replicaPidsLimits");
        expect(p.chain.find((r) => r.key === "checks")?.waitMs).toBe(300);
    });

    test("an incomplete log is refused with what is missing", () => {
        expect(() => criticalPath({ steps: [] }, 1000)).toThrow(/no preludeEvent/);
        const noImageEnd = coldUpLog().filter((l) => !(l.line.includes("resOutputsEvent") && l.line.includes("lab-image-build")));
        expect(() => criticalPath(parseEventLog(noImageEnd), 29300)).toThrow(/no finished image step/);
    });

    test("the median path of several runs, row by row", () => {
        const a = criticalPath(parseEventLog(coldUpLog()), 29300);
        const slower = coldUpLog().map((l) => ({ ...l, atMs: l.atMs * 2 }));
        const b = criticalPath(parseEventLog(slower), 58600);
        const c = criticalPath(parseEventLog(slower), 58600);
        const m = medianPath([a, b, c]);
        expect(m.totalMs).toBe(58600);
        expect(m.chain.find((r) => r.key === "image")).toMatchObject({ startMs: 19100, durationMs: 20900, waitMs: 100 });
        expect(m.chain.map((r) => r.key)).toEqual(a.chain.map((r) => r.key));
    });

    test("the critical-path table names each step, when it starts, how long it takes and the wait before it", () => {
        const text = criticalPathText(criticalPath(parseEventLog(coldUpLog()), 29300), 1);
        expect(text).toMatch(/median of 1 run;/);
        expect(text).toMatch(/^image build \+ push\s+9\.55 s\s+10\.45 s\s+0\.05 s\s+engine$/m);
        expect(text).toMatch(/^program load \(ts-node, SDKs, spec\) \+ plugin start\s+1\.60 s\s+2\.20 s\s+0\.00 s\s+Pulumi$/m);
        expect(text).toMatch(/^Beside the chain:$/m);
        expect(text).toMatch(/^lab-engine \(pulumi:providers:docker\)\s+3\.80 s\s+0\.02 s\s+-\s+Pulumi$/m);
        // 0.6 + 1.0 + 2.2 + 0.15 + 0.15 Pulumi; 0.4 s of waits; the rest engine work.
        expect(text).toMatch(
            /pulumi up 29\.30 s: engine work on the chain 24\.85 s \(85%\), Pulumi's own steps 4\.10 s \(14%\), waits between links 0\.35 s \(1%\)\./,
        );
    });
});

describe("the program's resources, as the bench sorts them", () => {
    // (The mocks record no stack resource and no default provider; the event-log tests cover those.)
    test("every resource the program registers has its part of the lab, with the counts the spec gives", async () => {
        const { resources } = await runProgram({ replicas: "3" }, "bench-pulumi");
        const spec = labSpec({ replicas: "3" }, "bench-pulumi");
        const counts: Record<string, number> = {};
        for (const r of resources) {
            const stage = stageOf(parseUrn(r.urn));
            counts[stage] = (counts[stage] ?? 0) + 1;
        }
        expect(counts).toEqual({
            // DockerLab, LocalRegistry, AppImage, AppReplicas, LessonCheckCommands and PortalTokens.
            component: 6,
            provider: 1,
            network: 2,
            registry: 1,
            // The registry's PIDs limit and the portal's secret.
            other: 2,
            image: 1,
            tagCleanup: 1,
            replicas: replicasOf(spec).length,
            replicaPidsLimits: replicasOf(spec).length,
            checks: spec.checks.length,
        });
    }, 60_000);
});

describe("the parts of npm run up and down", () => {
    const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;

    test("the shim's log pairs each start with its end by pid", () => {
        const log = [
            `start 101 ${ns(1_000_300)} stack select`,
            `start 102 ${ns(1_000_320)} whoami`,
            `end 101 ${ns(1_000_500)}`,
            `start 103 ${ns(1_000_520)} up --yes`,
            "garbage",
            `end 103 ${ns(1_030_520)}`,
            `start 104 ${ns(1_031_100)} stack output`,
            "",
        ].join("\n");
        expect(parseCallLog(log)).toEqual([
            { pid: "101", command: "stack select", startMs: 1_000_300, endMs: 1_000_500 },
            { pid: "102", command: "whoami", startMs: 1_000_320 },
            { pid: "103", command: "up --yes", startMs: 1_000_520, endMs: 1_030_520 },
            { pid: "104", command: "stack output", startMs: 1_031_100 },
        ]);
    });

    test("splits an up at its pulumi calls: before, stack select, preflight and guard, pulumi up, after; the parts add up", () => {
        // As a cold npm run up makes them: select, the guard's export (nothing deployed yet), the update, the report's export.
        const calls = parseCallLog(
            [
                `start 1 ${ns(1_004_000)} stack select`,
                `end 1 ${ns(1_004_250)}`,
                `start 2 ${ns(1_006_000)} stack export`,
                `end 2 ${ns(1_006_400)}`,
                `start 3 ${ns(1_007_000)} up --yes`,
                `end 3 ${ns(1_037_000)}`,
                `start 4 ${ns(1_037_100)} stack export`,
                `end 4 ${ns(1_037_600)}`,
            ].join("\n"),
        );
        const split = splitCommand(1_000_000, 1_041_000, calls, "up");
        expect(split).toEqual({
            totalMs: 41_000,
            beforeMs: 4000,
            selectMs: 250,
            betweenMs: 2750,
            mainMs: 30_000,
            afterMs: 4000,
            pulumiMs: 250 + 400 + 30_000 + 500,
        });
        expect(split.beforeMs + split.selectMs + split.betweenMs + split.mainMs + split.afterMs).toBe(split.totalMs);
        expect(() => splitCommand(1_000_000, 1_041_000, calls, "destroy")).toThrow(
            /no "pulumi destroy" call among \["stack select","stack export","up --yes","stack export"\]/,
        );
        expect(() => splitCommand(1_000_000, 1_043_300, [{ pid: "9", command: "up --yes", startMs: 1_001_000 }], "up")).toThrow(
            /its end was not logged/,
        );
    });

    test("all pulumi calls: a call inside another counts once, a call with no logged end counts nothing", () => {
        const calls = parseCallLog(
            [
                `start 1 ${ns(1_000_100)} stack select`,
                `end 1 ${ns(1_000_300)}`,
                `start 2 ${ns(1_000_400)} destroy --yes`,
                `start 3 ${ns(1_001_000)} whoami`,
                `end 3 ${ns(1_001_500)}`,
                `end 2 ${ns(1_004_400)}`,
                `start 4 ${ns(1_004_500)} stack output`,
            ].join("\n"),
        );
        const split = splitCommand(1_000_000, 1_005_000, calls, "destroy");
        expect(split).toMatchObject({ selectMs: 200, betweenMs: 100, mainMs: 4000, afterMs: 600, pulumiMs: 4200 });
        expect(split.beforeMs + split.selectMs + split.betweenMs + split.mainMs + split.afterMs).toBe(split.totalMs);
    });

    test("reads the last Resources: block and the Duration: line", () => {
        const destroy = [
            "Previewing destroy (bench-pulumi):",
            "Resources:",
            "    - 43 to delete",
            "",
            "Destroying (bench-pulumi):",
            " -  docker:index/container:Container lab-app-0 deleted (0.5s)",
            "Resources:",
            "    - 43 deleted",
            "",
            "Duration: 4s",
        ].join("\n");
        expect(parseCliSummary(destroy)).toEqual({ resources: "43 deleted", duration: "4s", durationMs: 4000 });
        const change = "Outputs:\n    x: 1\n\nResources:\n    ~ 2 updated\n    +-30 replaced\n    11 unchanged\n\nDuration: 1m5s\n";
        expect(parseCliSummary(change)).toEqual({
            resources: "2 updated, 30 replaced, 11 unchanged",
            duration: "1m5s",
            durationMs: 65_000,
        });
        expect(parseCliSummary("error: the stack is currently locked")).toEqual({});
        expect(goDurationMs("1h2m3.5s")).toBe(3_723_500);
        expect(goDurationMs("29s")).toBe(29_000);
        expect(goDurationMs("soon")).toBeUndefined();
    });

    test("the shim logs start and end with its pid, runs the real CLI with the toolchain's variables and keeps its exit code", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-shim-test-"));
        try {
            const real = path.join(dir, "real pulumi");
            fs.writeFileSync(real, '#!/bin/sh\necho "args:$*|home:$PULUMI_HOME"\nexit 3\n', { mode: 0o755 });
            const shim = path.join(dir, "pulumi");
            fs.writeFileSync(shim, shimScript({ pulumi: real, env: { PULUMI_HOME: "/x/it's home" } }), { mode: 0o755 });
            const log = path.join(dir, "calls.log");
            const before = Date.now();
            let stdout = "";
            let status: number | null = 0;
            try {
                execFileSync(shim, ["up", "--yes", "--stack", "s"], { env: { ...process.env, DOCKER_LAB_BENCH_PULUMI_CALLS: log } });
            } catch (err: any) {
                stdout = String(err.stdout);
                status = err.status;
            }
            const after = Date.now();
            expect(status).toBe(3);
            expect(stdout).toBe("args:up --yes --stack s|home:/x/it's home\n");
            const calls = parseCallLog(fs.readFileSync(log, "utf8"));
            expect(calls).toEqual([
                {
                    pid: expect.stringMatching(/^\d+$/),
                    command: "up --yes",
                    startMs: expect.any(Number),
                    endMs: expect.any(Number),
                },
            ]);
            expect(calls[0].startMs).toBeGreaterThanOrEqual(before - 1);
            expect(calls[0].endMs).toBeLessThanOrEqual(after + 1);
            expect(calls[0].endMs).toBeGreaterThanOrEqual(calls[0].startMs);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("the Pulumi rows of the bench table", () => {
    const bare: CycleSteps[] = [
        {
            build: 5000,
            push: 2000,
            pullBack: 1000,
            registryHealthy: 2000,
            replicaHealthy: [2000, 2000],
            curl: 50,
            teardown: 1000,
            cycle: 23_000,
        },
    ];
    const lab = [{ checksWall: 8000 } as LabCycle];
    // An up: npm and ts-node 2 s, select 0.2 s, preflight and guard 1 s, the update, export and report 1.5 s.
    const command = (mainMs: number, extra: Partial<LabCommandRun> = {}): LabCommandRun => ({
        totalMs: 2000 + 200 + 1000 + mainMs + 1500,
        beforeMs: 2000,
        selectMs: 200,
        betweenMs: 1000,
        mainMs,
        afterMs: 1500,
        pulumiMs: 200 + mainMs + 500,
        ...extra,
    });
    const run = (coldMs: number, noopMs: number): PulumiRun => ({
        cold: command(coldMs, { duration: "30s", durationMs: 30_000, resources: "43 created" }),
        path: { error: "not read in this test" },
        noop: command(noopMs, { resources: "43 unchanged" }),
        guard: { ms: 120, damage: [] },
        change: command(12_000, { resources: "2 updated, 30 replaced, 11 unchanged" }),
        down: command(4000, { totalMs: 2000 + 200 + 10 + 4000 + 20, betweenMs: 10, afterMs: 20, pulumiMs: 4200, resources: "43 deleted" }),
    });
    const phase = (runs: PulumiRun[]) => ({ available: true as const, cli: "/p/pulumi", version: "v3.274.1", runs });
    const GUARD = "Lab guard on a whole lab (what healing adds to every up)";

    test("without a Pulumi CLI every Pulumi row says n/a, the reason is printed, and the targets are not judged", () => {
        const section = pulumiSection(
            { available: false, reason: "no pulumi on PATH, and /root/.pulumi-toolchain has no pulumi" },
            bare,
            lab,
        );
        expect(section.targets).toEqual({
            coldUpWithin36s: null,
            noopUpWithin8s: null,
            noopPulumiUpWithin4s: null,
            pulumiUpDownWithin1_2xBare: null,
        });
        expect(section.text).toMatch(/^Pulumi rows n\/a: no pulumi on PATH, and \/root\/\.pulumi-toolchain has no pulumi$/m);
        const pulumiRows = section.rows.filter((r) => !r[0].startsWith("Bare CLI"));
        expect(pulumiRows.length).toBeGreaterThan(30);
        expect(pulumiRows.every((r) => r[1] === "n/a")).toBe(true);
        expect(section.rows.find((r) => r[0] === GUARD)).toEqual([GUARD, "n/a", "", "-", ""]);
        expect(section.rows.filter((r) => r[3] !== "-").map((r) => [r[0], r[3], r[4]])).toEqual([
            ["Cold npm run up (fresh stack): whole command", "<= 36 s", "n/a"],
            ["No-op npm run up (nothing changed): whole command", "<= 8 s", "n/a"],
            ["  pulumi up", "<= 4 s", "n/a"],
            ["Pulumi / bare", "<= 1.2x", "n/a"],
        ]);
        // The bare side is measured anyway: bare cycle - pull-back + checks = 23 - 1 + 8 s.
        expect(section.rows.find((r) => r[0].startsWith("Bare CLI"))?.[1]).toBe("30.00 s");
    });

    test("a phase that failed before any run finished is n/a with its error", () => {
        const section = pulumiSection(
            { available: true, cli: "/p/pulumi", version: "v3", runs: [], error: "run 1: npm run up failed" },
            bare,
            lab,
        );
        expect(section.text).toMatch(/Pulumi rows n\/a: no run finished: run 1: npm run up failed/);
        expect(section.targets.noopUpWithin8s).toBeNull();
    });

    test("each command's rows name its parts, which add up to the whole command; all pulumi calls last", () => {
        const section = pulumiSection(phase([run(30_000, 3000)]), bare, lab);
        const labels = section.rows.map((r) => r[0]);
        const at = labels.indexOf("Cold npm run up (fresh stack): whole command");
        expect(labels.slice(at, at + 9)).toEqual([
            "Cold npm run up (fresh stack): whole command",
            "  before pulumi: npm, ts-node",
            "  pulumi stack select",
            "  preflight (doctor) and lab guard (its stack export: nothing deployed yet)",
            "  pulumi up",
            '  its "Duration:" line',
            "  after pulumi up: stack export, report (only the checks the update did not run)",
            "  all pulumi calls",
            "  resources",
        ]);
        const noop = labels.indexOf("No-op npm run up (nothing changed): whole command");
        expect(labels[noop + 3]).toBe("  preflight (doctor) and lab guard");
        // The lab guard, timed on its own, follows the no-op up whose part it is.
        expect(labels[noop + 9]).toBe(GUARD);
        const down = labels.indexOf("npm run down: whole command");
        expect(labels.slice(down + 3, down + 8)).toEqual([
            "  between stack select and pulumi destroy",
            "  pulumi destroy",
            '  its "Duration:" line',
            "  after pulumi destroy",
            "  all pulumi calls",
        ]);
        for (const start of [at, down]) {
            const seconds = (i: number) => Number.parseFloat(section.rows[start + i][1]);
            const parts = [1, 2, 3, 4, 6].map(seconds).reduce((a, b) => a + b, 0);
            expect(parts).toBeCloseTo(seconds(0), 5);
        }
    });

    test("with runs: the targets on the cold and no-op rows, the lab guard, and the comparison with the bare sequence", () => {
        const pass = pulumiSection(phase([run(30_000, 3000)]), bare, lab);
        const row = (label: string) => pass.rows.find((r) => r[0] === label);
        expect(row("Cold npm run up (fresh stack): whole command")?.slice(1)).toEqual(["34.70 s", "34.70", "<= 36 s", "PASS"]);
        expect(row("No-op npm run up (nothing changed): whole command")?.slice(1)).toEqual(["7.70 s", "7.70", "<= 8 s", "PASS"]);
        expect(pass.rows.filter((r) => r[0] === "  pulumi up").map((r) => r.slice(1))).toEqual([
            ["30.00 s", "30.00", "-", ""],
            ["3.00 s", "3.00", "<= 4 s", "PASS"],
            ["12.00 s", "12.00", "-", ""],
        ]);
        expect(row(GUARD)?.slice(1)).toEqual(["0.12 s", "0.12", "-", ""]);
        expect(row('  its "Duration:" line')?.slice(1, 3)).toEqual(["30.00 s", "30s"]);
        expect(pass.rows.filter((r) => r[0] === "  resources").map((r) => r[1])).toEqual([
            "43 created",
            "43 unchanged",
            "2 updated, 30 replaced, 11 unchanged",
            "43 deleted",
        ]);
        // Pulumi side: select and up of the cold up (0.2 + 30), select and destroy of down (0.2 + 4) = 34.4 s; bare side 30 s; 1.15x.
        expect(pass.rows.filter((r) => r[0] === "  all pulumi calls").map((r) => r[1])).toEqual(["30.70 s", "3.70 s", "12.70 s", "4.20 s"]);
        expect(row("Pulumi cold up + down (stack select and up, stack select and destroy)")?.[1]).toBe("34.40 s");
        expect(row("Pulumi / bare")).toEqual(["Pulumi / bare", "1.15x", "ratio of medians", "<= 1.2x", "PASS"]);
        expect(pass.targets).toEqual({
            coldUpWithin36s: true,
            noopUpWithin8s: true,
            noopPulumiUpWithin4s: true,
            pulumiUpDownWithin1_2xBare: true,
        });
        expect(pass.text).toMatch(/a run's event log was not usable: not read in this test/);
        expect(pass.text).not.toMatch(/lab guard found/);
        const printed = pulumiReportLines(phase([run(30_000, 3000)]), pass).join("\n");
        expect(printed).toMatch(/^Pulumi CLI v3\.274\.1 \(\/p\/pulumi\)\.$/m);
        expect(printed).toMatch(/^Pulumi \/ bare\s+1\.15x\s+ratio of medians\s+<= 1\.2x\s+PASS$/m);
        expect(printed).toMatch(/^ {2}pulumi up\s+3\.00 s\s+3\.00\s+<= 4 s\s+PASS$/m);
        expect(printed.endsWith(pass.text)).toBe(true);

        // Cold 36.7 s, no-op 9.2 s with pulumi up 4.5 s; (0.2 + 32 + 0.2 + 4) / 25 s = 1.46x.
        const missed = run(32_000, 4500);
        missed.guard = { ms: 150, damage: [{ kind: "stopped", role: "replica", name: "docker-lab-bench-pulumi-app-0", state: "exited" }] };
        const miss = pulumiSection(phase([missed]), [{ ...bare[0], cycle: 18_000 }], lab);
        expect(miss.targets).toEqual({
            coldUpWithin36s: false,
            noopUpWithin8s: false,
            noopPulumiUpWithin4s: false,
            pulumiUpDownWithin1_2xBare: false,
        });
        expect(miss.rows.filter((r) => r[4] !== "").map((r) => [r[1], r[4]])).toEqual([
            ["36.70 s", "MISS"],
            ["9.20 s", "MISS"],
            ["4.50 s", "MISS"],
            ["1.46x", "MISS"],
        ]);
        expect(miss.text).toMatch(
            /^The lab guard found the lab of the no-op up broken in run 1: replica docker-lab-bench-pulumi-app-0 stopped$/m,
        );
        expect(bareWithChecksMs(bare[0], 8000)).toBe(30_000);
    });
});

describe("the whole bench report without a Pulumi CLI", () => {
    test("prints the Pulumi rows as n/a with the reason, and counts their targets as n/a, not as misses", () => {
        const spec = labSpec({}, "bench");
        const checks = spec.checks.map((c) => ({
            id: c.id,
            section: c.section,
            title: c.title.en,
            passed: true,
            status: 0,
            stdout: "",
            stderr: "",
            durationMs: 100,
        }));
        const steps: CycleSteps = {
            build: 3000,
            push: 2000,
            pullBack: 300,
            registryHealthy: 2000,
            replicaHealthy: [2000, 2000],
            curl: 30,
            teardown: 1000,
            cycle: 20_000,
        };
        const { text, results } = benchReport({
            spec,
            config: labConfig({}),
            engine: "20.10.24 (API 1.41)",
            runs: 1,
            image: {
                coldBuildMs: [2000],
                rebuilds: [{ ms: 100, sameImageId: true, newLayers: 0 }],
                size: { appBytes: 1000, baseBytes: 0, addedBytes: 1000, layersAdded: 2 },
                firstPush: { ms: 2000, pushed: 3, existing: 0 },
                changes: [{ buildMs: 2000, pushMs: 150, pushed: 1, existing: 2, mounted: 0, onlyAppLayer: true }],
            },
            lab: [{ ...steps, provision: 18_000, checks, checksWall: 8000 }],
            bare: [steps],
            pulumi: { available: false, reason: "no pulumi on PATH" },
            totalMs: 60_000,
        });
        expect(text).toMatch(/^Pulumi CLI: none, so the Pulumi rows are n\/a\.$/m);
        expect(text).toMatch(/^ {2}pulumi up\s+n\/a\s+<= 4 s\s+n\/a$/m);
        expect(text).toMatch(/^Pulumi \/ bare\s+n\/a\s+<= 1\.2x\s+n\/a$/m);
        expect(text).toMatch(/^Pulumi rows n\/a: no pulumi on PATH$/m);
        expect(text).toMatch(/^Targets: \d\/6 PASS, 4 n\/a\./m);
        expect((results as any).targets).toMatchObject({
            coldUpWithin36s: null,
            noopUpWithin8s: null,
            noopPulumiUpWithin4s: null,
            pulumiUpDownWithin1_2xBare: null,
        });
        expect((results as any).pulumi).toEqual({ available: false, reason: "no pulumi on PATH" });
    });
});
