import * as fs from "node:fs";
import * as path from "node:path";
import { appContainers, type ClassSpec, seatClientDir } from "../lab";
import { leftovers } from "../rig";
import { forgetWorkspace } from "../tools/projectCopyEnv";
import type { PulumiToolchain } from "../tools/toolchain";
import { whenHealthy } from "./classroomLive";
import { log, secs } from "./common";
import { type PortalLoad, percentile, portalLoad } from "./portalLoad";
import { tail } from "./processes";
import { type LabCommandRun, PulumiBench } from "./pulumiPhase";
import { SEATS_COPY_PREFIX, SEATS_STACK, seatsConfig } from "./seatsConfig";
import { type SeatsWeighed, weighSeats } from "./seatsMeasure";

/**
 * A class of seats through the real `npm run up` / `verify` / `down` in a throw-away copy of the
 * project (PulumiBench), weighed between the verify and the down.
 */

/** Figures of a class of seats on the engine. */
export interface SeatsLive extends SeatsWeighed {
    students: number;
    /** App replicas in each seat. */
    replicas: number;
    /** From the start of `npm run up` until every seat's engine is healthy. */
    seatsHealthyMs: number;
    /** `npm run up`: it runs every lesson check of every seat and fails unless all pass. */
    up: LabCommandRun;
    /** The class's lesson checks (every seat's), which the up ran and passed. */
    checks: number;
    /** `npm run verify` of the class, process start to exit. */
    verifyMs: number;
    verified: { passed: number; failed: number };
    /** The class portal under every student at once (or why that could not run). */
    portal: PortalLoad | { error: string };
    /** `npm run down`. */
    down: LabCommandRun;
    /** What is left of the class after the down ("kind: name"): its labelled objects, image tags and seat client files. */
    leftAfterDown: string[];
}

/** The class's figures; or why it failed, and what it measured until then; or why it was not run. */
export type SeatsPhase = SeatsLive | { error: string; measured: Partial<SeatsLive> } | { skipped: string };

/** The summary line of `npm run verify` ("260 passed, 0 failed in …"); undefined when there is none. */
export function parseVerifySummary(output: string): { passed: number; failed: number } | undefined {
    const m = /^(\d+) passed, (\d+) failed\b/m.exec(output);
    return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
}

/** What the labelled look-up finds of the class after its down, and its seats' client files in the copy if they stayed. */
async function leftAfterDown(spec: ClassSpec, copy: string): Promise<string[]> {
    const left = Object.entries(await leftovers(spec)).flatMap(([kind, names]) => names.map((n) => `${kind}: ${n}`));
    const clients = path.dirname(seatClientDir(spec.instance, "any"));
    if (fs.existsSync(path.join(copy, clients))) left.push(`client files: ${clients}`);
    return left;
}

/** `npm run up` of the class, with the time until every seat's engine is healthy polled beside it. */
async function upUntilVerified(bench: PulumiBench<ClassSpec>, spec: ClassSpec): Promise<{ up: LabCommandRun; seatsHealthyMs: number }> {
    const started = Date.now();
    const stop = { done: false };
    const healthy = whenHealthy(spec, "seat", spec.students.length, started, stop, 1000);
    let up: LabCommandRun;
    try {
        up = await bench.up();
    } finally {
        stop.done = true; // the poller ends with the up, failed or not
    }
    return { up, seatsHealthyMs: await healthy };
}

/**
 * The class of `spec` (the bench's class of seats) through the real CLI; fills `got` as it goes, so a
 * failure keeps what was measured. Everything it made is gone after, failed or not.
 */
export async function seatsWithPulumi(toolchain: PulumiToolchain, spec: ClassSpec, got: Partial<SeatsLive> = {}): Promise<SeatsLive> {
    const bench = PulumiBench.open(toolchain, spec, {
        stack: SEATS_STACK,
        config: seatsConfig(spec.students.length),
        prefix: SEATS_COPY_PREFIX,
    });
    try {
        got.students = spec.students.length;
        got.replicas = appContainers(spec.students[0]).length;
        got.checks = spec.students.reduce((n, lab) => n + lab.checks.length, 0);
        await bench.initStack();
        log(`seats: npm run up of ${got.students} seats (${got.checks} lesson checks)`);
        Object.assign(got, await upUntilVerified(bench, spec));
        const up = got.up as LabCommandRun;
        log(
            `seats: npm run up ${secs(up.totalMs)} (pulumi up ${secs(up.mainMs)}, ${up.resources ?? "?"}); seats healthy after ${secs(got.seatsHealthyMs ?? Number.NaN)}`,
        );

        const verify = await bench.npmScript("verify", ["--no-report"]);
        const verified = parseVerifySummary(verify.output);
        if (!verified) throw new Error(`npm run verify printed no summary (exit ${verify.code ?? verify.signal}):\n${tail(verify.output)}`);
        got.verified = verified;
        got.verifyMs = verify.exitMs - verify.spawnMs;
        log(`seats: npm run verify ${secs(got.verifyMs)} (${verified.passed} passed, ${verified.failed} failed)`);

        Object.assign(got, await weighSeats(spec, bench.copy));
        log(`seats: weighed ${got.seats?.length ?? 0} seats (replicas in the seat's cgroup: ${got.replicasInSeatCgroup ?? "unknown"})`);

        got.portal = await portalLoad(bench, spec).catch((err: Error) => ({ error: err.message }));
        if ("error" in got.portal) log(`portal: the load FAILED: ${got.portal.error}`);
        else {
            const p = got.portal;
            log(
                `portal: ${p.checks.length} checks (p95 ${percentile(p.checks, 95)} ms), ${p.rosters.length} rosters (p95 ${percentile(p.rosters, 95)} ms), ${p.errors.length} errors; seats damaged: ${p.damaged.length}, replaced: ${p.replaced.length}`,
            );
        }

        got.down = await bench.down();
        got.leftAfterDown = await leftAfterDown(spec, bench.copy);
        log(`seats: npm run down ${secs(got.down.totalMs)}${got.leftAfterDown.length ? `; LEFT ${got.leftAfterDown.join(", ")}` : ""}`);
        await bench.removeStack();
        return got as SeatsLive;
    } finally {
        await bench.close();
        forgetWorkspace(bench.copy, toolchain.env);
    }
}
