import * as http from "node:http";
import { docker } from "../engine";
import { type ClassSpec, type PortalTokens, seatsApp } from "../lab";
import { sleep } from "../rig";
import { labDamage } from "../tools/labGuard";
import { log, secs } from "./common";
import { stopCommand, tail } from "./processes";
import type { PulumiBench } from "./pulumiPhase";

/**
 * The class portal under load, on the bench's class of seats: `npm run portal` in the project copy,
 * every student polling their page and pressing Check at once while the teacher's roster is polled,
 * then whether every seat still has its lab (nothing damaged, no container of it replaced).
 */

/** How long the students work at once. */
export const PORTAL_LOAD_MS = 60_000;
/** How often each student's page polls its state, and the teacher's its roster. */
const POLL_MS = 1_000;
/** Each student checks after this many polls. */
const POLLS_PER_CHECK = 3;
/** The exercises the students check, in turn: one that reads a file in the workstation, one that asks the seat's engine. */
const CHECKED = ["01.02-ps-file", "01.04-versions"];

export interface PortalLoad {
    students: number;
    durationMs: number;
    checks: number[];
    rosters: number[];
    states: number[];
    /** Answers other than 200, "METHOD path: status" (the path without its token). */
    errors: string[];
    /** Seats with something of their lab broken after the load (labDamage). */
    damaged: string[];
    /** Seats whose lab containers are not the ones from before the load. */
    replaced: string[];
}

/** The p-th percentile (nearest rank) of some figures; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
    if (values.length === 0) return Number.NaN;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function request(url: string, method: "GET" | "POST", origin: string): Promise<{ status: number; ms: number }> {
    const started = Date.now();
    return new Promise((resolve) => {
        const req = http.request(
            url,
            { method, headers: method === "POST" ? { origin, "content-type": "application/json" } : {} },
            (res) => {
                res.resume();
                res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - started }));
            },
        );
        req.on("error", () => resolve({ status: 0, ms: Date.now() - started }));
        req.end(method === "POST" ? "{}" : undefined);
    });
}

/** Each student's lab containers in their seat, by student. */
async function seatContainers(spec: ClassSpec): Promise<Map<string, string>> {
    const entries = await Promise.all(
        spec.students.map(async (lab) => {
            const { seat } = seatsApp(lab.app);
            const ps = await docker(["exec", seat.name, "docker", "ps", "-aq", "--no-trunc"]);
            return [lab.student?.name ?? "", ps.stdout.split("\n").filter(Boolean).sort().join(",")] as const;
        }),
    );
    return new Map(entries);
}

/** The load on the portal of `bench`'s class (which is up and verified); the portal is stopped after, whatever happens. */
export async function portalLoad(bench: PulumiBench<ClassSpec>, spec: ClassSpec): Promise<PortalLoad> {
    const tokens = (await bench.stackOutput("portal")) as PortalTokens;
    const base = spec.portal.url;
    let pid = 0;
    const portal = bench.npmScript("portal", [], {}, (p) => {
        pid = p;
    });
    try {
        const deadline = Date.now() + 60_000;
        while ((await request(`${base}/`, "GET", base)).status !== 200) {
            if (Date.now() > deadline) throw new Error(`npm run portal did not answer at ${base} within 60 s`);
            await sleep(500);
        }
        const before = await seatContainers(spec);
        const got: PortalLoad = {
            students: spec.students.length,
            durationMs: PORTAL_LOAD_MS,
            checks: [],
            rosters: [],
            states: [],
            errors: [],
            damaged: [],
            replaced: [],
        };
        const record = (what: string, answer: { status: number; ms: number }, into: number[]) => {
            into.push(answer.ms);
            if (answer.status !== 200) got.errors.push(`${what}: ${answer.status}`);
        };
        log(`portal: ${spec.students.length} students poll and check for ${secs(PORTAL_LOAD_MS)}, the roster polled beside them`);
        const end = Date.now() + PORTAL_LOAD_MS;
        const student = async (token: string, index: number) => {
            for (let round = index; Date.now() < end; round++) {
                const id = CHECKED[round % CHECKED.length];
                record(`POST check ${id}`, await request(`${base}/s/${token}/api/exercises/${id}/check`, "POST", base), got.checks);
                for (let i = 0; i < POLLS_PER_CHECK && Date.now() < end; i++) {
                    record("GET state", await request(`${base}/s/${token}/api/state`, "GET", base), got.states);
                    await sleep(POLL_MS);
                }
            }
        };
        const teacher = async () => {
            while (Date.now() < end) {
                record("GET roster", await request(`${base}/t/${tokens.teacher}/api/roster`, "GET", base), got.rosters);
                await sleep(POLL_MS);
            }
        };
        await Promise.all([teacher(), ...Object.values(tokens.students).map((token, i) => student(token, i))]);
        const after = await seatContainers(spec);
        got.replaced = [...before].filter(([name, ids]) => after.get(name) !== ids).map(([name]) => name);
        got.damaged = [...new Set((await labDamage(spec)).map((d) => ("name" in d ? d.name : d.image)))];
        return got;
    } finally {
        if (pid) {
            const stopped = await stopCommand(pid, portal);
            if (stopped.code !== 0 && stopped.signal === null)
                log(`portal: npm run portal ended with ${stopped.code}:\n${tail(stopped.output)}`);
        }
    }
}
