import { LABEL, type LabConfig, LIMITS, labsOf, MODES, replicaPort, type Spec } from "../../lab";
import { type EngineTarget, isLocalEngine } from "./engine";
import { finding } from "./findings";
import type { DoctorFinding, DoctorProbes } from "./types";

/** Ports: every host port the lab publishes is free, or already held by this lab. */

/** Host ports of a `docker ps` Ports column, e.g. "127.0.0.1:8080->8080/tcp, :::8081-8082->8081-8082/tcp". */
export function publishedHostPorts(portsColumn: string): number[] {
    const ports: number[] = [];
    for (const m of portsColumn.matchAll(/:(\d+)(?:-(\d+))?->/g)) {
        const first = Number(m[1]);
        const last = m[2] ? Number(m[2]) : first;
        for (let p = first; p <= last; p++) ports.push(p);
    }
    return ports;
}

interface LabPort {
    port: number;
    /** Config key that sets it. */
    key: "appPort" | "registryPort";
    /** What uses it and which key sets it, e.g. "app replica 1, appPort + 1". */
    role: string;
}

function labPorts(spec: Spec): LabPort[] {
    const mode = MODES[spec.mode];
    return [
        { port: spec.registry.container.ports[0].external, key: "registryPort", role: "registry, registryPort" },
        ...labsOf(spec).flatMap((lab) => mode.appPorts(lab).map((p) => ({ ...p, key: "appPort" as const }))),
    ];
}

/** A value to set `key` to whose ports are all free, or undefined when none is found quickly. */
async function freeAlternative(
    probes: DoctorProbes,
    config: LabConfig,
    ip: string,
    ports: LabPort[],
    key: LabPort["key"],
): Promise<number | undefined> {
    const taken = new Set(ports.map((p) => p.port));
    const isFree = async (p: number) => p <= LIMITS.port.max && !taken.has(p) && (await probes.portHolder(ip, p)) === "free";
    // The ports a value of `key` publishes: the registry's one port, or the app's as its mode publishes them.
    const appPorts = MODES[config.mode].appPortCount(config);
    const portsOf = (value: number) =>
        key === "appPort" ? Array.from({ length: appPorts }, (_, i) => replicaPort({ appPort: value }, i)) : [value];
    let candidate = Math.max(...ports.filter((p) => p.key === key).map((p) => p.port)) + 1;
    for (let attempt = 0; attempt < 40 && candidate <= LIMITS.port.max; attempt++) {
        let blocked: number | undefined;
        for (const p of portsOf(candidate)) {
            if (!(await isFree(p))) {
                blocked = p;
                break;
            }
        }
        if (blocked === undefined) return candidate;
        candidate = blocked + 1;
    }
    return undefined;
}

/** The lab's own holders of host ports, by port: its containers, and its services where its mode publishes through them. */
async function portHoldersOfLab(probes: DoctorProbes, spec: Spec, engine: EngineTarget): Promise<Map<number, string>> {
    const holders = new Map<number, string>();
    for (const kind of MODES[spec.mode].portHolders) {
        // Ports published through a routing mesh belong to the service, not to a task container.
        const listed = await probes.docker(
            [
                ...(kind === "service" ? ["service", "ls"] : ["ps"]),
                "--filter",
                `label=${LABEL.instance}=${spec.instance}`,
                "--format",
                "{{.Names}} {{.Ports}}",
            ],
            engine.env,
        );
        for (const line of listed.stdout.split("\n").filter((l) => l.trim())) {
            const [name, ...rest] = line.trim().split(" ");
            for (const p of publishedHostPorts(rest.join(" "))) holders.set(p, `${kind} ${name}`);
        }
    }
    return holders;
}

/** The finding for a port another container or program holds, with what to stop or the key to set. */
async function takenPortFinding(
    probes: DoctorProbes,
    engine: EngineTarget,
    ip: string,
    p: LabPort,
    alternative: () => Promise<number | undefined>,
): Promise<DoctorFinding> {
    const other = await probes.docker(["ps", "--filter", `publish=${p.port}`, "--format", "{{.Names}}"], engine.env);
    const containers = other.stdout.split("\n").filter((l) => l.trim());
    const setKey = `npm run config -- set ${p.key} ${(await alternative()) ?? "<another port>"}`;
    const message =
        containers.length > 0
            ? `port ${p.port} on ${ip} (${p.role}) is in use by container ${containers.join(", ")}, not part of this lab: fix: docker stop ${containers[0]}, or ${setKey}`
            : `port ${p.port} on ${ip} (${p.role}) is in use by another program: fix: stop it (find it with lsof -i :${p.port} or ss -ltnp), or ${setKey}`;
    return finding("ports", `ports.${p.port}`, false, message);
}

/** The interface the lab's ports must be free on: the bind address, or every interface where the mode publishes there. */
export function portsInterface(config: LabConfig): string {
    return MODES[config.mode].portsOnEveryInterface ? "0.0.0.0" : config.bindAddress;
}

export async function checkPorts(probes: DoctorProbes, config: LabConfig, spec: Spec, engine: EngineTarget): Promise<DoctorFinding[]> {
    const ip = portsInterface(config);
    if (!isLocalEngine(engine.address)) {
        return [
            finding(
                "ports",
                "ports.remote",
                true,
                `ports not checked: the engine at ${engine.address} publishes them on its own host, not on this machine`,
            ),
        ];
    }
    const ports = labPorts(spec);
    const states = await Promise.all(ports.map((p) => probes.portHolder(ip, p.port)));
    if (states.includes("no-such-address")) {
        return [
            finding(
                "ports",
                "ports.address",
                false,
                `bindAddress ${ip} is not an address of this machine, so no port can be published on it: fix: npm run config -- set bindAddress 127.0.0.1 (or 0.0.0.0 for all interfaces)`,
            ),
        ];
    }
    let labHolders: Promise<Map<number, string>> | undefined;
    // One search per key, however many of its ports are taken.
    const alternatives = new Map<LabPort["key"], Promise<number | undefined>>();
    const alternativeFor = (key: LabPort["key"]) => {
        if (!alternatives.has(key)) alternatives.set(key, freeAlternative(probes, config, ip, ports, key));
        return alternatives.get(key)!;
    };
    const findings: DoctorFinding[] = [];
    const okParts: string[] = [];
    for (const [i, p] of ports.entries()) {
        if (states[i] === "free") {
            okParts.push(`${p.port} (${p.role}) free`);
            continue;
        }
        labHolders ??= portHoldersOfLab(probes, spec, engine);
        const ours = (await labHolders).get(p.port);
        if (ours) okParts.push(`${p.port} (${p.role}) held by this lab (${ours})`);
        else findings.push(await takenPortFinding(probes, engine, ip, p, () => alternativeFor(p.key)));
    }
    if (okParts.length > 0) findings.unshift(finding("ports", "ports.ok", true, `ports on ${ip}: ${okParts.join(", ")}`));
    return findings;
}
