import * as path from "node:path";
import type { LabConfig } from "../../lab";
import { type EngineTarget, isLocalEngine, type ModeEngineChecks } from "./engine";
import { finding } from "./findings";
import { oneLine } from "./format";
import type { DoctorFinding, DoctorProbes } from "./types";

/**
 * Swarm mode (findings of class "engine"): the engine is a manager of a swarm (services are created
 * through managers only); in host publish mode there are enough nodes for one app task each; with the
 * ingress routing mesh, the kernel has IPVS, without which a port published through the mesh never
 * answers (dockerd then logs "Could not get ipvs family information from the kernel").
 */

/** What `docker swarm init` makes of a lone engine, and how to join one as a manager instead. */
const SWARM_FIXES =
    "docker swarm init (this engine becomes a one-node swarm and its manager; add --advertise-addr ADDRESS when it has several addresses), " +
    "or join a swarm as a manager (on one of its managers, docker swarm join-token manager prints the command), or npm run config -- set mode containers";

const MESH_FIX = "npm run config -- set publishMode host, or load the ip_vs kernel module (sudo modprobe ip_vs)";

/** The engine's place in a swarm, from `docker info`. */
interface SwarmState {
    /** inactive, pending, active, error or locked. */
    state: string;
    /** Whether this engine is a manager. */
    manager: boolean;
}

async function swarmState(probes: DoctorProbes, engine: EngineTarget): Promise<SwarmState | DoctorFinding> {
    const info = await probes.docker(["info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}"], engine.env);
    const [state, control] = info.stdout.trim().split(/\s+/);
    if (info.status !== 0 || !state) {
        const said = oneLine(info.stderr, 140);
        return finding(
            "engine",
            "engine.swarm",
            false,
            `could not ask the engine whether it is in a swarm (docker info${said ? `: ${said}` : ""})`,
        );
    }
    return { state, manager: control === "true" };
}

/** Ready and active nodes: the ones that can run a task. */
async function schedulableNodes(probes: DoctorProbes, engine: EngineTarget): Promise<{ ready: number; total: number } | undefined> {
    const nodes = await probes.docker(["node", "ls", "--format", "{{.Status}} {{.Availability}}"], engine.env);
    if (nodes.status !== 0) return undefined;
    const lines = nodes.stdout.split("\n").filter((l) => l.trim());
    return { ready: lines.filter((l) => /^Ready Active$/i.test(l.trim())).length, total: lines.length };
}

/**
 * Whether the engine's kernel has IPVS, when the engine runs on this machine's kernel (its kernel
 * release is this machine's): /proc/net/ip_vs exists once the module is loaded; else the module
 * must be there to load (/lib/modules/<release>, built in or as a file). Undefined: not this kernel.
 */
function localIpvs(probes: DoctorProbes, engineKernel: string): "loaded" | "loadable" | "missing" | undefined {
    let release: string;
    try {
        release = probes.readFile("/proc/sys/kernel/osrelease").toString("utf8").trim();
    } catch {
        return undefined; // not Linux: the engine runs in a VM (Docker Desktop, Colima)
    }
    if (release !== engineKernel) return undefined;
    try {
        probes.readFile("/proc/net/ip_vs");
        return "loaded";
    } catch {
        // not loaded (yet)
    }
    const modules = `/lib/modules/${release}`;
    try {
        if (/(^|\/)ip_vs\.ko/m.test(probes.readFile(path.posix.join(modules, "modules.builtin")).toString("utf8"))) return "loadable";
    } catch {
        // no list of built-in modules
    }
    const ipvsDir = path.posix.join(modules, "kernel/net/netfilter/ipvs");
    return probes.listDir(ipvsDir).some((e) => /^ip_vs\.ko(\.\w+)?$/.test(e.name)) ? "loadable" : "missing";
}

