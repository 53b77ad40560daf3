import { parseDockerSize } from "../../../bench/common";
import { type PortalLoad, percentile } from "../../../bench/portalLoad";
import { seatsReport } from "../../../bench/seats";
import {
    benchSeatsSpec,
    SEAT_IMAGE,
    SEATS_APP_PORT,
    SEATS_REGISTRY_PORT,
    SEATS_STACK,
    seatNames,
    seatsConfig,
} from "../../../bench/seatsConfig";
import { parseVerifySummary, type SeatsLive } from "../../../bench/seatsLive";
import {
    cgroupInside,
    memoryCgroup,
    memoryStatFile,
    parseAnonMb,
    parseSystemDf,
    parseVolumeSizes,
    type SeatFigures,
} from "../../../bench/seatsMeasure";
import { OFFLINE_IMAGES, seatsApp } from "../../../lab";

// The seats rows of npm run bench: its class of seats, the parsers of what docker prints, and the
// printed rows (figures with their targets; the bench asserts nothing itself).

test("the bench's class of seats: s01..s10 in mode seats on the offline images, its own stack and ports", () => {
    expect(seatNames(3)).toEqual(["s01", "s02", "s03"]);
    const config = seatsConfig();
    expect(config).toMatchObject({ mode: "seats", seatImage: OFFLINE_IMAGES.seatImage, students: seatNames(10) });
    expect(SEAT_IMAGE).toBe(OFFLINE_IMAGES.seatImage);
    const spec = benchSeatsSpec();
    expect(spec.instance).toBe(`docker-lab-${SEATS_STACK}`);
    expect(spec.students.map((s) => s.student?.name)).toEqual(seatNames(10));
    const ports = spec.students.flatMap((s) => seatsApp(s.app).seat.ports.map((p) => p.external));
    expect(Math.min(...ports)).toBe(SEATS_APP_PORT);
    expect(Math.max(...ports)).toBeLessThan(SEATS_REGISTRY_PORT);
    expect(new Set(ports).size).toBe(ports.length);
    expect(spec.registry.container.ports[0].external).toBe(SEATS_REGISTRY_PORT);
    const first = seatsApp(spec.students[0].app);
    expect(first.seat.name).toBe("docker-lab-bench-seats-s01-seat");
    expect(first.workstation.name).toBe("docker-lab-bench-seats-s01-workstation");
    // The seat's engine is reached with TLS, its client files relative to the copy's root.
    expect(spec.students[0].commandEnv).toEqual({
        DOCKER_HOST: first.seat.engineHost,
        DOCKER_TLS_VERIFY: "1",
        DOCKER_CERT_PATH: ".docker-lab/seats/docker-lab-bench-seats/s01",
    });
});

test("the bench's seat ports are clear of the other phases' (classroom 29000.., swarm 29499/29500, lab 28080/25000)", () => {
    const ports = benchSeatsSpec().students.flatMap((s) => seatsApp(s.app).seat.ports.map((p) => p.external));
    for (const port of [...ports, SEATS_REGISTRY_PORT]) expect(port < 25000 || port > 29999).toBe(true);
});

test.each([
    ["0B", 0],
    ["300.1kB", 300.1e3 / 2 ** 20],
    ["590.4MB", 590.4e6 / 2 ** 20],
    ["1.397GB", 1.397e9 / 2 ** 20],
    ["1.5GiB", 1536],
    ["12MiB", 12],
])("docker size %s is %d MiB", (text, mib) => {
    expect(parseDockerSize(text)).toBeCloseTo(mib, 6);
});

test("an unreadable size is NaN", () => {
    expect(parseDockerSize("N/A")).toBeNaN();
});

test("docker system df in a seat: MiB per kind and their total", () => {
    const out = [
        '{"Active":"2","Reclaimable":"0B (0%)","Size":"171MB","TotalCount":"2","Type":"Images"}',
        '{"Active":"2","Reclaimable":"0B (0%)","Size":"1.2kB","TotalCount":"2","Type":"Containers"}',
        '{"Active":"0","Reclaimable":"0B","Size":"0B","TotalCount":"0","Type":"Local Volumes"}',
        '{"Active":"0","Reclaimable":"921.8kB","Size":"921.8kB","TotalCount":"9","Type":"Build Cache"}',
        "",
    ].join("\n");
    const disk = parseSystemDf(out);
    expect(disk.imagesMb).toBeCloseTo(171e6 / 2 ** 20, 6);
    expect(disk.volumesMb).toBe(0);
    expect(disk.totalMb).toBeCloseTo((171e6 + 1.2e3 + 921.8e3) / 2 ** 20, 6);
    expect(parseSystemDf("").totalMb).toBeNaN();
});

