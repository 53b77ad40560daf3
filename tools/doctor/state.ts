import * as path from "node:path";
import { type LabConfig, PROJECT_NAME } from "../../lab";
import { PROJECT_ROOT, STATE_DIR } from "../pulumiCli";
import { finding } from "./findings";
import { type CheckpointFile, locateCheckpoint } from "./stateCheckpoint";
import { type Fix, stateFindings } from "./stateFixes";
import { busyFinding, goneLockFix, judge, leadOf, readLocks, remoteLockFix } from "./stateLocks";
import { checkPending } from "./statePending";
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

/**
 * The findings about the stack's state: whether an update holds its lock (still running, killed on
 * this host, or on another host), and what an interrupted update left (pending operations, and
 * containers or networks it created that the state does not track).
 */
export async function checkState(probes: DoctorProbes, stack: string, projectDir: string, config: LabConfig): Promise<DoctorFinding[]> {
    const backend = stateBackend(probes.env, projectDir, probes.homedir());
    if ("url" in backend) return [finding("state", "state.backend", true, `state: not checked (backend ${backend.url})`)];
    const bookkeeping = path.join(backend.dir, ".pulumi");
    const host = probes.hostname();
    const states = readLocks(probes, path.join(bookkeeping, "locks", "organization", PROJECT_NAME, stack)).map((lock) =>
        judge(probes, lock, host),
    );

    const running = states.filter((s) => s.kind === "running");
    // Its pending operations are the running update's own: nothing else to judge now.
    if (running.length > 0) return [busyFinding(stack, running)];

    const findings: DoctorFinding[] = [];
    const fixes: Fix[] = [];
    const remote = states.filter((s) => s.kind === "remote");
    const gone = states.filter((s) => s.kind === "gone");
    const lead = leadOf(stack, remote);

    let checkpoint: CheckpointFile | undefined;
    try {
        checkpoint = locateCheckpoint(probes, path.join(bookkeeping, "stacks", PROJECT_NAME), stack, projectDir);
    } catch (e) {
        findings.push(finding("state", "state.pending", true, `the checkpoint of stack ${stack} was not checked: ${(e as Error).message}`));
    }
    // Repaired first: until then pulumi cancel fails too.
    if (checkpoint?.repair) fixes.push({ id: "state.checkpoint", lead, ...checkpoint.repair });

    if (remote.length > 0) {
        fixes.push(remoteLockFix(stack, remote, gone, lead));
        // What an update that may still run left is judged once it is cancelled.
    } else {
        if (gone.length > 0) fixes.push(goneLockFix(stack, gone, lead));
        else findings.unshift(finding("state", "state.lock", true, `no update of stack ${stack} is running (no lock)`));
        if (checkpoint) fixes.push(...(await checkPending(probes, stack, checkpoint.source, config, findings)));
    }
    return stateFindings(stack, fixes, findings);
}
