import * as fs from "node:fs";
import * as path from "node:path";
import { APP_DIR, buildSpec, type LabConfig, LabConfigError, PROJECT_NAME, parseLabConfig, type Spec } from "../../lab";
import { loadConfigSchema, readStackConfig } from "../stack";
import { finding, skipped } from "./findings";
import type { DoctorFinding, DoctorOptions } from "./types";

/**
 * Config: the stack's values (Pulumi.<stack>.yaml, or given ones) are valid. Returns the findings and,
 * when valid, the config and the lab's spec; when not, the findings end with the note that nothing
 * else was checked.
 */
export function checkConfig(options: DoctorOptions): { findings: DoctorFinding[]; config?: LabConfig; spec?: Spec } {
    const stackFile = `Pulumi.${options.stack}.yaml`;
    try {
        const raw = options.config ?? readStackConfig(options.stack, options.projectDir);
        const config = parseLabConfig(raw, loadConfigSchema(path.join(options.projectDir, "Pulumi.yaml")));
        const spec = buildSpec(config, { project: PROJECT_NAME, stack: options.stack, appDir: APP_DIR });
        const origin = options.config ? "given values" : fs.existsSync(path.join(options.projectDir, stackFile)) ? stackFile : "defaults";
        return {
            findings: [finding("config", "config.valid", true, `config of stack ${options.stack} is valid (${origin})`)],
            config,
            spec,
        };
    } catch (e) {
        const problems = e instanceof LabConfigError ? e.problems : [`stack ${options.stack}: ${(e as Error).message}`];
        return {
            findings: [
                ...problems.map((problem, i) => finding("config", `config.${i + 1}`, false, `config: ${problem}`)),
                skipped(
                    "config",
                    "config.skipped",
                    `Pulumi state, Docker engine, ports, disk space and images not checked: fix the config first (npm run config -- set KEY VALUE)`,
                ),
            ],
        };
    }
}
