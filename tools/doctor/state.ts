import * as path from "node:path";
import * as zlib from "node:zlib";
import { type LabConfig, PROJECT_NAME, shellQuote } from "../../lab";
import { DEFAULT_STACK, PROJECT_ROOT, STATE_DIR } from "../pulumiCli";
import { engineEnv } from "./engine";
import { finding } from "./findings";
import { shortReason } from "./format";
import type { DoctorFinding, DoctorProbes } from "./types";

/**
 * State: the stack's state in the project's local Pulumi backend (the "diy" file:// backend). An update
 * killed mid-way (SIGKILL, a laptop that died) leaves its lock file behind, and every later update then
 * fails with "the stack is currently locked"; it also leaves pending operations, which the next update
 * redoes, except a container create that reached the engine: that container exists, untracked, and its
 * name blocks the next create (a network likewise stays behind). Killed while saving the checkpoint, it
 * leaves one no pulumi command can load. Reads files only; docker is asked only whether such a container
 * or network exists. Every problem carries `commands`, the exact shell commands that fix it, to run in
 * order from the project root; `npm run up` ends the last one only.
 */

/** Pulumi's type tokens of the resources whose interrupted create can leave an untracked object on the engine. */
const CONTAINER_TYPE = "docker:index/container:Container";
const NETWORK_TYPE = "docker:index/network:Network";

/** The state folder of the lab's default backend, relative to the project root (.pulumi-state). */
const DEFAULT_STATE_DIR = path.relative(PROJECT_ROOT, STATE_DIR);

/** Where the stacks' state lives: a folder (a file:// backend), or another backend (Pulumi Cloud, a bucket). */
export type StateBackend = { dir: string } | { url: string };

/**
 * The backend of the lab's commands and of plain `pulumi` in the project root: PULUMI_BACKEND_URL when
 * set (a relative file:// path resolved against the project), else the project's .pulumi-state.
 */
export function stateBackend(env: Record<string, string | undefined>, projectDir: string, homedir: string): StateBackend {
    const url = env.PULUMI_BACKEND_URL;
    if (!url) return { dir: path.join(projectDir, DEFAULT_STATE_DIR) };
    if (!url.startsWith("file://")) return { url: url.replace(/\/\/[^/@]*@/, "//****@") };
    let dir = url.slice("file://".length).replace(/\?.*$/, "");
    if (dir === "~" || dir.startsWith("~/")) dir = path.join(homedir, dir.slice(1));
    return { dir: path.resolve(projectDir, dir) };
}

/** One lock file of a running (or killed) update: `{"pid":…,"username":…,"hostname":…,"timestamp":…}`. */
interface Lock {
    file: string;
    pid?: number;
    hostname?: string;
    timestamp?: string;
}

