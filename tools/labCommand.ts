import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { preflight } from "./doctor";
import { policyPackProblem } from "./policyPack";
import { PROJECT_ROOT, planInvocation, STATE_DIR } from "./pulumiCli";
import { findPulumi } from "./toolchain";
import { verifyCommand } from "./verify";

/** Exit code of a `--policy-pack` / `--policy-pack-config` argument that cannot load (nothing ran). */
export const POLICY_PACK_EXIT_CODE = 2;

/**
 * `npm run up | down | preview`: the policy pack arguments checked, the preflight (up only), then
 * the Pulumi steps of the plan, then `verify` (up only). Returns the exit code: the first failing
 * step's, else verify's.
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
    if (plan.preflight) {
        const code = await preflight({ stack: plan.stack, projectDir: PROJECT_ROOT, onProgress: (m) => console.error(m) });
        if (code !== 0) return code;
    }
    fs.mkdirSync(STATE_DIR, { recursive: true });
    const cli = findPulumi(env);
    const [bin, ...binArgs] = cli.argv;
    for (const step of plan.steps) {
        const result = spawnSync(bin, [...binArgs, ...step], { cwd: PROJECT_ROOT, env: { ...plan.env, ...cli.env }, stdio: "inherit" });
        if (result.error) {
            console.error(`Could not run pulumi (${bin}): ${result.error.message}`);
            return 1;
        }
        if (result.status !== 0) return result.status ?? 1;
    }
    return plan.verifyAfter ? verifyCommand(["--stack", plan.stack]) : 0;
}
