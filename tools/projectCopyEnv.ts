import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_NAME } from "../lab";
import { DEFAULT_PASSPHRASE } from "./pulumiCli";

/**
 * Driving the real Pulumi CLI in a project copy (projectCopy.ts), as the e2e suite and the bench do:
 * the environment `npm run …` and plain `pulumi …` run with there (the caller's own, cleaned of what
 * would pick another backend, stack or passphrase), and the clean-up of the workspace file the CLI
 * keeps for the copy. The environments are pure; `forgetWorkspace` removes one file.
 */

type Env = Record<string, string | undefined>;

/**
 * Variables of the caller's environment that would change what `npm run …` or `pulumi …` do in a
 * copy: another backend or passphrase than the lab's (Pulumi.yaml's backend, DEFAULT_PASSPHRASE),
 * another stack than the one asked for, no preflight.
 */
export const COPY_CLEARED_VARIABLES = [
    "PULUMI_BACKEND_URL",
    "PULUMI_CONFIG_PASSPHRASE",
    "PULUMI_CONFIG_PASSPHRASE_FILE",
    "LAB_SKIP_PREFLIGHT",
    "LAB_STACK",
] as const;

/** Set in every copy's environment: no update check of the CLI, no update notice of npm. */
export const COPY_QUIET_VARIABLES = { PULUMI_SKIP_UPDATE_CHECK: "true", npm_config_update_notifier: "false" } as const;

/**
 * Pure: the environment for `npm run …` in a copy (add LAB_STACK): `env` without COPY_CLEARED_VARIABLES
 * and `alsoCleared`, with COPY_QUIET_VARIABLES. `env` is left as it is.
 */
export function copyEnv(env: Env, alsoCleared: readonly string[] = []): Env {
    const clean: Env = { ...env, ...COPY_QUIET_VARIABLES };
    for (const key of [...COPY_CLEARED_VARIABLES, ...alsoCleared]) delete clean[key];
    return clean;
}

/**
 * Pure: plain `pulumi …` in a copy as the README has a user type it: the clean environment (copyEnv),
 * the CLI's own variables (PATH, PULUMI_HOME of a built toolchain) and the lab's default passphrase;
 * the backend comes from the copy's Pulumi.yaml.
 */
export function copyPulumiEnv(clean: Env, cliEnv: Env): Env {
    return { ...clean, ...cliEnv, PULUMI_CONFIG_PASSPHRASE: DEFAULT_PASSPHRASE };
}

/**
 * Pure: the file in which the CLI keeps a project folder's workspace (its selected stack):
 * `$PULUMI_HOME/workspaces/<project>-<sha1 of the Pulumi.yaml path>-workspace.json`. PULUMI_HOME is
 * the CLI's own (`cliEnv`, a built toolchain's), else the caller's (`env`), else `<homedir>/.pulumi`.
 */
export function workspaceFile(dir: string, cliEnv: Env, env: Env = process.env, homedir: string = os.homedir()): string {
    const home = cliEnv.PULUMI_HOME || env.PULUMI_HOME || path.join(homedir, ".pulumi");
    const key = crypto.createHash("sha1").update(path.join(dir, "Pulumi.yaml")).digest("hex");
    return path.join(home, "workspaces", `${PROJECT_NAME}-${key}-workspace.json`);
}

/** Removes a copy's workspace file (workspaceFile), which outlives the copy; nothing when there is none. */
export function forgetWorkspace(dir: string, cliEnv: Env, env: Env = process.env): void {
    fs.rmSync(workspaceFile(dir, cliEnv, env), { force: true });
}
