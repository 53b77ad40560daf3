import { dockerOk } from "../engine";
import { teardownLab } from "../rig";
import { TOOLCHAIN_HINT } from "../tools/toolchain";
import { log, median, mib, seconds, secs, table, verdict } from "./common";
import type { BenchPhaseRunner, Toolchain } from "./phase";
import { percentile } from "./portalLoad";
import { benchSeatsSpec, SEAT_IMAGE, SEATS_CLASS_SIZE, SEATS_TARGETS } from "./seatsConfig";
import { type SeatsLive, type SeatsPhase, seatsWithPulumi } from "./seatsLive";

/** The seats rows of the bench: a class of seats (an engine per student) up, verified, weighed and down, with the real Pulumi CLI. */

/** The seats phase: the class of SEATS_CLASS_SIZE seats once; never throws (no CLI or no seat image: skipped; a failure: error). */
export async function seatsPhase(toolchain: Toolchain): Promise<SeatsPhase> {
    if ("missing" in toolchain)
        return { skipped: `no Pulumi CLI with the nodejs host and both plugins: ${toolchain.missing} (${TOOLCHAIN_HINT})` };
    const spec = benchSeatsSpec();
    const measured: Partial<SeatsLive> = {};
    try {
        await dockerOk(
            ["image", "inspect", "--format", "{{.Id}}", SEAT_IMAGE],
            `looking for ${SEAT_IMAGE} (build it with bash scripts/offline-images.sh)`,
        );
        await teardownLab(spec);
        return await seatsWithPulumi(toolchain, spec, measured);
    } catch (err) {
        const error = (err as Error).message;
        log(`seats: the class of ${SEATS_CLASS_SIZE} seats FAILED: ${error}`);
        return { error, measured };
    }
}

const spread = (values: number[]) => `${mib(Math.min(...values))} / ${mib(median(values))} / ${mib(Math.max(...values))}`;
const atMostMib = (figure: number, limit: number) => `<= ${limit} MiB ${verdict(figure <= limit)}`;

/** Where the seats' app replicas run, as a line under the table. */
function cgroupNote(inSeat: boolean | undefined): string {
    if (inSeat === true) return "The app replicas run in cgroups inside their seat's: the seat's docker stats holds them (counted once).";
    if (inSeat === false) {
        return "The app replicas run in cgroups beside their seat's, not inside it: the seat's docker stats leaves them out (and the seat's limits do not bound them), so they are added to it.";
    }
    return "Where the app replicas' cgroups are could not be read: they are added to the seat's figure.";
}

/** The class's rows: the up with its target, the verify, memory (with the target) and disk per seat, the down. */
function classRows(live: SeatsLive): string[][] {
    const total = live.seats.map((s) => s.totalMb);
    const [med, max] = [median(total), Math.max(...total)];
    const limit = SEATS_TARGETS.memoryPerSeatMb;
    const upMs = live.up.totalMs;
    return [
        ["until every seat's engine is healthy", secs(live.seatsHealthyMs), ""],
        [
            `npm run up, until every seat is verified (${live.checks} checks)`,
            `${secs(upMs)} (pulumi up ${secs(live.up.mainMs)})`,
            `<= ${seconds(SEATS_TARGETS.upVerifiedMs)} s ${verdict(upMs <= SEATS_TARGETS.upVerifiedMs)}`,
        ],
        [`npm run verify of the class (${live.verified.passed} passed, ${live.verified.failed} failed)`, secs(live.verifyMs), ""],
        ["memory per seat, the seat with its replicas: median", mib(med), atMostMib(med, limit)],
        ["memory per seat, the seat with its replicas: max", mib(max), atMostMib(max, limit)],
        ["  the seat container (docker stats), min / median / max", spread(live.seats.map((s) => s.seatMb)), ""],
        ["    of which its processes' own (anon, memory.stat)", spread(live.seats.map((s) => s.seatAnonMb)), ""],
        [`  its ${live.replicas} replicas (docker stats in the seat), min / median / max`, spread(live.seats.map((s) => s.replicasMb)), ""],
        ["memory per workstation, min / median / max", spread(live.seats.map((s) => s.workstationMb)), ""],
        ["memory of the class registry", mib(live.registryMb), ""],
        ["disk in a seat (docker system df), min / median / max", spread(live.seats.map((s) => s.disk.totalMb)), ""],
        ["seat data volume (docker system df -v), min / median / max", spread(live.seats.map((s) => s.volumeMb)), ""],
        ...portalRows(live.portal),
        ["npm run down", `${secs(live.down.totalMs)} (pulumi destroy ${secs(live.down.mainMs)})`, ""],
        ["left after npm run down", live.leftAfterDown.length ? live.leftAfterDown.join(", ") : "nothing", ""],
    ];
}