test("docker system df -v: the volumes' sizes by name", () => {
    const sizes = parseVolumeSizes('[{"Name":"a-seat-data","Size":"590.4MB","Links":"1"},{"Name":"other","Size":"0B"}]\n');
    expect(sizes.get("a-seat-data")).toBeCloseTo(590.4e6 / 2 ** 20, 6);
    expect(sizes.get("other")).toBe(0);
    expect(parseVolumeSizes("").size).toBe(0);
});

test("a seat's memory.stat, from its /proc/1/cgroup; the memory its processes hold themselves", () => {
    expect(memoryStatFile("4:memory:/docker/abc\n0::/")).toBe("/sys/fs/cgroup/memory/docker/abc/memory.stat");
    expect(memoryStatFile("0::/system.slice/docker-abc.scope\n")).toBe("/sys/fs/cgroup/system.slice/docker-abc.scope/memory.stat");
    // The root of a cgroup namespace, or a path outside it: /sys/fs/cgroup may be another tree's.
    expect(memoryStatFile("0::/\n")).toBeUndefined();
    expect(memoryStatFile("0::/../x\n")).toBeUndefined();
    expect(parseAnonMb("cache 188121088\nrss 1\ntotal_cache 188121088\ntotal_rss 60817408\n")).toBeCloseTo(58, 6);
    expect(parseAnonMb("anon 10485760\nfile 5\n")).toBe(10);
    expect(parseAnonMb("")).toBeNaN();
});

test("the memory cgroup of a process: cgroup v1's memory line, else v2's", () => {
    expect(memoryCgroup("9:name=systemd:/\n4:memory:/docker/abc\n0::/\n")).toBe("/docker/abc");
    expect(memoryCgroup("5:cpuacct,memory:/docker/x")).toBe("/docker/x");
    expect(memoryCgroup("0::/docker/def\n")).toBe("/docker/def");
    expect(memoryCgroup("")).toBeUndefined();
});

test("replicas inside their seat's cgroup, or beside it", () => {
    // cgroup v1 without a cgroup namespace: the seat's /docker/<seat>, the replica's /docker/<replica>: beside.
    expect(cgroupInside("/docker/seat", "/docker/replica")).toBe(false);
    expect(cgroupInside("/docker/seat", "/docker/seat/docker/replica")).toBe(true);
    expect(cgroupInside("/docker/seat", "/docker/seatx/replica")).toBe(false);
    // A cgroup namespace: the seat is its root; a cgroup outside it starts with /..
    expect(cgroupInside("/", "/docker/replica")).toBe(true);
    expect(cgroupInside("/", "/../docker/replica")).toBe(false);
    expect(cgroupInside(undefined, "/docker/replica")).toBeUndefined();
});

test("npm run verify's summary line", () => {
    expect(parseVerifySummary("✓ 01 s01: …\n260 passed, 0 failed in 48.1 s on …\n")).toEqual({ passed: 260, failed: 0 });
    expect(parseVerifySummary("250 passed, 10 failed in 1m")).toEqual({ passed: 250, failed: 10 });
    expect(parseVerifySummary("verify failed: boom")).toBeUndefined();
});

const command = (totalMs: number) => ({
    totalMs,
    beforeMs: 1000,
    selectMs: 500,
    betweenMs: 2000,
    mainMs: totalMs - 5000,
    afterMs: 1500,
    pulumiMs: totalMs - 4000,
});
const seat = (student: string, seatMb: number, replicasMb: number): SeatFigures => ({
    student,
    seatMb,
    seatAnonMb: seatMb / 4,
    replicasMb,
    totalMb: seatMb + replicasMb,
    workstationMb: 0.8,
    disk: { imagesMb: 163, containersMb: 0.1, volumesMb: 0, buildCacheMb: 0.9, totalMb: 164 },
    volumeMb: 560,
});
const live = (over: Partial<SeatsLive> = {}): SeatsLive => ({
    students: 3,
    replicas: 2,
    seatsHealthyMs: 61_000,
    up: command(240_000),
    checks: 78,
    verifyMs: 50_000,
    verified: { passed: 78, failed: 0 },
    seats: [seat("s01", 200, 40), seat("s02", 220, 40), seat("s03", 270, 40)],
    registryMb: 70,
    replicasInSeatCgroup: false,
    portal: {
        students: 3,
        durationMs: 60_000,
        checks: [120, 80, 100, 300, 90],
        rosters: [10, 12, 30, 11],
        states: [5, 6, 7],
        errors: [],
        damaged: [],
        replaced: [],
    },
    down: command(40_000),
    leftAfterDown: [],
    ...over,
});

