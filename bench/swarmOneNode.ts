import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { docker, dockerOk } from "../engine";
import { type LabSpec, oneLab } from "../lab";
import { GWBRIDGE_NETWORK, initSwarm, leaveSwarm, removeSwarmLab, sleep, swarmLeftovers, swarmState } from "../rig";
import { forgetWorkspace } from "../tools/projectCopyEnv";
import { specFor } from "../tools/stack";
import { type PulumiToolchain, TOOLCHAIN_HINT } from "../tools/toolchain";
import { BASE_IMAGE, log, REGISTRY_IMAGE, secs } from "./common";
import { type LabCommandRun, PulumiBench } from "./pulumiPhase";

/**
 * The single-node swarm rows: the lab in swarm mode through the real `npm run up`/`down`, on the local
 * engine made a one-node swarm (and left again) only when it is in none, so a user's swarm is kept.
 */

export const SWARM_STACK = "bench-swarm";
export const SWARM_APP_PORT = 29500;
export const SWARM_REGISTRY_PORT = 29499;
/** How long the poller waits between two polls of the app, and how long one poll may take. */
export const POLL_MS = 200;
export const POLL_TIMEOUT_MS = 1000;
/** The app's version before and after the one-line change. */
export const VERSIONS = { before: "1.0.0", after: "1.0.1" } as const;

/** The single-node swarm lab's config, as `pulumi config` holds it. */
export const SWARM_CONFIG = {
    baseImage: BASE_IMAGE,
    registryImage: REGISTRY_IMAGE,
    appPort: SWARM_APP_PORT,
    registryPort: SWARM_REGISTRY_PORT,
    mode: "swarm",
    publishMode: "host",
    // One node, and host mode runs at most one task per node.
    replicas: 1,
} as const;

export function swarmBenchSpec(): LabSpec {
    return oneLab(specFor(SWARM_CONFIG, SWARM_STACK));
}

/** One poll of the app: when (ms since the epoch), and the version it answered or why it did not. */
export interface Poll {
    at: number;
    version?: string;
    error?: string;
}

/** What the polls of the app during one command saw. */
export interface PollSummary {
    polls: number;
    /** Polls with no answer from the app. */
    unanswered: number;
    /** Runs of unanswered polls. */
    gaps: number;
    /** The longest run: from its first unanswered poll to the next answer (to the last poll when none came). */
    longestGapMs: number;
    /** From `since` to the first answer of `version` (undefined: it never answered so). */
    firstAnswerMs?: number;
}

/** Sums up polls (in time order); `version` is the answer awaited, `since` when the command started. */
export function summarizePolls(polls: Poll[], since: number, version?: string): PollSummary {
    let gaps = 0;
    let longestGapMs = 0;
    let gapStart: number | undefined;
    for (const poll of polls) {
        if (poll.error !== undefined) {
            if (gapStart === undefined) {
                gapStart = poll.at;
                gaps++;
            }
        } else if (gapStart !== undefined) {
            longestGapMs = Math.max(longestGapMs, poll.at - gapStart);
            gapStart = undefined;
        }
    }
    if (gapStart !== undefined) longestGapMs = Math.max(longestGapMs, polls[polls.length - 1].at - gapStart);
    const first = polls.find((p) => p.error === undefined && (version === undefined || p.version === version));
    return {
        polls: polls.length,
        unanswered: polls.filter((p) => p.error !== undefined).length,
        gaps,
        longestGapMs,
        firstAnswerMs: first ? first.at - since : undefined,
    };
}

/** Why the phase cannot run on this engine and toolchain (undefined: it can). */
export function swarmOneNodeNa(
    toolchain: PulumiToolchain | { missing: string },
    swarm: { state: string; manager: boolean },
): string | undefined {
    if ("missing" in toolchain)
        return `no Pulumi CLI with the nodejs host and both plugins: ${toolchain.missing} (${TOOLCHAIN_HINT}); a swarm lab has no plain-CLI path (the live harness runs containers only)`;
    if (swarm.state === "inactive" || (swarm.state === "active" && swarm.manager)) return undefined;
    if (swarm.state === "active")
        return "the engine is a worker of a swarm, and a lab in swarm mode needs a manager (docker node promote, or docker swarm leave)";
    return `the engine's swarm state is ${swarm.state} (neither in a swarm nor a manager of one): docker swarm leave --force, or fix the swarm`;
}

