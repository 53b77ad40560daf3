import { type LabConfig, shellQuote } from "../../lab";
import { engineEnv } from "./engine";
import { finding } from "./findings";
import { shortReason } from "./format";
import { type Checkpoint, type PendingOperation, readCheckpoint } from "./stateCheckpoint";
import type { Fix } from "./stateFixes";
import type { DoctorFinding, DoctorProbes } from "./types";

// The pending operations of an interrupted update: those `npm run up` redoes, and the containers and networks
// it created that the state does not track.

/** Pulumi's type tokens of the resources whose interrupted create can leave an untracked object on the engine. */
const CONTAINER_TYPE = "docker:index/container:Container";
const NETWORK_TYPE = "docker:index/network:Network";

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

/** Pending operations: notes for those `up` redoes, a fix for objects an interrupted create left on the engine. Pushes notes to `notes`. */
export async function checkPending(
    probes: DoctorProbes,
    stack: string,
    file: string,
    config: LabConfig,
    notes: DoctorFinding[],
): Promise<Fix[]> {
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
