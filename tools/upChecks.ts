import type { CheckResult } from "../engine";
import { checkResourceName, isClassSpec, type LessonCheck, labImageRef, labsOf, PASS_MARKER, type Spec } from "../lab";
import type { VerifiedCheck } from "./report";

/**
 * The lesson checks as `pulumi up` left them in the stack's state: each check is a `local.Command`
 * whose stdout holds the check's output and whose `modified` time says when it last ran. The lab's
 * commands read them from `pulumi stack export` instead of running every check a second time.
 */

interface StateResource {
    type?: string;
    urn?: string;
    outputs?: Record<string, unknown>;
    modified?: string;
    created?: string;
}

/** The resources of an exported deployment (`pulumi stack export` JSON); none when it holds none. */
function resourcesOf(deployment: unknown): StateResource[] {
    return (deployment as { deployment?: { resources?: StateResource[] } })?.deployment?.resources ?? [];
}

/** The check commands of an exported deployment (`pulumi stack export` JSON), by resource name. */
function checkCommands(deployment: unknown): Map<string, StateResource> {
    const byName = new Map<string, StateResource>();
    for (const r of resourcesOf(deployment)) {
        if (r.type !== "command:local:Command" || typeof r.urn !== "string") continue;
        byName.set(r.urn.slice(r.urn.lastIndexOf("::") + 2), r);
    }
    return byName;
}

/** Whether the exported deployment holds any of the lab's resources (none before the first up, or after a down). */
export function isDeployed(deployment: unknown): boolean {
    return resourcesOf(deployment).some((r) => r.type !== "pulumi:pulumi:Stack" && !r.type?.startsWith("pulumi:providers:"));
}

/** Every string the outputs of the deployment's resources hold (names, image references): what Pulumi's state knows of. */
export function stateStrings(deployment: unknown): Set<string> {
    const strings = new Set<string>();
    const collect = (value: unknown): void => {
        if (typeof value === "string") strings.add(value);
        else if (Array.isArray(value)) value.forEach(collect);
        else if (value && typeof value === "object") Object.values(value).forEach(collect);
    };
    for (const r of resourcesOf(deployment)) if (r.type !== "pulumi:pulumi:Stack") collect(r.outputs);
    return strings;
}

/** A stack output as the exported deployment holds it (the stack resource's outputs); undefined when absent. */
export function stackOutput(deployment: unknown, name: string): unknown {
    return resourcesOf(deployment).find((r) => r.type === "pulumi:pulumi:Stack")?.outputs?.[name];
}

/**
 * Every lesson check of the spec that the state holds a passing run of, in check order, as verify
 * reports a check (`ranInUp` says when the update ran it; `imageRef` is the class image, which each
 * student's repository holds under the same digest). A check command is in the state only once its
 * script passed: a failing one fails the update. Checks the state lacks are left out.
 */
export function checksInState(deployment: unknown, spec: Spec, imageRef: string): VerifiedCheck[] {
    const commands = checkCommands(deployment);
    return labsOf(spec).flatMap((lab) =>
        lab.checks.flatMap((check): VerifiedCheck[] => {
            const resource = commands.get(checkResourceName(lab.student?.name, check.id));
            const stdout = resource?.outputs?.stdout;
            const ranAt = Date.parse(resource?.modified ?? resource?.created ?? "");
            if (typeof stdout !== "string" || Number.isNaN(ranAt)) return [];
            const result: CheckResult = {
                id: check.id,
                section: check.section,
                title: check.title.en,
                passed: stdout.startsWith(PASS_MARKER),
                status: 0,
                stdout,
                stderr: "",
                // The update does not time a single command: the report says when the update ran it instead.
                durationMs: Number.NaN,
            };
            const ref = isClassSpec(spec) ? labImageRef(lab, imageRef) : imageRef;
            return [{ check, result, imageRef: ref, ranInUp: new Date(ranAt).toISOString() }];
        }),
    );
}

/** The key of a check in a lab: its student (in a class) and its id. */
export function checkKey(check: LessonCheck): string {
    return check.student === undefined ? check.id : `${check.student}/${check.id}`;
}
