import { execFile } from "node:child_process";
import * as path from "node:path";
import { docker, dockerOk, PROJECT_ROOT } from "../engine";
import { appContainers, type ClassSpec, LABEL, labsOf } from "../lab";
import { provisionLab, teardownLab, timed } from "../rig";
import { copyProject, removeProjectCopy } from "../tools/projectCopy";
import { copyEnv, copyPulumiEnv, forgetWorkspace } from "../tools/projectCopyEnv";
import type { PulumiToolchain } from "../tools/toolchain";
import { verifyLab } from "../tools/verify";
import { CLASS_STACK, classConfig, LIVE_CLASS_SIZE } from "./classroomConfig";
import { log, MIB, parseDockerSize, secs } from "./common";
import { configSetAllJson } from "./pulumiPhase";

/** A class on the engine: through the real Pulumi CLI when there is one, else through the live harness. */

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
    return parseDockerSize(text.split("/")[0]);
}

/** Memory of each container of an engine (`env`, run in `cwd`), by name, from one `docker stats --no-stream`. */
export async function memoryByName(env: Record<string, string>, cwd?: string): Promise<Map<string, number>> {
    const out = await dockerOk(["stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}"], "reading docker stats", env, cwd);
    return new Map(
        out
            .split("\n")
            .filter(Boolean)
            .map((line) => line.split("\t") as [string, string])
            .map(([name, usage]) => [name, parseMemUsage(usage)]),
    );
}

/** Memory of each student lab (the sum of its containers) and of the registry, from one `docker stats --no-stream`. */
async function memoryOf(spec: ClassSpec): Promise<{ perLab: number[]; registry: number }> {
    const used = await memoryByName(spec.commandEnv);
    const perLab = labsOf(spec).map((lab) => appContainers(lab).reduce((sum, r) => sum + (used.get(r.name) ?? Number.NaN), 0));
    return { perLab, registry: used.get(spec.registry.container.name) ?? Number.NaN };
}

/**
 * Polls the engine every `everyMs` until `want` containers of the class with role `role` are healthy;
 * resolves with the ms since `since` (NaN when `stop.done` came first).
 */
export function whenHealthy(
    spec: ClassSpec,
    role: string,
    want: number,
    since: number,
    stop: { done: boolean },
    everyMs = 250,
): Promise<number> {
    return new Promise((resolve) => {
        const poll = async () => {
            if (stop.done) return resolve(Number.NaN);
            const out = await docker(
                [
                    "ps",
                    "--filter",
                    `label=${LABEL.instance}=${spec.instance}`,
                    "--filter",
                    `label=${LABEL.role}=${role}`,
                    "--filter",
                    "health=healthy",
                    "--quiet",
                ],
                spec.commandEnv,
            );
            if (out.stdout.split("\n").filter(Boolean).length >= want) return resolve(Date.now() - since);
            setTimeout(poll, everyMs);
        };
        void poll();
    });
}

/** Polls the engine until every replica of the class is healthy; resolves with the ms since `since`. */
function whenAllHealthy(spec: ClassSpec, since: number, stop: { done: boolean }): Promise<number> {
    const want = labsOf(spec).reduce((n, lab) => n + appContainers(lab).length, 0);
    return whenHealthy(spec, "app", want, since, stop);
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

/** The figures after the up, the same either way: verify of every student, the engine memory, then `down`. */
async function verifyWeighAndDown(
    spec: ClassSpec,
    imageRef: string,
    cwd: string,
    down: () => Promise<unknown>,
): Promise<Omit<ClassLive, "via" | "reason" | "healthyMs" | "upMs">> {
    const [report, verifyMs] = await timed(() => verifyLab(spec, imageRef, { cwd, engine: "bench" }));
    const memory = await memoryOf(spec);
    const [, downMs] = await timed(down);
    return {
        students: LIVE_CLASS_SIZE,
        replicas: appContainers(spec.students[0]).length,
        verifyMs,
        checks: report.checks.length,
        failed: report.failed,
        memoryPerLabMb: memory.perLab,
        registryMb: memory.registry,
        downMs,
    };
}

/** The class of LIVE_CLASS_SIZE through the real Pulumi CLI, in a throw-away copy of the project. */
export async function classWithPulumi(toolchain: PulumiToolchain, spec: ClassSpec): Promise<ClassLive> {
    const copy = copyProject("docker-lab-bench-class-");
    const env = copyPulumiEnv(copyEnv(process.env), toolchain.env);
    const pulumi = (args: string[]) => run(toolchain.pulumi, args, copy, env);
    let deployed = false;
    try {
        await pulumi(["stack", "init", CLASS_STACK]);
        await pulumi(["config", "set-all", "--stack", CLASS_STACK, "--json", configSetAllJson(classConfig(LIVE_CLASS_SIZE))]);

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
        const rest = await verifyWeighAndDown(spec, imageRef, copy, () =>
            pulumi(["destroy", "--yes", "--skip-preview", "--stack", CLASS_STACK]),
        );
        deployed = false;
        await pulumi(["stack", "rm", "--yes", CLASS_STACK]);
        return { via: "pulumi", healthyMs, upMs, ...rest };
    } finally {
        if (deployed) await pulumi(["destroy", "--yes", "--skip-preview", "--stack", CLASS_STACK]).catch(() => undefined);
        await teardownLab(spec).catch(() => undefined);
        forgetWorkspace(copy, toolchain.env);
        removeProjectCopy(copy);
    }
}

/** The class of LIVE_CLASS_SIZE through the live harness (no Pulumi CLI). */
export async function classWithHarness(spec: ClassSpec, reason: string): Promise<ClassLive> {
    try {
        const started = Date.now();
        const lab = await provisionLab(spec);
        const upMs = Date.now() - started;
        const rest = await verifyWeighAndDown(spec, lab.imageRef, PROJECT_ROOT, () => teardownLab(spec));
        return { via: "harness", reason, healthyMs: upMs, upMs, ...rest };
    } finally {
        await teardownLab(spec).catch(() => undefined);
    }
}
