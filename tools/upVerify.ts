import { labsOf } from "../lab";
import { waitForHealthyApps } from "./heal";
import { formatTime, type VerifiedCheck } from "./report";
import { specForStack } from "./stack";
import { checkKey, checksInState, stackOutput } from "./upChecks";
import { verifyStack } from "./verify";

/**
 * The end of `npm run up`: no check runs twice. The checks the update just ran are reported from the
 * state; verify runs only the others. An update that ran none (nothing changed, and the lab guard found
 * nothing broken before it) re-runs none either: it says when they last passed, and against which
 * image; `npm run verify` runs them all again. After healing, the checks the update did not run run.
 */
export async function verifyAfterUp(
    stack: string,
    upStartMs: number,
    deployment: unknown,
    options: { healed: boolean; log: (line: string) => void },
): Promise<number> {
    const { log } = options;
    const spec = specForStack(stack);
    const imageRef = String(stackOutput(deployment, "imageRef") ?? "");
    const inState = imageRef.includes("@sha256:") ? checksInState(deployment, spec, imageRef) : [];
    const ranNow = inState.filter((v) => Date.parse(v.ranInUp as string) >= upStartMs);
    const total = labsOf(spec).reduce((n, lab) => n + lab.checks.length, 0);
    // Healed damage changes what the checks see without changing Pulumi's state: then they run again.
    const noChange = !options.healed && ranNow.length === 0 && inState.length === total && total > 0;
    const done = new Map<string, VerifiedCheck>((noChange ? inState : ranNow).map((v) => [checkKey(v.check), v]));
    if (noChange) log(noChangeLine(spec.instance, inState, imageRef));
    // What the update replaced without running the checks (a seat with new certificates) restarts the apps in it.
    else await waitForHealthyApps(spec);
    return verifyStack({ stack, json: false, report: true }, { done, imageRef, quietDone: noChange });
}

/** The no-op's one line: when the checks last ran, and against which image. */
export function noChangeLine(instance: string, checks: VerifiedCheck[], imageRef: string): string {
    const [last] = checks.map((v) => v.ranInUp ?? "").sort((a, b) => b.localeCompare(a));
    const passed = checks.filter((v) => v.result.passed).length;
    return `no change in lab ${instance}: its ${passed} of ${checks.length} lesson checks passed in the update of ${formatTime(last)}, against ${imageRef} (npm run verify runs them again)`;
}
