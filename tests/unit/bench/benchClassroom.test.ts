import { type ClassroomPhase, classroomReport } from "../../../bench/classroom";
import { benchClassSpec, CLASS_APP_PORT, CLASS_REGISTRY_PORT, classNames } from "../../../bench/classroomConfig";
import { parseMemUsage } from "../../../bench/classroomLive";
import type { MockRun } from "../../../bench/classroomMocks";
import { replicasOf } from "../../helpers/specs";

// The classroom rows of npm run bench: its class, the memory parser and the printed rows (figures
// with their targets; the bench asserts nothing itself).

test("the bench class: student-01.., its own stack and ports, clear of the other phases'", () => {
    expect(classNames(3)).toEqual(["student-01", "student-02", "student-03"]);
    const spec = benchClassSpec(10);
    expect(spec.instance).toBe("docker-lab-bench-class");
    expect(spec.students).toHaveLength(10);
    const ports = spec.students.flatMap((s) => replicasOf(s).map((r) => r.ports[0].external));
    expect(Math.min(...ports)).toBe(CLASS_APP_PORT);
    expect(Math.max(...ports)).toBe(CLASS_APP_PORT + 19);
    expect(spec.registry.container.ports[0].external).toBe(CLASS_REGISTRY_PORT);
});

test.each([
    ["12.5MiB / 128MiB", 12.5],
    ["900KiB / 128MiB", 900 / 1024],
    ["1.5GiB / 2GiB", 1536],
    ["0B / 0B", 0],
])("docker stats memory %s is %d MiB", (text, mib) => {
    expect(parseMemUsage(text)).toBeCloseTo(mib, 6);
});

test("an unreadable memory figure is NaN, shown as n/a", () => {
    expect(parseMemUsage("--")).toBeNaN();
});

const run = (students: number, ms: number): MockRun => ({
    students,
    resources: 10 + students * 37,
    ms,
    heapMb: students,
    rssMb: 100 + students,
});

test("the rows: mocks per class size with the 2 s target for 50, and the class of 10 with the 60 s verify target", () => {
    const phase: ClassroomPhase = {
        mocks: [
            { students: 1, runs: [run(1, 300), run(1, 320), run(1, 310)] },
            { students: 10, runs: [run(10, 600), run(10, 650), run(10, 640)] },
            { students: 50, runs: [run(50, 2100), run(50, 1900), run(50, 1800)] },
        ],
        live: {
            via: "pulumi",
            students: 10,
            replicas: 2,
            healthyMs: 41_000,
            upMs: 180_000,
            verifyMs: 75_000,
            checks: 280,
            failed: 0,
            memoryPerLabMb: [20, 22, 21],
            registryMb: 9.5,
            downMs: 30_000,
        },
    };
    const { text, results } = classroomReport(phase);
    expect(text).toMatch(/^50\s+1860\s+1\.90 s\s+2\.10 \/ 1\.90 \/ 1\.80\s+50\.0 MiB\s+150\.0 MiB\s+< 2\.00 s PASS$/m);
    expect(text).toMatch(/^1\s+47\s+0\.31 s/m);
    expect(text).toContain("a class of 10 students × 2 replicas on the engine, with the real Pulumi CLI");
    expect(text).toMatch(/until every replica is healthy\s+41\.00 s/);
    expect(text).toMatch(/verify \(280 checks, 0 failed\)\s+75\.00 s\s+<= 60\.00 s MISS/);
    expect(text).toMatch(/min \/ median \/ max\s+20\.0 MiB \/ 21\.0 MiB \/ 22\.0 MiB/);
    expect(text).toMatch(/pulumi destroy\s+30\.00 s/);
    expect(results).toEqual({ classroom: phase });
});

test("a failed class on the engine is a row with the reason", () => {
    const { text } = classroomReport({ mocks: [], live: { error: "pulumi up failed: boom" } });
    expect(text).toContain("a class of 10 on the engine FAILED: pulumi up failed: boom");
});
