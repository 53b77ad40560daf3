import type { CheckResult } from "../../engine";
import { FAIL_MARKER, type LabSpec, PASS_MARKER } from "../../lab";
import type { VerifyReport } from "../../tools";
import { replicasOf } from "./specs";

export interface SyntheticReportOptions {
    /** The one check that fails; every other passes. */
    failingId: string;
    /** What a passing check printed after the pass marker. Default: `output of <id>`. */
    output?: (checkId: string) => string;
    /** What the failing check's report says came back. Default: a missing-container error. */
    failureGot?: string;
}

/** A VerifyReport on a real spec with made-up results, for rendering tests (unit and browser). */
export function syntheticReport(spec: LabSpec, options: SyntheticReportOptions): VerifyReport {
    const output = options.output ?? ((id: string) => `output of ${id}`);
    const got = options.failureGot ?? `Error: No such container: ${replicasOf(spec)[0].name}`;
    const imageRef = `${spec.image.repository}@sha256:${"0123456789abcdef".repeat(4)}`;
    const checks = spec.checks.map((check, i) => {
        const passed = check.id !== options.failingId;
        const result: CheckResult = {
            id: check.id,
            section: check.section,
            title: check.title.en,
            passed,
            status: passed ? 0 : 1,
            stdout: passed ? `${PASS_MARKER} ${check.id}\n${output(check.id)}\n` : "",
            stderr: passed
                ? ""
                : `${FAIL_MARKER} ${check.id} (notes section ${check.section}: ${check.title.en})\n  command:  ${check.command}\n  expected: the same output\n  exit status: 1\n  got:\n    ${got}\n`,
            durationMs: 100 + i * 37,
        };
        return { check, result, imageRef };
    });
    const passed = checks.filter((c) => c.result.passed).length;
    return {
        instance: spec.instance,
        startedAt: "2025-11-28T03:57:12.345Z",
        engine: "unix:///var/run/docker.sock (Docker 20.10.24)",
        imageRef,
        passed,
        failed: checks.length - passed,
        durationMs: 4321,
        checks,
        spec,
    };
}