/** One `npm run up|down` of the phase. */
export interface SwarmCommand {
    totalMs: number;
    /** Before the main pulumi call: npm, ts-node, `pulumi stack select` and, for up, the doctor's preflight and the lab guard. */
    beforeMs: number;
    /** `pulumi up` (which waits until the service has converged) or `pulumi destroy`. */
    mainMs: number;
    /** After it: for up, `pulumi stack export` and the report (only the checks the update did not run). */
    afterMs: number;
    /** The CLI's Resources: line, e.g. "20 created". */
    resources?: string;
}

/** Figures of the single-node swarm lab: each step's, up to the one that failed. */
export interface SwarmOneNode {
    /** How the one-node swarm came about: made here (and left at the end), or the engine's own. */
    swarm?: "made" | "existing";
    cold?: SwarmCommand & { polls: PollSummary };
    noop?: SwarmCommand;
    update?: SwarmCommand & { polls: PollSummary };
    down?: SwarmCommand;
    /** What down left of the lab (services, containers, networks, volumes, tags); empty when nothing. */
    leftAfterDown?: string[];
    /** Why the phase stopped, when a step failed (the steps after it are not reached). */
    error?: string;
}

export type SwarmOneNodePhase = SwarmOneNode | { skipped: string };

/** The line of a failure that says what went wrong: the last `error:` line (the CLI's, the doctor's), else the last line. */
export function failureLine(error: string): string {
    const lines = error
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    return [...lines].reverse().find((l) => /^error:/i.test(l)) ?? lines[lines.length - 1] ?? "";
}

/** A command's parts as the swarm rows show them: before + main + after = total. */
export const swarmCommandOf = (run: LabCommandRun): SwarmCommand => ({
    totalMs: run.totalMs,
    beforeMs: run.beforeMs + run.selectMs + run.betweenMs,
    mainMs: run.mainMs,
    afterMs: run.afterMs,
    resources: run.resources,
});

/** GET url: the app's version, or why there was none. */
export function pollApp(url: string, timeoutMs = POLL_TIMEOUT_MS): Promise<Poll> {
    const at = Date.now();
    return new Promise((resolve) => {
        const req = http.get(`${url}/`, { timeout: timeoutMs }, (res) => {
            let body = "";
            res.on("data", (d) => {
                body += d;
            });
            res.on("end", () => {
                try {
                    const json = JSON.parse(body) as { app?: string; version?: string };
                    if (res.statusCode === 200 && json.app === "hellodocker") resolve({ at, version: json.version });
                    else resolve({ at, error: `HTTP ${res.statusCode}` });
                } catch {
                    resolve({ at, error: `HTTP ${res.statusCode}, not the app's JSON` });
                }
            });
            res.on("error", (err) => resolve({ at, error: err.message }));
        });
        req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on("error", (err) => resolve({ at, error: err.message }));
    });
}

/** Runs `fn` while the app is polled every POLL_MS; returns its value and the polls. */
async function polled<T>(url: string, fn: () => Promise<T>): Promise<{ value: T; polls: Poll[]; started: number }> {
    const polls: Poll[] = [];
    let running = true;
    const poller = (async () => {
        while (running) {
            polls.push(await pollApp(url));
            await sleep(POLL_MS);
        }
    })();
    const started = Date.now();
    try {
        return { value: await fn(), polls, started };
    } finally {
        running = false;
        await poller;
    }
}

/** State of the phase for a clean-up on a signal: the swarm it made, if any. */
let made: { gwbridgeExisted: boolean } | undefined;

/** Leaves the swarm when the phase made it; removes docker_gwbridge unless it was there before. */
async function leaveIfMade(): Promise<void> {
    if (!made) return;
    const { gwbridgeExisted } = made;
    made = undefined;
    if (gwbridgeExisted) await dockerOk(["swarm", "leave", "--force"], "leaving the swarm the bench made");
    else await leaveSwarm();
    log(`swarm: left the one-node swarm the bench made${gwbridgeExisted ? ` (${GWBRIDGE_NETWORK} was there before: kept)` : ""}`);
}

