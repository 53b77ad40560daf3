import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { PROJECT_ROOT } from "../../engine";
import { LAB_RESOURCE_NAME, type PortalTokens } from "../../lab";
import { pulumiEnv } from "../pulumiCli";
import { findPulumi } from "../toolchain";

/**
 * The portal's view of the stack, through Pulumi's Automation API (a LocalWorkspace on the project's
 * own backend and passphrase, with the lab's CLI): its outputs, its resources, and the targeted
 * refresh and update that rebuild one student's seat.
 */

/** The stack outputs the portal reads (`portal` and `checks` decrypted). */
export interface PortalOutputs {
    tokens: PortalTokens;
    /** Each lesson check's status as the last `up` left it: by id, in a class by student/id. */
    checks: Record<string, string>;
    /** With registryAuth: the registry password, for re-verify's registry checks. */
    registryPassword?: string;
}

/** A resource as `pulumi stack export` lists it: enough to walk the component tree. */
export interface StateResource {
    urn: string;
    type: string;
    parent?: string;
}

/** Opens `stackName` with the lab's CLI, backend and passphrase; throws with the fix when there is no CLI or no such stack. */
export async function openStack(stackName: string, env: Record<string, string | undefined> = process.env): Promise<Stack> {
    const cli = findPulumi(env);
    if (cli.downloads) {
        throw new Error(
            "the portal reads the stack with the Pulumi CLI, and none is at hand without a download: build the toolchain (see the README) or put pulumi on PATH",
        );
    }
    const envVars = Object.fromEntries(
        Object.entries({ ...pulumiEnv(env), ...cli.env }).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const pulumiCommand = await PulumiCommand.get({ root: cliRoot(cli.argv[0]), skipVersionCheck: true });
    try {
        return await LocalWorkspace.selectStack({ stackName, workDir: PROJECT_ROOT }, { envVars, pulumiCommand });
    } catch (err) {
        throw new Error(`stack ${stackName} cannot be opened (${firstLine(err)}); run the lab first: npm run up`);
    }
}

/** The installation root of a CLI at <root>/bin/pulumi, as PulumiCommand.get wants it. */
function cliRoot(bin: string): string {
    return bin.replace(/[\\/]bin[\\/]pulumi(\.exe)?$/, "");
}

/** The outputs the portal needs; throws with the fix when the stack has none yet (no `up`, or one from before the portal). */
export async function readPortalOutputs(stack: Stack): Promise<PortalOutputs> {
    const outputs = await stack.outputs();
    const tokens = outputs.portal?.value as PortalTokens | undefined;
    if (!tokens || typeof tokens.teacher !== "string") {
        throw new Error(`stack ${stack.name} has no portal tokens yet: run npm run up once (it makes them, and changes nothing else)`);
    }
    const password = outputs.registryPassword?.value;
    return {
        tokens,
        checks: (outputs.checks?.value as Record<string, string> | undefined) ?? {},
        ...(typeof password === "string" && password !== "" ? { registryPassword: password } : {}),
    };
}

/** The stack's resources, from its exported state. */
export async function stateResources(stack: Stack): Promise<StateResource[]> {
    const state = await stack.exportStack();
    return ((state.deployment as { resources?: StateResource[] }).resources ?? []).map((r) => ({
        urn: r.urn,
        type: r.type,
        ...(r.parent ? { parent: r.parent } : {}),
    }));
}

/**
 * Pure: the URNs of `student`'s seat, from the state: the student's component (named
 * <lab>-<student>, a child of the lab) and everything under it. Empty when the state has no such seat.
 */
export function seatUrns(resources: readonly StateResource[], student: string): string[] {
    const name = `${LAB_RESOURCE_NAME}-${student}`;
    const root = resources.find((r) => r.type === "docker-lab:lab:SeatLab" && r.urn.endsWith(`::${name}`));
    if (!root) return [];
    const inSeat = new Set([root.urn]);
    // The state lists a parent before its children, but walk until nothing changes rather than rely on it.
    for (let grew = true; grew; ) {
        grew = false;
        for (const r of resources) {
            if (r.parent && inSeat.has(r.parent) && !inSeat.has(r.urn)) {
                inSeat.add(r.urn);
                grew = true;
            }
        }
    }
    return resources.filter((r) => inSeat.has(r.urn)).map((r) => r.urn);
}

function firstLine(err: unknown): string {
    const text = err instanceof Error ? err.message : String(err);
    const lines = text.split("\n").map((l) => l.trim());
    return lines.find((l) => /^error:/.test(l)) ?? lines.find(Boolean) ?? "unknown error";
}
