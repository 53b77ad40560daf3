import { type LabConfig, labsOf, type Spec, seatsApp, subnetsOverlap } from "../../lab";
import type { EngineTarget, ModeEngineChecks } from "./engine";
import { finding } from "./findings";
import { oneLine } from "./format";
import type { DoctorFinding, DoctorProbes } from "./types";

/**
 * Seats mode (a finding of class "config"): no network of the engine overlaps a seat's subnet, which
 * Docker refuses when `up` creates the seat's network ("Pool overlaps with other one on this address
 * space"); the lab's own seat networks, which hold those subnets after an `up`, aside.
 */

const FIX = "fix: choose a private range that no network of the engine uses, for example npm run config -- set seatSubnets 10.213.0.0/16";

/** The engine's networks and their IPv4 subnets, or what `docker network` said when it failed. */
async function engineNetworks(probes: DoctorProbes, engine: EngineTarget): Promise<{ name: string; subnets: string[] }[] | string> {
    const ids = await probes.docker(["network", "ls", "--quiet"], engine.env);
    if (ids.status !== 0) return oneLine(ids.stderr, 140);
    const list = ids.stdout.split("\n").filter((id) => id.trim() !== "");
    if (list.length === 0) return [];
    const inspected = await probes.docker(
        ["network", "inspect", "--format", "{{.Name}}|{{range .IPAM.Config}}{{.Subnet}} {{end}}", ...list],
        engine.env,
    );
    if (inspected.status !== 0) return oneLine(inspected.stderr, 140);
    return inspected.stdout
        .split("\n")
        .filter((line) => line.includes("|"))
        .map((line) => {
            const [name, subnets] = line.split("|");
            return { name, subnets: subnets.split(/\s+/).filter((s) => s !== "") };
        });
}

async function checkSeatSubnets(probes: DoctorProbes, config: LabConfig, engine: EngineTarget, spec: Spec): Promise<DoctorFinding[]> {
    const seats = labsOf(spec).map((lab) => ({ student: lab.student?.name ?? "", network: seatsApp(lab.app).seat.network }));
    const networks = await engineNetworks(probes, engine);
    if (typeof networks === "string") {
        return [
            finding(
                "config",
                "config.seat-subnets",
                false,
                `could not list the engine's networks to check seatSubnets against them (docker network: ${networks})`,
            ),
        ];
    }
    const own = new Set(seats.map((s) => s.network.name));
    const clashes = seats.flatMap((seat) =>
        networks
            .filter((n) => !own.has(n.name))
            .flatMap((n) =>
                n.subnets.filter((subnet) => subnetsOverlap(subnet, seat.network.ipam.subnet)).map((subnet) => ({ seat, n, subnet })),
            ),
    );
    if (clashes.length === 0) {
        return [
            finding(
                "config",
                "config.seat-subnets",
                true,
                `the seats' networks (${seats.length} of seatSubnets ${config.seatSubnets}) overlap no network of the engine`,
            ),
        ];
    }
    const named = clashes
        .slice(0, 3)
        .map((c) => `${c.seat.student}'s ${c.seat.network.ipam.subnet} overlaps ${c.n.name} (${c.subnet})`)
        .join(", ");
    const more = clashes.length > 3 ? ` and ${clashes.length - 3} more` : "";
    return [
        finding(
            "config",
            "config.seat-subnets",
            false,
            `seatSubnets = ${JSON.stringify(config.seatSubnets)}: ${named}${more}, and Docker refuses a network that overlaps another; ${FIX}`,
        ),
    ];
}

export const seatsEngineChecks: ModeEngineChecks = {
    progress: "checking the seats' subnets against the engine's networks…",
    check: checkSeatSubnets,
};
