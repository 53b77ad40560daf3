import type { ContainerState } from "../../engine";

/**
 * The teacher's roster, as the page and the event stream carry it: per learner, the seat's engine,
 * the lesson checks (as the last `up` or a re-verify left them), the exercises done and the last
 * activity. Pure: the portal gathers the inputs (stack outputs, engine, progress files) and this shapes them.
 */

export type SeatStateName = "healthy" | "running" | "starting" | "unhealthy" | "stopped" | "missing" | "none";

export interface SeatState {
    state: SeatStateName;
    detail?: string;
}

export interface ChecksTally {
    passed: number;
    total: number;
    /** When a re-verify counted them (a count from `up` carries no time). */
    at?: string;
    source: "up" | "verify" | "none";
}

export type PortalAction = "verify" | "reset";

export interface RosterStudent {
    /** The student's name; a one-learner lab's row has none. */
    student?: string;
    /** The path of the learner's page, /s/<token>/. */
    link: string;
    seat: SeatState;
    checks: ChecksTally;
    exercises: { done: number; total: number };
    lastActivity?: string;
    busy?: PortalAction;
    lastAction?: { kind: PortalAction; ok: boolean; message: string; at: string };
}

export interface Roster {
    lab: string;
    stack: string;
    mode: string;
    /** Whether learners get a terminal (seats mode only). */
    terminal: boolean;
    updatedAt: string;
    checksTotal: number;
    exercisesTotal: number;
    students: RosterStudent[];
}

/**
 * Pure: a learner's lesson checks from the stack's `checks` output (by id, in a class by student/id),
 * or, after a re-verify, that run's count. `total` is how many checks the learner's lab has.
 */
export function checksTally(
    outputChecks: Readonly<Record<string, string>>,
    student: string | undefined,
    total: number,
    verified?: { passed: number; total: number; at: string },
): ChecksTally {
    if (verified) return { passed: verified.passed, total: verified.total, at: verified.at, source: "verify" };
    const prefix = student === undefined ? undefined : `${student}/`;
    const mine = Object.entries(outputChecks).filter(([key]) => (prefix === undefined ? !key.includes("/") : key.startsWith(prefix)));
    if (mine.length === 0) return { passed: 0, total, source: "none" };
    return { passed: mine.filter(([, status]) => status === "passed").length, total, source: "up" };
}

/** Pure: a seat's state from its container as the engine reports it (undefined: no such container). */
export function seatStateOf(container: ContainerState | undefined): SeatState {
    if (container === undefined) return { state: "missing", detail: "no seat container: npm run up makes it again" };
    if (!container.running) return { state: "stopped", detail: `${container.status}: npm run up starts it again` };
    switch (container.health) {
        case "healthy":
            return { state: "healthy" };
        case "starting":
            return { state: "starting" };
        case "unhealthy":
            return { state: "unhealthy", detail: "its engine does not answer its health check" };
        default:
            return { state: "running" };
    }
}

/** The state of a learner without a seat: the one learner, or a class whose students share one engine. */
export const NO_SEAT: SeatState = { state: "none" };

/** Pure: the most recent of some ISO times, or undefined. */
export function latest(...times: (string | undefined)[]): string | undefined {
    return times
        .filter((t): t is string => t !== undefined)
        .sort()
        .pop();
}
