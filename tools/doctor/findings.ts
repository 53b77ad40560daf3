import { oneLine } from "./format";
import type { DoctorClass, DoctorFinding } from "./types";

/** A finding with its message on one line. */
export function finding(klass: DoctorClass, id: string, ok: boolean, message: string): DoctorFinding {
    return { id, ok, klass, message: oneLine(message, 600) };
}

/** Checks left out because of an earlier problem: printed with the problems, not counted as one. */
export function skipped(klass: DoctorClass, id: string, message: string): DoctorFinding {
    return { ...finding(klass, id, false, message), skipped: true };
}
