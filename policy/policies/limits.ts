import type { ResourceValidationPolicy } from "@pulumi/policy";
import { describe, forType, isUnknown, TYPES } from "./common";

/**
 * Resources: a memory limit with swap equal to it (no swap at all), and a CPU weight, on every
 * container; a memory and a CPU limit on every service (swarm has no swap or CPU-share setting).
 */

const positive = (n: unknown): boolean => typeof n === "number" && n > 0;

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
                report(
                    `${describe(c)}: cpuShares is ${cpuShares ?? "not set"}, so the container has no CPU weight of its own; fix: set cpuShares (Docker's default weight is 1024; e.g. 512 for a lab app)`,
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
