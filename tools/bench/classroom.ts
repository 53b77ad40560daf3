import { execFile } from "node:child_process";
import * as crypto from "node:crypto";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { docker, dockerOk, PROJECT_ROOT, provisionLab, teardownLab } from "../../engine";
import { LABEL, type LabSpec, labsOf, PROJECT_NAME } from "../../lab";
import { copyProject, removeProjectCopy } from "../projectCopy";
import { forgetWorkspace } from "../projectCopyEnv";
import { DEFAULT_PASSPHRASE } from "../pulumiCli";
import { specFor } from "../stack";
import type { PulumiToolchain } from "../toolchain";
import { verifyLab } from "../verify";
import { BASE_IMAGE, log, median, REGISTRY_IMAGE, seconds, secs, table, verdict } from "./common";

/**
 * The classroom rows of `npm run bench` (figures, never assertions; the targets are printed):
 *
 * 1. The program under Pulumi mocks for classes of 1, 10 and 50 students: how long index.ts takes
 *    from its first line until every stack output is resolved, how many resources it registers, and
 *    its memory (process.memoryUsage). Each run is a fresh node process, so nothing is cached or
 *    counted twice. Target: a class of 50 in under 2 s.
 * 2. A class of 10 on the engine: with a Pulumi toolchain, `pulumi up` of the class in a throw-away
 *    copy of the project (stack bench-class), else the live harness. Figures: the time until every
 *    replica is healthy (polled on the engine from the start of the up), the whole up, `verify` of
 *    every student (target: within 60 s), the engine memory per student lab (docker stats
 *    --no-stream), and the time of `pulumi destroy` (or the harness teardown).
 *
 * Its lab: label docker-lab.instance=docker-lab-bench-class, app ports 29000.., registry 29999.
 */

export const CLASS_STACK = "bench-class";
export const CLASS_APP_PORT = 29000;
export const CLASS_REGISTRY_PORT = 29999;
export const MOCK_CLASS_SIZES = [1, 10, 50] as const;
export const LIVE_CLASS_SIZE = 10;
export const CLASS_TARGETS = { mocks50Ms: 2000, verify10Ms: 60_000 } as const;

const MIB = 1024 * 1024;

/** Student names of a class of `n`: student-01, student-02, … */
export function classNames(n: number): string[] {
    return Array.from({ length: n }, (_, i) => `student-${String(i + 1).padStart(2, "0")}`);
}

/** The bench class's raw config, as `pulumi config` would hold it. */
export function classConfig(students: number): Record<string, unknown> {
    return {
        baseImage: BASE_IMAGE,
        registryImage: REGISTRY_IMAGE,
        appPort: CLASS_APP_PORT,
        registryPort: CLASS_REGISTRY_PORT,
        students: classNames(students),
    };
}

/** The bench class's spec. */
export function benchClassSpec(students: number): LabSpec {
    return specFor(classConfig(students), CLASS_STACK);
}

/** One run of the program under mocks. */
export interface MockRun {
    students: number;
    /** Resources the program registered. */
    resources: number;
    /** From requiring index.ts until every stack output resolved. */
    ms: number;
    /** Heap the program added (heapUsed after minus before), MiB. */
    heapMb: number;
    /** Resident set size of the process at the end, MiB. */
    rssMb: number;
}

/**
 * Runs index.ts under Pulumi mocks for a class of `students`, in this process (call it in a fresh
 * one: see `mockRunInChild`). The mocks answer like the engine would: a digest for the pushed
 * image, a pass line for every command, linux/amd64 for the platform query.
 */
