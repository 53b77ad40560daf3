import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import type { Spec } from "../lab";
import { preflight } from "./doctor";
import { damageInState, type HealPlan, healPlan, healsAnything, pullTags, startStopped, waitForHealthyApps } from "./heal";
import { type LabDamage, labDamage } from "./labGuard";
import { policyPackProblem } from "./policyPack";
import { exportArgs, type Invocation, PROJECT_ROOT, planInvocation, refreshArgs, STATE_DIR } from "./pulumiCli";
import { registryPassword, withRegistryLogin } from "./registryLogin";
import { specForStack } from "./stack";
import { findPulumi } from "./toolchain";
import { isDeployed, stateStrings } from "./upChecks";
import { verifyAfterUp } from "./upVerify";

/** Exit code of a `--policy-pack` / `--policy-pack-config` argument that cannot load (nothing ran). */
export const POLICY_PACK_EXIT_CODE = 2;

/** Runs one Pulumi command in the project root; `capture` returns its stdout instead of showing it. */
type Pulumi = (args: string[], capture?: boolean) => { status: number; stdout: string };

function pulumiRunner(plan: Invocation, env: Record<string, string | undefined>): Pulumi {
    const cli = findPulumi(env);
    const [bin, ...binArgs] = cli.argv;
    return (args, capture = false) => {
        const result = spawnSync(bin, [...binArgs, ...args], {
            cwd: PROJECT_ROOT,
            env: { ...plan.env, ...cli.env },
            stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
            encoding: "utf8",
            maxBuffer: 256 * 1024 * 1024,
        });
        if (result.error) {
            console.error(`Could not run pulumi (${bin}): ${result.error.message}`);
            return { status: 1, stdout: "" };
        }
        return { status: result.status ?? 1, stdout: result.stdout ?? "" };
    };
}

/** The healing of one `npm run up`, with the spec it was planned from. */
interface Healing {
    spec: Spec;
    plan: HealPlan;
}

/**
 * What the lab guard finds broken (stopped or removed by hand, or stopped by an engine restart), healed
 * before the update: stopped containers started, a refresh when something was removed. Returns the plan and
 * the spec it read (the plan's image tags are pulled after the update), or undefined when the spec cannot be
 * read: the update then reports the config problem itself.
 */
async function healBefore(stack: string, pulumi: Pulumi): Promise<Healing | undefined> {
    let spec: Spec;
    let damage: LabDamage[];
    try {
        spec = specForStack(stack);
        damage = await labDamage(spec);
    } catch {
        return undefined;
    }
    if (damage.length === 0) return { spec, plan: healPlan(damage) };
    // Nothing deployed yet (a first up, or after a down): nothing was broken, all is still to create.
    const exported = pulumi(exportArgs(stack), true);
    if (exported.status !== 0) return undefined;
    const deployment: unknown = JSON.parse(exported.stdout);
    if (!isDeployed(deployment)) return undefined;
    const plan = healPlan(damageInState(damage, stateStrings(deployment)));
    if (!healsAnything(plan)) return { spec, plan };
    if (plan.start.length > 0) {
        console.error(`npm run up: starting ${plan.start.join(", ")} again (stopped)`);
        await startStopped(spec, plan);
        await waitForHealthyApps(spec);
    }
    if (plan.refresh) {
        console.error("npm run up: part of the lab was removed by hand; refreshing Pulumi's state so the update creates it again");
        const refresh = pulumi(refreshArgs(stack));
        if (refresh.status !== 0) throw new Error(`pulumi refresh --stack ${stack} failed (exit ${refresh.status})`);
    }
    return { spec, plan };
}

/** The image tags deleted by hand, pulled back from the lab's (now healthy) registry, logged in where it requires it. */
async function healAfter(stack: string, healing: Healing | undefined): Promise<void> {
    if (!healing || healing.plan.pull.length === 0) return;
    const { spec, plan } = healing;
    console.error(`npm run up: pulling ${plan.pull.join(", ")} back from the lab's registry`);
    if (!spec.registry.auth) return pullTags(spec, plan);
    const lookup = registryPassword(stack);
    if ("problem" in lookup) throw new Error(lookup.problem);
    await withRegistryLogin(spec, lookup.password, (env) => pullTags(spec, plan, env));
}

/**
 * `npm run up | down | preview`: the policy pack arguments checked, the stack selected (created when
 * new), the preflight (up only), what the lab guard finds broken healed (up only), the Pulumi command,
 * then (up only) the deleted image tags pulled back and the checks the update did not run verified.
 * Returns the exit code: the first failing step's, else verify's.
 */
export async function labCommand(argv: string[], env: Record<string, string | undefined>): Promise<number> {
    const [command, ...extra] = argv;
    const plan = planInvocation(command, env, extra);
    // A pack that cannot load stops here, before anything touches the stack or the engine.
    const packProblem = policyPackProblem(extra, PROJECT_ROOT);
    if (packProblem) {
        console.error(packProblem);
        return POLICY_PACK_EXIT_CODE;
    }
    fs.mkdirSync(STATE_DIR, { recursive: true });
    const pulumi = pulumiRunner(plan, env);
    const [select, main] = plan.steps;
    const selected = pulumi(select, true);
    if (selected.status !== 0) return selected.status;
    if (plan.preflight) {
        const code = await preflight({ stack: plan.stack, projectDir: PROJECT_ROOT, onProgress: (m) => console.error(m) });
        if (code !== 0) return code;
    }
    const heal = plan.heal ? await healBefore(plan.stack, pulumi) : undefined;
    const upStartMs = Date.now();
    const ran = pulumi(main);
    if (ran.status !== 0 || !plan.verifyAfter) return ran.status;
    await healAfter(plan.stack, heal);
    const exported = pulumi(exportArgs(plan.stack), true);
    if (exported.status !== 0) return exported.status;
    const healed = heal !== undefined && healsAnything(heal.plan);
    return verifyAfterUp(plan.stack, upStartMs, JSON.parse(exported.stdout), { healed, log: (line) => console.log(line) });
}