function readLocks(probes: DoctorProbes, dir: string): Lock[] {
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

type LockState = { kind: "running"; lock: Lock } | { kind: "gone"; lock: Lock; reusedSince?: Date } | { kind: "remote"; lock: Lock };

/**
 * Whether a lock's update still runs. Only a lock written on this host can be judged: its pid is gone,
 * or it now belongs to a process that started after the lock was written (pids are reused, e.g. after
 * a reboot), or the update still runs.
 */
function judge(probes: DoctorProbes, lock: Lock, host: string): LockState {
    if (lock.pid === undefined || lock.hostname !== host) return { kind: "remote", lock };
    if (!probes.pidAlive(lock.pid)) return { kind: "gone", lock };
    const started = probes.pidStartedAt(lock.pid);
    const locked = lock.timestamp ? Date.parse(lock.timestamp) : Number.NaN;
    if (started && !Number.isNaN(locked) && started.getTime() > locked) return { kind: "gone", lock, reusedSince: started };
    return { kind: "running", lock };
}

function describe(state: LockState): string {
    const { lock } = state;
    if (lock.pid === undefined || !lock.hostname) return `lock file ${path.basename(lock.file)}, which names no process`;
    const base = `pid ${lock.pid} on ${lock.hostname}, since ${when(lock.timestamp)}`;
    if (state.kind !== "gone") return base;
    const reused = state.reusedSince
        ? `, and pid ${lock.pid} is now another program, started ${when(state.reusedSince.toISOString())}`
        : "";
    return `${base}${reused}`;
}

/** A problem before its message is written: `npm run up` goes on the last one only. */
interface Fix {
    id: string;
    /** What is wrong, without the fix. */
    text: string;
    /** Words before the commands, e.g. "fix" or "if no update runs on laptop2 any more, fix". */
    lead: string;
    commands: string[];
}

/** A stack checkpoint's pending operation: the step an interrupted update had started. */
interface PendingOperation {
    type: string;
    resource: { urn?: string; type?: string; id?: string; inputs?: Record<string, unknown> };
}

interface Checkpoint {
    pending: PendingOperation[];
    /** Ids (container ids, network ids …) of every resource the state tracks. */
    tracked: Set<string>;
}

/** The bytes of a checkpoint file, uncompressed by its name (x.json, x.json.gz, x.json.zst, or a temp file x.json.gz.<id>.tmp). */
function uncompressed(probes: DoctorProbes, file: string): Buffer {
    const bytes = probes.readFile(file);
    const name = path.basename(file).replace(/\.[^.]+\.tmp$/, "");
    if (name.endsWith(".gz")) return zlib.gunzipSync(bytes);
    if (name.endsWith(".zst")) {
        const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
        if (!zstd) throw new Error(`${file} is zstd-compressed, which this Node.js cannot read`);
        return zstd(bytes);
    }
    return bytes;
}

/** The checkpoint Pulumi will read, and the repair when a killed save left it unreadable. */
interface CheckpointFile {
    /** The file holding the stack's state once repaired: the checkpoint, or the new one a killed save left as a temp file. */
    source: string;
    repair?: { text: string; commands: string[] };
}

/**
 * The stack's checkpoint (`.json`, `.json.gz` or `.json.zst`: the newest, as Pulumi picks), undefined when
 * the stack has none. A save writes the new checkpoint whole to `<file>.<id>.tmp`, then truncates and
 * rewrites `<file>.attrs`, then renames the temp file into place (gocloud's fileblob): killed in between,
 * it leaves an empty `.attrs`, and every pulumi command, `pulumi cancel` too, fails with
 * "failed to load checkpoint: EOF". Without `.attrs` Pulumi reads the file as it is.
 */
function locateCheckpoint(probes: DoctorProbes, stacksDir: string, stack: string, projectDir: string): CheckpointFile | undefined {
    const entries = probes.listDir(stacksDir).filter((entry) => entry.isFile);
    const names = [".json", ".json.gz", ".json.zst"].map((ext) => `${stack}${ext}`);
    const candidates = entries.filter((entry) => names.includes(entry.name));
    if (candidates.length === 0) return undefined;
    const newest = candidates.reduce((a, b) => (b.mtimeMs >= a.mtimeMs ? b : a));
    const file = path.join(stacksDir, newest.name);
    const attrs = `${file}.attrs`;
    let attrsText: string;
    try {
        attrsText = probes.readFile(attrs).toString("utf8");
    } catch {
        return { source: file }; // no attributes: fine
    }
    try {
        JSON.parse(attrsText);
        return { source: file };
    } catch {
        // a save was killed half-way
    }
    const isWhole = (tmp: string) => {
        try {
            return JSON.parse(uncompressed(probes, tmp).toString("utf8"))?.checkpoint !== undefined;
        } catch {
            return false;
        }
    };
    const saved = entries
        .filter((entry) => entry.name.startsWith(`${newest.name}.`) && entry.name.endsWith(".tmp"))
        .sort((a, b) => b.mtimeMs - a.mtimeMs)
        .map((entry) => path.join(stacksDir, entry.name))
        .find(isWhole);
    const shown = (p: string) => {
        const relative = path.relative(projectDir, p);
        return shellQuote(relative.startsWith("..") || path.isAbsolute(relative) ? p : relative);
    };
    const broken = `the last save of stack ${stack}'s checkpoint was killed half-way: ${shown(attrs)} is ${attrsText.trim() === "" ? "empty" : "not valid JSON"}, so every pulumi command (pulumi cancel too) fails with "failed to load checkpoint: EOF"`;
    if (!saved) {
        return {
            source: file,
            repair: { text: `${broken}; ${newest.name} holds the last whole checkpoint`, commands: [`rm ${shown(attrs)}`] },
        };
    }
    return {
        source: saved,
        repair: {
            text: `${broken}; the new checkpoint was saved whole as ${path.basename(saved)}`,
            commands: [`rm ${shown(attrs)}`, `mv ${shown(saved)} ${shown(file)}`],
        },
    };
}

/** The pending operations (each once) and the tracked ids of a checkpoint file. */
function readCheckpoint(probes: DoctorProbes, file: string): Checkpoint {
    const latest = JSON.parse(uncompressed(probes, file).toString("utf8"))?.checkpoint?.latest ?? {};
    const all: PendingOperation[] = Array.isArray(latest.pending_operations)
        ? latest.pending_operations.filter((op: PendingOperation) => op && typeof op.type === "string" && op.resource)
        : [];
    // The same step can be listed twice.
    const pending = [...new Map(all.map((op) => [`${op.type} ${op.resource.urn ?? JSON.stringify(op.resource)}`, op])).values()];
    const resources: { id?: unknown }[] = Array.isArray(latest.resources) ? latest.resources : [];
    const tracked = new Set(resources.map((r) => r?.id).filter((id): id is string => typeof id === "string" && id !== ""));
    return { pending, tracked };
}

/** The resource's name: the last part of its URN (urn:pulumi:stack::project::type::name). */
function resourceName(op: PendingOperation): string {
    return op.resource.urn?.split("::").at(-1) || op.resource.type || "a resource";
}

/** What docker says of a name an interrupted create used: the untracked objects holding it, or why it could not tell. */
type Presence = { untracked: string[] } | { unknown: string };

async function untrackedOnEngine(
    probes: DoctorProbes,
    env: Record<string, string | undefined>,
    kind: "container" | "network",
    name: string,
    tracked: Set<string>,
): Promise<Presence> {
    const result =
        kind === "container"
            ? await probes.docker(["container", "inspect", "--format", "{{.Id}}", name], env)
            : await probes.docker(["network", "ls", "--no-trunc", "--filter", `name=${name}`, "--format", "{{.ID}} {{.Name}}"], env);
    if (result.status === 0) {
        const ids =
            kind === "container"
                ? [result.stdout.trim()]
                : result.stdout
                      .split("\n")
                      .map((line) => line.trim().split(/\s+/))
                      .filter(([id, n]) => id && n === name)
                      .map(([id]) => id);
        return { untracked: ids.filter((id) => id && !tracked.has(id)) };
    }
    if (kind === "container" && /no such (container|object)/i.test(result.stderr)) return { untracked: [] };
    if (result.status === 127) return { unknown: "no docker CLI" };
    return { unknown: shortReason(result.stderr) || `docker exited with ${result.status}` };
}

/**
 * The findings about the stack's state: whether an update holds its lock (still running, killed on
 * this host, or on another host), and what an interrupted update left (pending operations, and
 * containers or networks it created that the state does not track).
 */
export async function checkState(probes: DoctorProbes, stack: string, projectDir: string, config: LabConfig): Promise<DoctorFinding[]> {
    const backend = stateBackend(probes.env, projectDir, probes.homedir());
    if ("url" in backend) return [finding("state", "state.backend", true, `state: not checked (backend ${backend.url})`)];
    const bookkeeping = path.join(backend.dir, ".pulumi");
    const cancel = `pulumi cancel --yes --stack ${shellQuote(stack)}`;
    const host = probes.hostname();
    const states = readLocks(probes, path.join(bookkeeping, "locks", "organization", PROJECT_NAME, stack)).map((lock) =>
        judge(probes, lock, host),
    );

    const running = states.filter((s) => s.kind === "running");
    if (running.length > 0) {
        // Its pending operations are the running update's own: nothing else to judge now.
        const pids = running.map((s) => s.lock.pid).join(", ");
        return [
            {
                ...finding(
                    "state",
                    "state.busy",
                    false,
                    `another pulumi (pid${running.length === 1 ? "" : "s"} ${pids}) is updating stack ${stack} right now: wait for it to finish`,
                ),
                commands: [],
            },
        ];
    }

    const findings: DoctorFinding[] = [];
    const fixes: Fix[] = [];
    const remote = states.filter((s) => s.kind === "remote");
    const gone = states.filter((s) => s.kind === "gone");
    const hosts = [...new Set(remote.map((s) => s.lock.hostname).filter(Boolean))];
    // Another host's update may still run: cancelling is the user's call.
    const lead =
        remote.length === 0
            ? "fix"
            : hosts.length > 0
              ? `if no update runs on ${hosts.join(" or ")} any more, fix`
              : `if no update of stack ${stack} runs any more, fix`;

    let checkpoint: CheckpointFile | undefined;
    try {
        checkpoint = locateCheckpoint(probes, path.join(bookkeeping, "stacks", PROJECT_NAME), stack, projectDir);
    } catch (e) {
        findings.push(finding("state", "state.pending", true, `the checkpoint of stack ${stack} was not checked: ${(e as Error).message}`));
    }
    // Repaired first: until then pulumi cancel fails too.
    if (checkpoint?.repair) fixes.push({ id: "state.checkpoint", lead, ...checkpoint.repair });

    if (remote.length > 0) {
        const here =
            gone.length > 0
                ? `, and by ${gone.length === 1 ? "one" : "some"} no longer running here (${gone.map(describe).join("; ")})`
                : "";
        fixes.push({
            id: "state.lock-remote",
            text: `stack ${stack} is locked by ${remote.length === 1 ? "an update" : "updates"} of ${remote.every((s) => s.lock.hostname && s.lock.pid !== undefined) ? "another host" : "another host or an unknown owner"} (${remote.map(describe).join("; ")})${here}`,
            lead,
            commands: [cancel],
        });
        // What an update that may still run left is judged once it is cancelled.
    } else {
        if (gone.length > 0) {
            fixes.push({
                id: "state.lock",
                text: `stack ${stack} is locked by ${gone.length === 1 ? "an update that is" : "updates that are"} no longer running (${gone.map(describe).join("; ")}; ${gone.length === 1 ? "it was" : "they were"} interrupted)`,
                lead,
                commands: [cancel],
            });
        } else {
            findings.unshift(finding("state", "state.lock", true, `no update of stack ${stack} is running (no lock)`));
        }
        if (checkpoint) fixes.push(...(await checkPending(probes, stack, checkpoint.source, config, findings)));
    }

    const last = fixes.at(-1);
    // `npm run up` works on LAB_STACK, else the default stack: name any other stack in the command itself.
    if (last) last.commands.push(stack === DEFAULT_STACK ? "npm run up" : `LAB_STACK=${shellQuote(stack)} npm run up`);
    const problems = fixes.map((fix) => ({
        ...finding("state", fix.id, false, `${fix.text}: ${fix.lead}: ${fix.commands.join(", then ")}`),
        commands: fix.commands,
    }));
    // The checkpoint and the lock first, then the notes, then what the interrupted update left on the engine.
    const first = (f: DoctorFinding) => f.id === "state.checkpoint" || f.id.startsWith("state.lock");
    return [...problems.filter(first), ...findings, ...problems.filter((f) => !first(f))];
}

/** Pending operations: notes for those `up` redoes, a fix for objects an interrupted create left on the engine. Pushes notes to `notes`. */
async function checkPending(probes: DoctorProbes, stack: string, file: string, config: LabConfig, notes: DoctorFinding[]): Promise<Fix[]> {
    let checkpoint: Checkpoint;
    try {
        checkpoint = readCheckpoint(probes, file);
    } catch (e) {
        notes.push(
            finding("state", "state.pending", true, `interrupted operations of stack ${stack} not checked: ${(e as Error).message}`),
        );
        return [];
    }
    if (checkpoint.pending.length === 0) return [];

    const env = engineEnv(probes, config);
    const docker = config.dockerHost ? `docker -H ${shellQuote(config.dockerHost)}` : "docker";
    const redone: string[] = [];
    const unchecked: string[] = [];
    const containers: string[] = [];
    const networks: { name: string; ids: string[] }[] = [];
    for (const op of checkpoint.pending) {
        const name = op.resource.inputs?.name;
        const kind = op.resource.type === CONTAINER_TYPE ? "container" : op.resource.type === NETWORK_TYPE ? "network" : undefined;
        if (op.type === "creating" && kind && typeof name === "string" && name) {
            const presence = await untrackedOnEngine(probes, env, kind, name, checkpoint.tracked);
            if ("unknown" in presence) {
                unchecked.push(`whether ${kind} ${name} exists was not checked (${presence.unknown})`);
            } else if (presence.untracked.length > 0) {
                if (kind === "container") containers.push(name);
                else networks.push({ name, ids: presence.untracked });
                continue;
            }
        }
        redone.push(`${op.type} ${resourceName(op)}`);
    }

    if (redone.length > 0) {
        const n = redone.length;
        const caveat = unchecked.length > 0 ? `; ${unchecked.join("; ")}: if it does, remove it first` : "";
        notes.push(
            finding(
                "state",
                "state.pending",
                true,
                `${n} interrupted operation${n === 1 ? "" : "s"} (${redone.join(", ")}); npm run up redoes ${n === 1 ? "it" : "them"}${caveat}`,
            ),
        );
    }
    if (containers.length === 0 && networks.length === 0) return [];
    const objects = [
        ...containers.map((name) => `container ${name}`),
        ...networks.map(({ name, ids }) => `network ${name}${ids.length > 1 ? ` (${ids.length} of them)` : ""}`),
    ];
    const commands = [
        ...(containers.length > 0 ? [`${docker} rm -f ${containers.map(shellQuote).join(" ")}`] : []),
        ...(networks.length > 0 ? [`${docker} network rm ${networks.flatMap((n) => n.ids).join(" ")}`] : []),
    ];
    const one = objects.length === 1;
    return [
        {
            id: "state.orphan",
            text: `${objects.join(" and ")} ${one ? "was" : "were"} created by an interrupted update but Pulumi's state does not track ${one ? "it" : "them"}`,
            lead: "fix",
            commands,
        },
    ];
}