test("the rows: the up against 5 minutes, memory per seat against 300 MiB (median and max), disk, the down", () => {
    const phase = live();
    const { text, results } = seatsReport(phase);
    expect(text).toContain("a class of 3 students, each with a Docker engine of their own (mode seats, 2 replicas in each seat)");
    expect(text).toMatch(/until every seat's engine is healthy\s+61\.00 s/);
    expect(text).toMatch(/npm run up, until every seat is verified \(78 checks\)\s+240\.00 s \(pulumi up 235\.00 s\)\s+<= 300\.00 s PASS/);
    expect(text).toMatch(/npm run verify of the class \(78 passed, 0 failed\)\s+50\.00 s/);
    expect(text).toMatch(/the seat with its replicas: median\s+260\.0 MiB\s+<= 300 MiB PASS/);
    expect(text).toMatch(/the seat with its replicas: max\s+310\.0 MiB\s+<= 300 MiB MISS/);
    expect(text).toMatch(/the seat container \(docker stats\), min \/ median \/ max\s+200\.0 MiB \/ 220\.0 MiB \/ 270\.0 MiB/);
    expect(text).toMatch(/of which its processes' own \(anon, memory\.stat\)\s+50\.0 MiB \/ 55\.0 MiB \/ 67\.5 MiB/);
    expect(text).toMatch(/memory per workstation, min \/ median \/ max\s+0\.8 MiB/);
    expect(text).toMatch(/disk in a seat \(docker system df\), min \/ median \/ max\s+164\.0 MiB/);
    expect(text).toMatch(/npm run down\s+40\.00 s \(pulumi destroy 35\.00 s\)/);
    expect(text).toMatch(/left after npm run down\s+nothing/);
    expect(text).toContain("beside their seat's, not inside it");
    expect(text).toMatch(/^s03\s+270\.0\s+67\.5\s+40\.0\s+310\.0\s+0\.8\s+164\.0 \(163\.0 \/ 0\.1 \/ 0\.0 \/ 0\.9\)\s+560\.0$/m);
    expect(results).toEqual({ seats: phase });
});

test("the portal's rows: p50 and p95 of a Check and of the roster, errors and seats that lost their lab, each a verdict", () => {
    const { text } = seatsReport(live());
    expect(text).toMatch(/portal, 3 students at once for 60\.00 s: a Check, p50 \/ p95 \(n\)\s+100 \/ 300 ms \(5\)/);
    expect(text).toMatch(/portal: the teacher's roster, p50 \/ p95 \(n\)\s+11 \/ 30 ms \(4\)/);
    expect(text).toMatch(/portal: answers other than 200\s+none\s+PASS/);
    expect(text).toMatch(/portal: seats that lost any of their lab\s+none\s+PASS/);
    const bad = live({
        portal: {
            ...(live().portal as PortalLoad),
            errors: ["POST check 01.02-ps-file: 500"],
            damaged: ["x-s02-app-0"],
            replaced: ["s03"],
        },
    });
    expect(seatsReport(bad).text).toMatch(/answers other than 200\s+POST check 01\.02-ps-file: 500\s+MISS/);
    expect(seatsReport(bad).text).toMatch(/lost any of their lab\s+damaged x-s02-app-0, replaced s03\s+MISS/);
    expect(seatsReport(live({ portal: { error: "npm run portal did not answer" } })).text).toMatch(
        /class portal under load\s+FAILED: npm run portal did not answer/,
    );
});

test("percentile: nearest rank", () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(
        percentile(
            Array.from({ length: 100 }, (_, i) => i + 1),
            95,
        ),
    ).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 95)).toBeNaN();
});

test("a slow up misses its target; what is left after the down is named; a figure not read is n/a", () => {
    const { text } = seatsReport(
        live({
            up: command(301_000),
            replicasInSeatCgroup: undefined,
            leftAfterDown: ["volumes: docker-lab-bench-seats-s01-seat-data"],
            seats: [{ ...seat("s01", Number.NaN, 40), totalMb: Number.NaN }],
        }),
    );
    expect(text).toMatch(/\(78 checks\)\s+301\.00 s \(pulumi up 296\.00 s\)\s+<= 300\.00 s MISS/);
    expect(text).toMatch(/left after npm run down\s+volumes: docker-lab-bench-seats-s01-seat-data/);
    expect(text).toMatch(/the seat with its replicas: median\s+n\/a\s+<= 300 MiB MISS/);
    expect(text).toContain("could not be read");
});

test("a failed class is a line with the reason, its measured figures kept in the JSON; no CLI is n/a", () => {
    const failed = { error: "LAB_STACK=bench-seats npm run up failed (exit 1): boom", measured: { students: 10 } };
    const report = seatsReport(failed);
    expect(report.text).toContain("Seats: a class of 10 seats FAILED: LAB_STACK=bench-seats npm run up failed (exit 1): boom");
    expect(report.results).toEqual({ seats: failed });
    expect(seatsReport({ skipped: "no Pulumi CLI" }).text).toContain("Seats: a class of 10 seats: n/a (no Pulumi CLI)");
});
