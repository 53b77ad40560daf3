import { LABEL, type LabConfig, type LabSpec, LIMITS, labsOf, replicaPort } from "../../lab";
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

function labPorts(spec: LabSpec): LabPort[] {
    return [
        { port: spec.registry.container.ports[0].external, key: "registryPort", role: "registry, registryPort" },
        ...spec.replicas.map((r, i) => ({
            port: r.ports[0].external,
            key: "appPort" as const,
            role: i === 0 ? "app replica 0, appPort" : `app replica ${i}, appPort + ${i}`,
        })),
        // Swarm mode: one port per app service (per student in a class).
        ...labsOf(spec).flatMap((lab) =>
            lab.swarm?.app
                ? [
                      {
                          port: lab.swarm.app.task.ports[0].external,
                          key: "appPort" as const,
                          role: lab.student ? `app service of ${lab.student.name}` : "app service, appPort",
                      },
                  ]
                : [],
        ),
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
    // The ports a value of `key` publishes: the registry's one port, or one per replica (swarm mode: the app service's one).
    const appPorts = config.mode === "swarm" ? 1 : config.replicas;
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

export async function checkPorts(probes: DoctorProbes, config: LabConfig, spec: LabSpec, engine: EngineTarget): Promise<DoctorFinding[]> {
    // A swarm service publishes its ports on every interface: they must be free on all of them.
    const ip = config.mode === "swarm" ? "0.0.0.0" : config.bindAddress;
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
                `bindAddress ${ip} is not an address of this machine, so no port can be published on it: fix: pulumi config set bindAddress 127.0.0.1 (or 0.0.0.0 for all interfaces)`,
            ),
        ];
    }

    let labHolders: Map<number, string> | undefined;
    const holdersOfThisLab = async () => {
        if (labHolders) return labHolders;
        labHolders = new Map();
        const ps = await probes.docker(
            ["ps", "--filter", `label=${LABEL.instance}=${spec.instance}`, "--format", "{{.Names}} {{.Ports}}"],
            engine.env,
        );
        for (const line of ps.stdout.split("\n").filter((l) => l.trim())) {
            const [name, ...rest] = line.trim().split(" ");
            for (const p of publishedHostPorts(rest.join(" "))) labHolders.set(p, `container ${name}`);
        }
        if (config.mode === "swarm") {
            // Ports published through the ingress mesh belong to the service, not to a task container (host mode: both).
            const services = await probes.docker(
                ["service", "ls", "--filter", `label=${LABEL.instance}=${spec.instance}`, "--format", "{{.Name}} {{.Ports}}"],
                engine.env,
            );
            for (const line of services.stdout.split("\n").filter((l) => l.trim())) {
                const [name, ...rest] = line.trim().split(" ");
                for (const p of publishedHostPorts(rest.join(" "))) labHolders.set(p, `service ${name}`);
            }
        }
        return labHolders;
    };

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
        const ours = (await holdersOfThisLab()).get(p.port);
        if (ours) {
            okParts.push(`${p.port} (${p.role}) held by this lab (${ours})`);
            continue;
        }
        const other = await probes.docker(["ps", "--filter", `publish=${p.port}`, "--format", "{{.Names}}"], engine.env);
        const containers = other.stdout.split("\n").filter((l) => l.trim());
        const alternative = await alternativeFor(p.key);
        const setKey = `pulumi config set ${p.key} ${alternative ?? "<another port>"}`;
        if (containers.length > 0) {
            const names = containers.join(", ");
            findings.push(
                finding(
                    "ports",
                    `ports.${p.port}`,
                    false,
                    `port ${p.port} on ${ip} (${p.role}) is in use by container ${names}, not part of this lab: fix: docker stop ${containers[0]}, or ${setKey}`,
                ),
            );
        } else {
            findings.push(
                finding(
                    "ports",
                    `ports.${p.port}`,
                    false,
                    `port ${p.port} on ${ip} (${p.role}) is in use by another program: fix: stop it (find it with lsof -i :${p.port} or ss -ltnp), or ${setKey}`,
                ),
            );
        }
    }
    if (okParts.length > 0) findings.unshift(finding("ports", "ports.ok", true, `ports on ${ip}: ${okParts.join(", ")}`));
    return findings;
}
