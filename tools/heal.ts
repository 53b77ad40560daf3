import { setTimeout as delay } from "node:timers/promises";
import { docker, dockerOk } from "../engine";
import { appContainers, labsOf, type SharedSpec, type Spec } from "../lab";
import type { LabDamage } from "./labGuard";

/**
 * What `npm run up` does about what the lab guard finds, so that one command heals the lab: Pulumi's
 * state still lists what was stopped or removed by hand, so the update alone would change nothing.
 */

export interface HealPlan {
    /** Containers stopped by hand or by an engine restart: started again as they are (same id: nothing for Pulumi to change). */
    start: string[];
    /** Something was removed (a container, a service, a network): a refresh first, so the update creates it again. */
    refresh: boolean;
    /** Deleted local image tags: pulled back from the lab's registry once the update has run (it may restore the registry). */
    pull: string[];
}

/** Pure: the healing of this damage. */
export function healPlan(damage: LabDamage[]): HealPlan {
    return {
        start: damage.flatMap((d) => (d.kind === "stopped" ? [d.name] : [])),
        refresh: damage.some((d) => d.kind === "missing"),
        pull: damage.flatMap((d) => (d.kind === "image-tag-missing" ? [d.image] : [])),
    };
}

/**
 * Pure: the damage to objects Pulumi's state holds (`inState`: the strings of its resources' outputs).
 * What a changed config adds (a new student's containers, a new image tag) is missing only because the
 * update has yet to create it: no refresh, no pull.
 */
export function damageInState(damage: LabDamage[], inState: ReadonlySet<string>): LabDamage[] {
    return damage.filter((d) => inState.has(d.kind === "image-tag-missing" ? d.image : d.name));
}

/** Whether the plan does anything. */
export function healsAnything(plan: HealPlan): boolean {
    return plan.start.length > 0 || plan.refresh || plan.pull.length > 0;
}

/** Starts what was stopped, the registry first (the guard lists it first). */
export async function startStopped(spec: SharedSpec, plan: HealPlan): Promise<void> {
    for (const name of plan.start) await dockerOk(["start", name], `starting ${name} again`, spec.commandEnv);
}

/** How long `npm run up` waits for the apps of a lab it started again to be healthy. */
export const RESTARTED_APP_WAIT_MS = 120_000;

/**
 * Waits until every lab's app containers are healthy again (a started seat restarts the lab inside
 * it; a started replica its app), each on its lab's engine, for at most `timeoutMs` in all: what is
 * still not healthy then is for the checks to report.
 */
export async function waitForHealthyApps(spec: Spec, timeoutMs = RESTARTED_APP_WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const format = "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}";
    for (const lab of labsOf(spec)) {
        for (const container of appContainers(lab)) {
            while (Date.now() < deadline) {
                const state = await docker(["inspect", "--format", format, container.name], lab.commandEnv);
                if (state.status === 0 && ["healthy", "running"].includes(state.stdout.trim())) break;
                await delay(1000);
            }
        }
    }
}

/** Pulls the deleted image tags back from the lab's registry, logged in with `loginEnv` where it requires a login. */
export async function pullTags(spec: SharedSpec, plan: HealPlan, loginEnv: Record<string, string> = {}): Promise<void> {
    for (const image of plan.pull) {
        await dockerOk(["pull", image], `pulling ${image} back from the lab's registry`, { ...spec.commandEnv, ...loginEnv });
    }
}
