import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { PROJECT_FILE, PROJECT_ROOT } from "../engine";
import { type ConfigSchema, type LabConfig, labSpecFor, PROJECT_NAME, parseConfigSchema, parseLabConfig, type Spec } from "../lab";

/**
 * A stack as the tools outside `pulumi up` see it (verify, doctor, the exercises, the benchmark):
 * its config read from Pulumi.yaml and Pulumi.<stack>.yaml, and the lab's spec built from it. The
 * files are read here, at the edge; lab/ only parses what it is given.
 */

/** The config schema declared in a project file (default: this project's Pulumi.yaml). */
export function loadConfigSchema(projectFile: string = PROJECT_FILE): ConfigSchema {
    return parseConfigSchema(fs.readFileSync(projectFile, "utf8"), projectFile);
}

/** Validated config from raw values (as `pulumi config` holds them) over this project's declared defaults. */
export function labConfig(raw: Partial<Record<string, unknown>> = {}): LabConfig {
    return parseLabConfig(raw, loadConfigSchema());
}

/**
 * Raw config values of a stack, read from its Pulumi.<stack>.yaml (where `npm run config -- set` writes
 * them), for tools that run without the Pulumi CLI (doctor, verify). Missing file: no values.
 */
export function readStackConfig(stack: string, projectDir: string = PROJECT_ROOT, project = PROJECT_NAME): Record<string, unknown> {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) return {};
    const parsed = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const prefix = `${project}:`;
    return Object.fromEntries(
        Object.entries(parsed.config ?? {})
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
}

/** The lab's spec of `stack`, from the same config the program reads (the stack's file, then `override`). */
export function specForStack(stack: string, override?: Record<string, unknown>): Spec {
    return specFor({ ...readStackConfig(stack, PROJECT_ROOT), ...override }, stack);
}

/** The lab's spec from raw config values over this project's declared defaults, for stack `stack`. */
export function specFor(raw: Partial<Record<string, unknown>>, stack = "dev"): Spec {
    return labSpecFor(raw, stack, loadConfigSchema());
}