/** Removes the phase's lab (services first) and leaves the swarm if the phase made it; never throws. */
export async function cleanupSwarmOneNode(): Promise<void> {
    try {
        await removeSwarmLab(swarmBenchSpec());
    } catch (err) {
        process.stderr.write(`bench: WARNING: clean-up of the ${SWARM_STACK} lab failed: ${(err as Error).message}\n`);
    }
    try {
        await leaveIfMade();
    } catch (err) {
        process.stderr.write(`bench: WARNING: leaving the swarm the bench made failed: ${(err as Error).message}\n`);
    }
}

/** Runs the single-node swarm phase once; never throws (n/a → skipped, a failure → error). Everything it made is gone after. */
export async function swarmOneNodeBench(toolchain: PulumiToolchain | { missing: string }): Promise<SwarmOneNodePhase> {
    const spec = swarmBenchSpec();
    const url = spec.appUrls[0];
    let bench: PulumiBench | undefined;
    const r: SwarmOneNode = {};
    try {
        const state = await swarmState();
        const na = swarmOneNodeNa(toolchain, state);
        if (na || "missing" in toolchain) return { skipped: na ?? "no toolchain" };
        if (state.state === "inactive") {
            const gw = await docker(["network", "ls", "--quiet", "--filter", `name=^${GWBRIDGE_NETWORK}$`]);
            await initSwarm("127.0.0.1");
            made = { gwbridgeExisted: gw.stdout.trim() !== "" };
            log("swarm: the engine is now a one-node swarm advertising 127.0.0.1 (left at the end)");
        } else log("swarm: the engine is a swarm manager already: the bench uses it and keeps it");
        r.swarm = made ? "made" : "existing";
        await removeSwarmLab(spec); // what an interrupted run left

        bench = PulumiBench.open(toolchain, spec, {
            stack: SWARM_STACK,
            config: SWARM_CONFIG,
            prefix: "docker-lab-bench-swarm-",
            cleanup: removeSwarmLab,
        });
        await bench.initStack();

        const cold = await polled(url, () => bench!.up());
        r.cold = { ...swarmCommandOf(cold.value), polls: summarizePolls(cold.polls, cold.started, VERSIONS.before) };
        log(`swarm: cold npm run up ${secs(cold.value.totalMs)} (pulumi up ${secs(cold.value.mainMs)}, ${cold.value.resources ?? "?"})`);

        const noop = await bench.up();
        r.noop = swarmCommandOf(noop);
        log(`swarm: no-op npm run up ${secs(noop.totalMs)} (${noop.resources ?? "?"})`);

        const pkg = path.join(bench.copy, "app", "package.json");
        const original = fs.readFileSync(pkg, "utf8");
        const changed = original.replace(`"version": "${VERSIONS.before}"`, `"version": "${VERSIONS.after}"`);
        if (changed === original) throw new Error(`app/package.json has no "version": "${VERSIONS.before}" line to change`);
        fs.writeFileSync(pkg, changed);
        const update = await polled(url, () => bench!.up());
        const updatePolls = summarizePolls(update.polls, update.started, VERSIONS.after);
        r.update = { ...swarmCommandOf(update.value), polls: updatePolls };
        log(
            `swarm: rolling update ${secs(update.value.totalMs)}; ${updatePolls.unanswered}/${updatePolls.polls} polls unanswered, longest gap ${secs(updatePolls.longestGapMs)}`,
        );

        const down = await bench.down();
        r.down = swarmCommandOf(down);
        const left = Object.entries(await swarmLeftovers(spec)).flatMap(([kind, names]) => names.map((n) => `${kind}: ${n}`));
        r.leftAfterDown = left;
        log(`swarm: npm run down ${secs(down.totalMs)}${left.length ? `; LEFT ${left.join(", ")}` : ""}`);
        await bench.removeStack();
        return r;
    } catch (err) {
        r.error = (err as Error).message;
        log(`swarm: the single-node swarm phase FAILED: ${r.error}`);
        return r;
    } finally {
        if (bench) {
            await bench.close();
            if (!("missing" in toolchain)) forgetWorkspace(bench.copy, toolchain.env);
        }
        await cleanupSwarmOneNode();
    }
}
