import { asClassSpec, type ClassSpec } from "../lab";
import { specFor } from "../tools/stack";
import { BASE_IMAGE, REGISTRY_IMAGE } from "./common";

/** The bench's class: its stack and ports (clear of the other phases'), its sizes and its targets. */

export const CLASS_STACK = "bench-class";
export const CLASS_APP_PORT = 29000;
export const CLASS_REGISTRY_PORT = 29999;
export const MOCK_CLASS_SIZES = [1, 10, 50] as const;
export const LIVE_CLASS_SIZE = 10;
export const CLASS_TARGETS = { mocks50Ms: 2000, verify10Ms: 60_000 } as const;

/** Student names of a class of `n`: student-01, student-02, … */
export function classNames(n: number): string[] {
    return Array.from({ length: n }, (_, i) => `student-${String(i + 1).padStart(2, "0")}`);
}

/** The bench class's raw config, as `pulumi config` would hold it. */
export function classConfig(students: number): Record<string, string | number | string[]> {
    return {
        baseImage: BASE_IMAGE,
        registryImage: REGISTRY_IMAGE,
        appPort: CLASS_APP_PORT,
        registryPort: CLASS_REGISTRY_PORT,
        students: classNames(students),
    };
}

/** The bench class's spec. */
export function benchClassSpec(students: number): ClassSpec {
    return asClassSpec(specFor(classConfig(students), CLASS_STACK));
}
