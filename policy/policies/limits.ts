import type { ResourceValidationPolicy } from "@pulumi/policy";
import { describe, forType, isUnknown, TYPES } from "./common";
import { judgeSeat, seatAllowed, seatNote } from "./seat";

/**
 * Resources: a memory limit with swap equal to it (no swap at all), and a CPU weight, on every
 * container; a memory and a CPU limit on every service (swarm has no swap or CPU-share setting).
 * A seat (label docker-lab.role=seat, meeting its conditions: seat.ts) may have a CPU limit (cpus)
 * instead of the weight.
 */

const positive = (n: unknown): boolean => typeof n === "number" && n > 0;

/** A `cpus` limit Docker accepts as more than nothing: a positive decimal, as the provider sends it ("1.0"). */
const positiveCpus = (cpus: unknown): boolean =>
    (typeof cpus === "string" && /^\d*\.?\d+$/.test(cpus.trim()) && Number(cpus) > 0) || positive(cpus);

export const memorySwapCpuLimits: ResourceValidationPolicy = {
    name: "memory-swap-cpu-limits",
    description:
        "Every container has a memory limit, memorySwap equal to it (no swap) and a CPU share; every service a memory and a CPU limit.",
    validateResource: [
        forType(TYPES.container, (c, report) => {
            const { memory, memorySwap, cpuShares } = c.props;
            if (!isUnknown(memory) && !positive(memory)) {
                report(
                    `${describe(c)}: memory is ${memory ?? "not set"}, so the container may take all of the host's memory; fix: set memory in MiB (for the lab's app: pulumi config set memoryLimitMb 128) and memorySwap to the same value`,
                );
            } else if (!isUnknown(memory) && !isUnknown(memorySwap) && memorySwap !== memory) {
                const swap =
                    memorySwap === undefined || memorySwap === null ? "not set (Docker then allows as much swap again)" : memorySwap;
                report(
                    `${describe(c)}: memorySwap is ${swap}, not equal to memory (${memory}); fix: set memorySwap to ${memory}, so the container gets no swap`,
                );
            }
            if (!isUnknown(cpuShares) && !positive(cpuShares)) {
                const seat = judgeSeat(c);
                const cpus = c.props.cpus;
                if (seatAllowed(seat) && (isUnknown(cpus) || positiveCpus(cpus))) return;
                if (seatAllowed(seat)) {
                    report(
                        `${describe(c)}: cpuShares is ${cpuShares ?? "not set"} and cpus is ${cpus ?? "not set"}, so the seat has no CPU limit or weight of its own; fix: set cpus (a seat's CPU limit, e.g. "1.0") or cpuShares`,
                    );
                    return;
                }
                const note = positiveCpus(cpus) ? seatNote(seat) : { why: "", fix: "" };
                report(
                    `${describe(c)}: cpuShares is ${cpuShares ?? "not set"}, so the container has no CPU weight of its own${note.why}; fix: set cpuShares (Docker's default weight is 1024; e.g. 512 for a lab app)${note.fix}`,
                );
            }
        }),
        forType(TYPES.service, (s, report) => {
            const limits = s.props.taskSpec?.resources?.limits;
            if (isUnknown(limits)) return;
            if (!isUnknown(limits?.memoryBytes) && !positive(limits?.memoryBytes)) {
                report(
                    `${describe(s)}: taskSpec.resources.limits.memoryBytes is ${limits?.memoryBytes ?? "not set"}; fix: set a memory limit in bytes (e.g. 134217728 for 128 MiB)`,
                );
            }
            if (!isUnknown(limits?.nanoCpus) && !positive(limits?.nanoCpus)) {
                report(
                    `${describe(s)}: taskSpec.resources.limits.nanoCpus is ${limits?.nanoCpus ?? "not set"}; fix: set a CPU limit in units of 1e-9 CPUs (e.g. 500000000 for half a CPU)`,
                );
            }
        }),
    ],
};