/** The portal's rows: the latency of a Check and of the roster with every student at once, and whether every seat kept its lab. */
function portalRows(load: SeatsLive["portal"] | undefined): string[][] {
    if (load === undefined) return [];
    if ("error" in load) return [["class portal under load", `FAILED: ${load.error}`, ""]];
    const ms = (values: number[]) => `${percentile(values, 50)} / ${percentile(values, 95)} ms (${values.length})`;
    const whole = load.damaged.length === 0 && load.replaced.length === 0;
    return [
        [`portal, ${load.students} students at once for ${secs(load.durationMs)}: a Check, p50 / p95 (n)`, ms(load.checks), ""],
        ["portal: the teacher's roster, p50 / p95 (n)", ms(load.rosters), ""],
        ["portal: a student's page state, p50 / p95 (n)", ms(load.states), ""],
        [
            "portal: answers other than 200",
            load.errors.length ? load.errors.slice(0, 3).join("; ") : "none",
            verdict(load.errors.length === 0),
        ],
        [
            "portal: seats that lost any of their lab",
            whole ? "none" : [...load.damaged.map((d) => `damaged ${d}`), ...load.replaced.map((r) => `replaced ${r}`)].join(", "),
            verdict(whole),
        ],
    ];
}

/** One row per seat: its memory and disk. */
function seatRows(live: SeatsLive): string[][] {
    const n = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "n/a");
    return live.seats.map((s) => [
        s.student,
        n(s.seatMb),
        n(s.seatAnonMb),
        n(s.replicasMb),
        n(s.totalMb),
        n(s.workstationMb),
        `${n(s.disk.totalMb)} (${[s.disk.imagesMb, s.disk.containersMb, s.disk.volumesMb, s.disk.buildCacheMb].map(n).join(" / ")})`,
        n(s.volumeMb),
    ]);
}

/** The seats rows as text, and as JSON for bench-results.json. */
export function seatsReport(phase: SeatsPhase): { text: string; results: Record<string, unknown> } {
    const lines = [""];
    if ("skipped" in phase) lines.push(`Seats: a class of ${SEATS_CLASS_SIZE} seats: n/a (${phase.skipped})`);
    else if ("error" in phase) lines.push(`Seats: a class of ${SEATS_CLASS_SIZE} seats FAILED: ${phase.error}`);
    else {
        lines.push(
            `Seats: a class of ${phase.students} students, each with a Docker engine of their own (mode seats, ${phase.replicas} replicas in each seat), with the real Pulumi CLI (npm run up / verify / down in a copy of the project)`,
            table(["step", "figure", "target"], classRows(phase)),
            cgroupNote(phase.replicasInSeatCgroup),
            "A seat's docker stats figure holds the page cache of its files (its image layers, reclaimable) beside its processes' own memory (anon).",
            "",
            "Seats one by one (MiB; disk in the seat: total (images / containers / volumes / build cache))",
            table(
                ["student", "seat", "of it anon", "replicas", "seat + replicas", "workstation", "disk in the seat", "data volume"],
                seatRows(phase),
            ),
        );
    }
    return { text: `${lines.join("\n")}\n`, results: { seats: phase } };
}

/** Removes the bench's class of seats from the engine (leftovers of an interrupted run). */
export async function cleanupSeats(): Promise<void> {
    await teardownLab(benchSeatsSpec());
}

/** The seats phase: a class of seats with the real Pulumi CLI. */
export const seatsBenchPhase: BenchPhaseRunner = {
    async run(toolchain) {
        log("seats phase");
        const phase = await seatsPhase(toolchain);
        return { ...seatsReport(phase), failed: "error" in phase };
    },
    cleanup: cleanupSeats,
};