export async function programUnderMocks(students: number): Promise<MockRun> {
    const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    pulumi.runtime.setMocks(
        {
            newResource(args) {
                const state: Record<string, unknown> = { ...args.inputs };
                if (args.type === "docker:index/image:Image") {
                    const name = String(args.inputs.imageName);
                    const digest = crypto.createHash("sha256").update(name).digest("hex");
                    state.repoDigest = `${name.slice(0, name.lastIndexOf(":"))}@sha256:${digest}`;
                }
                if (args.type === "command:local:Command") state.stdout = `docker-lab check passed: ${args.name}\n`;
                return { id: `${args.name}-id`, state };
            },
            call: () => ({ stdout: "linux/amd64\n", stderr: "" }),
        },
        PROJECT_NAME,
        CLASS_STACK,
        false,
    );
    const config = classConfig(students);
    pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT_NAME}:${k}`, typeof v === "string" ? v : JSON.stringify(v)])),
    );
    let resources = 0;
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: unknown, cb: unknown) => unknown };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: unknown, cb: unknown) => {
        resources++;
        return register(req, cb);
    };

    // Load (and transpile) the program's modules first: the figure is the program's evaluation, not ts-node's.
    require(path.join(PROJECT_ROOT, "components"));
    const before = process.memoryUsage();
    const started = performance.now();
    const program = require(path.join(PROJECT_ROOT, "index")) as Record<string, unknown>;
    await Promise.all(
        Object.values(program).map((value) =>
            pulumi.Output.isInstance(value) ? new Promise((resolve) => value.apply((v) => resolve(v))) : value,
        ),
    );
    const ms = performance.now() - started;
    const after = process.memoryUsage();
    return { students, resources, ms, heapMb: (after.heapUsed - before.heapUsed) / MIB, rssMb: after.rss / MIB };
}

/** `programUnderMocks(students)` in a fresh node process (ts-node, transpile only), so each run starts cold. */
export function mockRunInChild(students: number): Promise<MockRun> {
    const script = `require(${JSON.stringify(__filename)}).programUnderMocks(${students}).then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); })`;
    return new Promise((resolve, reject) => {
        execFile(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "-e", script],
            { cwd: PROJECT_ROOT, maxBuffer: 16 * MIB, timeout: 300_000 },
            (err, stdout, stderr) => {
                if (err)
                    reject(new Error(`the program under mocks for a class of ${students} failed: ${String(stderr).trim() || err.message}`));
                else resolve(JSON.parse(String(stdout)) as MockRun);
            },
        );
    });
}

/** Figures of a class on the engine. */
export interface ClassLive {
    /** "pulumi" (the real CLI) or "harness" (the live harness, without a CLI). */
    via: "pulumi" | "harness";
    /** Why the harness was used, when it was. */
    reason?: string;
    students: number;
    replicas: number;
    /** From the start of the up until every replica is healthy. */
    healthyMs: number;
    /** The whole up (pulumi up with its checks, or the harness provisioning). */
    upMs: number;
    /** verify of every student's checks. */
    verifyMs: number;
    checks: number;
    failed: number;
    /** MiB of memory each student's containers use together, in class order. */
    memoryPerLabMb: number[];
    /** MiB the shared registry uses. */
    registryMb: number;
    /** pulumi destroy, or the harness teardown. */
    downMs: number;
}

/** "12.5MiB / 128MiB" (docker stats) → 12.5 (MiB). */
export function parseMemUsage(text: string): number {
    const m = /^\s*([\d.]+)\s*([KMG]i?B|B)/i.exec(text);
    if (!m) return Number.NaN;
    const unit = m[2].toUpperCase().replace("I", "");
    const factor = unit === "GB" ? 1024 : unit === "MB" ? 1 : unit === "KB" ? 1 / 1024 : 1 / MIB;
    return Number(m[1]) * factor;
}

/** Memory of each student lab (the sum of its containers) and of the registry, from one `docker stats --no-stream`. */
async function memoryOf(spec: LabSpec): Promise<{ perLab: number[]; registry: number }> {
    const out = await dockerOk(["stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}"], "reading docker stats", spec.commandEnv);
    const used = new Map(
        out
            .split("\n")
            .filter(Boolean)
            .map((line) => line.split("\t") as [string, string])
            .map(([name, usage]) => [name, parseMemUsage(usage)]),
    );
    const perLab = labsOf(spec).map((lab) => lab.replicas.reduce((sum, r) => sum + (used.get(r.name) ?? Number.NaN), 0));
    return { perLab, registry: used.get(spec.registry.container.name) ?? Number.NaN };
}

/** Polls the engine until every replica of the class is healthy; resolves with the ms since `since`. */
function whenAllHealthy(spec: LabSpec, since: number, stop: { done: boolean }): Promise<number> {
    const want = labsOf(spec).reduce((n, lab) => n + lab.replicas.length, 0);
    return new Promise((resolve) => {
        const poll = async () => {
            if (stop.done) return resolve(Number.NaN);
            const out = await docker(
                [
                    "ps",
                    "--filter",
                    `label=${LABEL.instance}=${spec.instance}`,
                    "--filter",
                    `label=${LABEL.role}=app`,
                    "--filter",
                    "health=healthy",
                    "--quiet",
                ],
                spec.commandEnv,
            );
            if (out.stdout.split("\n").filter(Boolean).length >= want) return resolve(Date.now() - since);
            setTimeout(poll, 250);
        };
        void poll();
    });
}

function run(file: string, args: string[], cwd: string, env: Record<string, string | undefined>): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(file, args, { cwd, env: env as NodeJS.ProcessEnv, maxBuffer: 64 * MIB, timeout: 30 * 60_000 }, (err, stdout, stderr) => {
            const output = `${stdout}${stderr}`;
            if (err)
                reject(new Error(`${path.basename(file)} ${args.join(" ")} failed: ${output.trimEnd().split("\n").slice(-25).join("\n")}`));
            else resolve(String(stdout));
        });
    });
}

/** The class of LIVE_CLASS_SIZE through the real Pulumi CLI, in a throw-away copy of the project. */
async function classWithPulumi(toolchain: PulumiToolchain, spec: LabSpec): Promise<ClassLive> {
    const copy = copyProject("docker-lab-bench-class-");
    const env: Record<string, string | undefined> = {
        ...process.env,
        ...toolchain.env,
        PULUMI_CONFIG_PASSPHRASE: DEFAULT_PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    delete env.PULUMI_BACKEND_URL;
    const pulumi = (args: string[]) => run(toolchain.pulumi, args, copy, env);
    let deployed = false;
    try {
        await pulumi(["stack", "init", CLASS_STACK]);
        const config = classConfig(LIVE_CLASS_SIZE);
        const values = Object.fromEntries(
            Object.entries(config).map(([k, v]) => [
                `${PROJECT_NAME}:${k}`,
                Array.isArray(v) ? { value: JSON.stringify(v), objectValue: v, secret: false } : { value: String(v), secret: false },
            ]),
        );
        await pulumi(["config", "set-all", "--stack", CLASS_STACK, "--json", JSON.stringify(values)]);

        deployed = true;
        const started = Date.now();
        const stop = { done: false };
        const healthy = whenAllHealthy(spec, started, stop);
        try {
            await pulumi(["up", "--yes", "--skip-preview", "--stack", CLASS_STACK]);
        } finally {
            stop.done = true; // the poller ends with the up, failed or not
        }
        const upMs = Date.now() - started;
        const healthyMs = await healthy;
        log(`classroom: pulumi up of ${LIVE_CLASS_SIZE} students ${secs(upMs)} (all healthy after ${secs(healthyMs)})`);

        const imageRef = (await pulumi(["stack", "output", "imageRef", "--stack", CLASS_STACK])).trim();
        const [report, verifyMs] = await timedMs(() => verifyLab(spec, imageRef, { cwd: copy, engine: "bench" }));
        const memory = await memoryOf(spec);
        const [, downMs] = await timedMs(() => pulumi(["destroy", "--yes", "--skip-preview", "--stack", CLASS_STACK]));
        deployed = false;
        await pulumi(["stack", "rm", "--yes", CLASS_STACK]);
        return {
            via: "pulumi",
            students: LIVE_CLASS_SIZE,
            replicas: spec.students[0].replicas.length,
            healthyMs,
            upMs,
            verifyMs,
            checks: report.checks.length,
            failed: report.failed,
            memoryPerLabMb: memory.perLab,
            registryMb: memory.registry,
            downMs,
        };
    } finally {
        if (deployed) await pulumi(["destroy", "--yes", "--skip-preview", "--stack", CLASS_STACK]).catch(() => undefined);
        await teardownLab(spec).catch(() => undefined);
        forgetWorkspace(copy, toolchain.env);
        removeProjectCopy(copy);
    }
}

/** The class of LIVE_CLASS_SIZE through the live harness (no Pulumi CLI). */
async function classWithHarness(spec: LabSpec, reason: string): Promise<ClassLive> {
    try {
        const started = Date.now();
        const lab = await provisionLab(spec);
        const upMs = Date.now() - started;
        const [report, verifyMs] = await timedMs(() => verifyLab(spec, lab.imageRef, { cwd: PROJECT_ROOT, engine: "bench" }));
        const memory = await memoryOf(spec);
        const [, downMs] = await timedMs(() => teardownLab(spec));
        return {
            via: "harness",
            reason,
            students: LIVE_CLASS_SIZE,
            replicas: spec.students[0].replicas.length,
            healthyMs: upMs,
            upMs,
            verifyMs,
            checks: report.checks.length,
            failed: report.failed,
            memoryPerLabMb: memory.perLab,
            registryMb: memory.registry,
            downMs,
        };
    } finally {
        await teardownLab(spec).catch(() => undefined);
    }
}

async function timedMs<T>(fn: () => Promise<T>): Promise<[T, number]> {
    const started = Date.now();
    const value = await fn();
    return [value, Date.now() - started];
}

/** Everything the classroom rows measured. */
export interface ClassroomPhase {
    /** Per class size: every run. */
    mocks: { students: number; runs: MockRun[] }[];
    live: ClassLive | { error: string };
}

/**
 * The classroom phase: `runs` cold runs of the program under mocks per class size, then one class
 * of 10 on the engine (the real CLI when `toolchain` is given, else the harness).
 */
export async function classroomPhase(toolchain: PulumiToolchain | { missing: string }, runs: number): Promise<ClassroomPhase> {
    const mocks: ClassroomPhase["mocks"] = [];
    for (const students of MOCK_CLASS_SIZES) {
        const all: MockRun[] = [];
        for (let i = 0; i < runs; i++) all.push(await mockRunInChild(students));
        log(`classroom: program under mocks, ${students} students: ${all.map((r) => secs(r.ms)).join(" / ")}`);
        mocks.push({ students, runs: all });
    }
    const spec = benchClassSpec(LIVE_CLASS_SIZE);
    let live: ClassroomPhase["live"];
    try {
        await teardownLab(spec);
        live =
            "missing" in toolchain
                ? await classWithHarness(spec, `no Pulumi CLI: ${toolchain.missing}`)
                : await classWithPulumi(toolchain, spec);
    } catch (err) {
        live = { error: (err as Error).message };
        log(`classroom: the class of ${LIVE_CLASS_SIZE} FAILED: ${live.error}`);
    }
    return { mocks, live };
}

const mib = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} MiB` : "n/a");

