import * as path from "node:path";
import { labScript } from "../pulumiCli";
import { finding } from "./findings";
import type { Fix } from "./stateFixes";
import type { DoctorFinding, DoctorProbes } from "./types";

// The lock files of the stack's updates in a file:// backend: whether the update that wrote each still runs, and
// the problem a lock left by an update that does not (or may not) is.

/** One lock file of a running (or killed) update: `{"pid":…,"username":…,"hostname":…,"timestamp":…}`. */
export interface Lock {
    file: string;
    pid?: number;
    hostname?: string;
    timestamp?: string;
}

export function readLocks(probes: DoctorProbes, dir: string): Lock[] {
    return probes
        .listDir(dir)
        .filter((entry) => entry.isFile && entry.name.endsWith(".json"))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((entry) => {
            const file = path.join(dir, entry.name);
            try {
                const content = JSON.parse(probes.readFile(file).toString("utf8"));
                return {
                    file,
                    pid: Number.isInteger(content.pid) ? content.pid : undefined,
                    hostname: typeof content.hostname === "string" && content.hostname ? content.hostname : undefined,
                    timestamp: typeof content.timestamp === "string" ? content.timestamp : undefined,
                };
            } catch {
                return { file }; // unreadable: its owner is unknown
            }
        });
}

/** A lock's time as 2026-11-28T10:57:49Z, or as written when it is not a time. */
function when(timestamp: string | undefined): string {
    const ms = timestamp ? Date.parse(timestamp) : Number.NaN;
    if (Number.isNaN(ms)) return timestamp ?? "an unknown time";
    return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

export type LockState = { kind: "running"; lock: Lock } | { kind: "gone"; lock: Lock; reusedSince?: Date } | { kind: "remote"; lock: Lock };

/**
 * Whether a lock's update still runs. Only a lock written on this host can be judged: its pid is gone,
 * or it now belongs to a process that started after the lock was written (pids are reused, e.g. after
 * a reboot), or the update still runs.
 */
export function judge(probes: DoctorProbes, lock: Lock, host: string): LockState {
    if (lock.pid === undefined || lock.hostname !== host) return { kind: "remote", lock };
    if (!probes.pidAlive(lock.pid)) return { kind: "gone", lock };
    const started = probes.pidStartedAt(lock.pid);
    const locked = lock.timestamp ? Date.parse(lock.timestamp) : Number.NaN;
    if (started && !Number.isNaN(locked) && started.getTime() > locked) return { kind: "gone", lock, reusedSince: started };
    return { kind: "running", lock };
}

function describeLock(state: LockState): string {
    const { lock } = state;
    if (lock.pid === undefined || !lock.hostname) return `lock file ${path.basename(lock.file)}, which names no process`;
    const base = `pid ${lock.pid} on ${lock.hostname}, since ${when(lock.timestamp)}`;
    if (state.kind !== "gone") return base;
    const reused = state.reusedSince
        ? `, and pid ${lock.pid} is now another program, started ${when(state.reusedSince.toISOString())}`
        : "";
    return `${base}${reused}`;
}

/** Updates of the stack that still run: wait, nothing to fix. */
export function busyFinding(stack: string, running: LockState[]): DoctorFinding {
    const pids = running.map((s) => s.lock.pid).join(", ");
    return {
        ...finding(
            "state",
            "state.busy",
            false,
            `another pulumi (pid${running.length === 1 ? "" : "s"} ${pids}) is updating stack ${stack} right now: wait for it to finish`,
        ),
        commands: [],
    };
}

/** The words before a state fix's commands: another host's update may still run, so cancelling is the user's call. */
export function leadOf(stack: string, remote: LockState[]): string {
    const hosts = [...new Set(remote.map((s) => s.lock.hostname).filter(Boolean))];
    if (remote.length === 0) return "fix";
    return hosts.length > 0
        ? `if no update runs on ${hosts.join(" or ")} any more, fix`
        : `if no update of stack ${stack} runs any more, fix`;
}

function cancelCommand(stack: string): string {
    return labScript(stack, "pulumi", "cancel --yes");
}

/** Locks of another host (or of an unknown owner), with those of this host whose update is gone. */
export function remoteLockFix(stack: string, remote: LockState[], gone: LockState[], lead: string): Fix {
    const here =
        gone.length > 0
            ? `, and by ${gone.length === 1 ? "one" : "some"} no longer running here (${gone.map(describeLock).join("; ")})`
            : "";
    return {
        id: "state.lock-remote",
        text: `stack ${stack} is locked by ${remote.length === 1 ? "an update" : "updates"} of ${remote.every((s) => s.lock.hostname && s.lock.pid !== undefined) ? "another host" : "another host or an unknown owner"} (${remote.map(describeLock).join("; ")})${here}`,
        lead,
        commands: [cancelCommand(stack)],
    };
}

/** Locks of this host whose update no longer runs. */
export function goneLockFix(stack: string, gone: LockState[], lead: string): Fix {
    return {
        id: "state.lock",
        text: `stack ${stack} is locked by ${gone.length === 1 ? "an update that is" : "updates that are"} no longer running (${gone.map(describeLock).join("; ")}; ${gone.length === 1 ? "it was" : "they were"} interrupted)`,
        lead,
        commands: [cancelCommand(stack)],
    };
}
