import { asClassSpec, type ClassSpec, OFFLINE_IMAGES } from "../lab";
import { specFor } from "../tools/stack";
import { BASE_IMAGE, REGISTRY_IMAGE } from "./common";

/** The bench's class of seats: its stack and ports (clear of the other phases'), its size and its targets. */

export const SEATS_STACK = "bench-seats";
/** The first app port: each seat takes its replicas' ports and its engine port after it (10 seats × 3: 41000..41029). */
export const SEATS_APP_PORT = 41000;
export const SEATS_REGISTRY_PORT = 41999;
export const SEATS_CLASS_SIZE = 10;
export const SEAT_IMAGE = OFFLINE_IMAGES.seatImage;
/** The targets: the class up with every seat verified within 5 minutes; at most 300 MiB of memory per seat. */
export const SEATS_TARGETS = { upVerifiedMs: 300_000, memoryPerSeatMb: 300 } as const;
/** Prefix of the project copy's temp folder. */
export const SEATS_COPY_PREFIX = "docker-lab-bench-seats-";

/** Student names of a class of `n`: s01, s02, … */
export function seatNames(n: number): string[] {
    return Array.from({ length: n }, (_, i) => `s${String(i + 1).padStart(2, "0")}`);
}

/** The class's raw config, as `pulumi config` holds it (PulumiBench sets it with `pulumi config set-all --json`). */
export function seatsConfig(students: number = SEATS_CLASS_SIZE): Record<string, string | number | string[]> {
    return {
        baseImage: BASE_IMAGE,
        registryImage: REGISTRY_IMAGE,
        seatImage: SEAT_IMAGE,
        mode: "seats",
        appPort: SEATS_APP_PORT,
        registryPort: SEATS_REGISTRY_PORT,
        students: seatNames(students),
    };
}

/** The class's spec, as `npm run up` in the copy builds it. */
export function benchSeatsSpec(students: number = SEATS_CLASS_SIZE): ClassSpec {
    return asClassSpec(specFor(seatsConfig(students), SEATS_STACK));
}