/** The classroom rows as text, and as JSON for bench-results.json. */
export function classroomReport(phase: ClassroomPhase): { text: string; results: Record<string, unknown> } {
    const mockRows = phase.mocks.map(({ students, runs }) => {
        const ms = median(runs.map((r) => r.ms));
        const target = students === 50 ? `< ${seconds(CLASS_TARGETS.mocks50Ms)} s ${verdict(ms < CLASS_TARGETS.mocks50Ms)}` : "";
        return [
            String(students),
            String(runs[0]?.resources ?? "n/a"),
            `${seconds(ms)} s`,
            runs.map((r) => seconds(r.ms)).join(" / "),
            mib(median(runs.map((r) => r.heapMb))),
            mib(median(runs.map((r) => r.rssMb))),
            target,
        ];
    });
    const lines = [
        "",
        "Classroom: the program under Pulumi mocks (index.ts until every output resolves; each run a fresh node process)",
        table(["students", "resources", "evaluate (median)", "runs (s)", "heap added", "rss", "target"], mockRows),
        "",
    ];
    const live = phase.live;
    if ("error" in live) {
        lines.push(`Classroom: a class of ${LIVE_CLASS_SIZE} on the engine FAILED: ${live.error}`);
    } else {
        const how =
            live.via === "pulumi"
                ? "with the real Pulumi CLI (pulumi up / destroy in a copy of the project)"
                : `through the live harness (${live.reason})`;
        const per = live.memoryPerLabMb;
        lines.push(
            `Classroom: a class of ${live.students} students × ${live.replicas} replicas on the engine, ${how}`,
            table(
                ["step", "figure", "target"],
                [
                    ["until every replica is healthy", secs(live.healthyMs), ""],
                    [live.via === "pulumi" ? "pulumi up (checks included)" : "provision (harness)", secs(live.upMs), ""],
                    [
                        `verify (${live.checks} checks, ${live.failed} failed)`,
                        secs(live.verifyMs),
                        `<= ${seconds(CLASS_TARGETS.verify10Ms)} s ${verdict(live.verifyMs <= CLASS_TARGETS.verify10Ms && live.failed === 0)}`,
                    ],
                    [
                        `engine memory per student lab (${live.replicas} replicas), min / median / max`,
                        `${mib(Math.min(...per))} / ${mib(median(per))} / ${mib(Math.max(...per))}`,
                        "",
                    ],
                    ["engine memory of the shared registry", mib(live.registryMb), ""],
                    [live.via === "pulumi" ? "pulumi destroy" : "teardown (harness)", secs(live.downMs), ""],
                ],
            ),
        );
    }
    return { text: `${lines.join("\n")}\n`, results: { classroom: phase } };
}

/** Removes the bench class from the engine (leftovers of an interrupted run). */
export async function cleanupClassroom(): Promise<void> {
    await teardownLab(benchClassSpec(LIVE_CLASS_SIZE));
}