async function checkMesh(probes: DoctorProbes, engine: EngineTarget): Promise<DoctorFinding> {
    const kernel = (await probes.docker(["info", "--format", "{{.KernelVersion}}"], engine.env)).stdout.trim();
    const ipvs = isLocalEngine(engine.address) && kernel ? localIpvs(probes, kernel) : undefined;
    switch (ipvs) {
        case "loaded":
            return finding(
                "engine",
                "engine.mesh",
                true,
                "the kernel has IPVS (/proc/net/ip_vs): ports published through the ingress routing mesh can answer",
            );
        case "loadable":
            return finding(
                "engine",
                "engine.mesh",
                true,
                `IPVS is not loaded yet, but kernel ${kernel} has the ip_vs module: the engine loads it for the ingress routing mesh (or: sudo modprobe ip_vs)`,
            );
        case "missing":
            return finding(
                "engine",
                "engine.mesh",
                false,
                `publishMode is ingress, but kernel ${kernel} has no IPVS (no /proc/net/ip_vs, no ip_vs module under /lib/modules/${kernel}), so a port published through swarm's routing mesh never answers (dockerd logs "Could not get ipvs family information from the kernel"): fix: ${MESH_FIX}`,
            );
        default:
            return finding(
                "engine",
                "engine.mesh",
                true,
                `note: the ingress routing mesh needs the ip_vs kernel module on every node, which the doctor cannot see on the engine at ${engine.address}; if the app's port never answers, ${MESH_FIX}`,
            );
    }
}

/** The swarm findings of a lab in swarm mode; nothing in containers mode. */
export async function checkSwarm(probes: DoctorProbes, config: LabConfig, engine: EngineTarget): Promise<DoctorFinding[]> {
    if (config.mode !== "swarm") return [];
    const state = await swarmState(probes, engine);
    if (!("state" in state)) return [state];

    const findings: DoctorFinding[] = [];
    if (state.state === "inactive") {
        findings.push(
            finding(
                "engine",
                "engine.swarm",
                false,
                `mode is swarm, but the engine at ${engine.address} is not in a swarm: fix: ${SWARM_FIXES}`,
            ),
        );
    } else if (state.state === "locked") {
        findings.push(
            finding(
                "engine",
                "engine.swarm",
                false,
                "the engine's swarm is locked (autolock after a restart): fix: docker swarm unlock, with the key docker swarm unlock-key printed",
            ),
        );
    } else if (state.state !== "active") {
        findings.push(
            finding(
                "engine",
                "engine.swarm",
                false,
                `the engine's swarm state is ${state.state}, not active: fix: wait until it has joined, or docker swarm leave --force and then ${SWARM_FIXES}`,
            ),
        );
    } else if (!state.manager) {
        findings.push(
            finding(
                "engine",
                "engine.swarm",
                false,
                "the engine is a swarm worker, and services are created only through a manager: fix: point the lab at a manager (npm run config -- set dockerHost ssh://user@manager), or promote this node on a manager (docker node promote NODE)",
            ),
        );
    } else {
        const nodes = await schedulableNodes(probes, engine);
        const size = nodes ? ` of ${nodes.total} node${nodes.total === 1 ? "" : "s"} (${nodes.ready} ready and active)` : "";
        findings.push(finding("engine", "engine.swarm", true, `the engine is a manager of a swarm${size}`));
        // Host mode: each node publishes the app port for one task, so the tasks need a node each.
        if (config.publishMode === "host" && nodes && config.replicas > nodes.ready) {
            findings.push(
                finding(
                    "engine",
                    "engine.swarm-nodes",
                    false,
                    `replicas = ${config.replicas}, but publishMode host runs at most one app task per node and only ${nodes.ready} node${nodes.ready === 1 ? " is" : "s are"} ready and active, so the service would never converge: fix: npm run config -- set replicas ${Math.max(1, nodes.ready)}, or add nodes (docker swarm join), or npm run config -- set publishMode ingress`,
                ),
            );
        }
    }
    if (config.publishMode === "ingress") findings.push(await checkMesh(probes, engine));
    return findings;
}

/** The doctor's swarm-mode checks of the engine. */
export const swarmEngineChecks: ModeEngineChecks = { progress: "checking the swarm…", check: checkSwarm };
