import * as fs from "node:fs";
import * as path from "node:path";
import { isDir, isFile } from "./files";

/**
 * `--policy-pack DIR` and `--policy-pack-config FILE` arguments of `npm run up | preview`, checked
 * before Pulumi starts: a pack that cannot load would otherwise fail deep inside the CLI (after the
 * preflight, with a stack trace from the language host). One line names the cause and the fix, and
 * nothing runs, so the lab is untouched.
 */

export interface PolicyPackProbe {
    isDir(p: string): boolean;
    isFile(p: string): boolean;
    readFile(p: string): string;
}

export const realPolicyPackProbe: PolicyPackProbe = {
    isDir,
    isFile,
    readFile: (p) => fs.readFileSync(p, "utf8"),
};

/** The lab's own pack, relative to the project root. */
export const LAB_POLICY_PACK = "policy";

/** What a pack needs in its node_modules for the nodejs language host to start it. */
const PACK_DEPENDENCIES = ["@pulumi/policy", "@pulumi/pulumi"];

/** Values of `--name VALUE` and `--name=VALUE` in `args`; undefined for a flag given without a value. */
export function flagValues(args: string[], name: string): (string | undefined)[] {
    const values: (string | undefined)[] = [];
    args.forEach((arg, i) => {
        if (arg === name) {
            const next = args[i + 1];
            values.push(next === undefined || next.startsWith("-") ? undefined : next);
        } else if (arg.startsWith(`${name}=`)) {
            values.push(arg.slice(name.length + 1) || undefined);
        }
    });
    return values;
}

/**
 * The first problem with the policy pack arguments, as one line, or undefined when every pack can
 * load. Relative paths are resolved against `cwd`, the folder Pulumi runs in (the project root).
 */
export function policyPackProblem(args: string[], cwd: string, probe: PolicyPackProbe = realPolicyPackProbe): string | undefined {
    for (const dir of flagValues(args, "--policy-pack")) {
        if (dir === undefined) {
            return `--policy-pack needs the pack's folder; fix: npm run preview -- --policy-pack ${LAB_POLICY_PACK}`;
        }
        const abs = path.resolve(cwd, dir);
        const shown = dir === abs ? dir : `${dir} (${abs})`;
        const cannot = `policy pack ${shown} cannot load`;
        if (!probe.isDir(abs)) {
            return `${cannot}: no such folder; fix: give the folder that holds PulumiPolicy.yaml, e.g. --policy-pack ${LAB_POLICY_PACK} for the lab's own pack`;
        }
        if (!probe.isFile(path.join(abs, "PulumiPolicy.yaml"))) {
            return `${cannot}: it has no PulumiPolicy.yaml, so it is no policy pack; fix: give the folder that holds PulumiPolicy.yaml, e.g. --policy-pack ${LAB_POLICY_PACK}`;
        }
        const missing = PACK_DEPENDENCIES.filter((dep) => !probe.isFile(path.join(abs, "node_modules", dep, "package.json")));
        if (missing.length > 0) {
            return `${cannot}: its dependencies are not installed (no ${missing.map((d) => `node_modules/${d}`).join(", ")}); fix: npm ci --prefix ${dir}`;
        }
    }
    for (const file of flagValues(args, "--policy-pack-config")) {
        if (file === undefined) {
            return `--policy-pack-config needs a JSON file; fix: e.g. --policy-pack-config ${LAB_POLICY_PACK}/allow-all-interfaces.json`;
        }
        const abs = path.resolve(cwd, file);
        const shown = file === abs ? file : `${file} (${abs})`;
        if (!probe.isFile(abs)) {
            return `policy pack config ${shown} cannot be read: no such file; fix: give a JSON file of policy settings, e.g. --policy-pack-config ${LAB_POLICY_PACK}/allow-all-interfaces.json`;
        }
        let config: unknown;
        try {
            config = JSON.parse(probe.readFile(abs));
        } catch (err) {
            return `policy pack config ${shown} is not valid JSON (${(err as Error).message}); fix: write it as {"<policy name>": {"<setting>": <value>}}, like ${LAB_POLICY_PACK}/allow-all-interfaces.json`;
        }
        if (!(config instanceof Object) || Array.isArray(config)) {
            return `policy pack config ${shown} is not a JSON object; fix: write it as {"<policy name>": {"<setting>": <value>}}, like ${LAB_POLICY_PACK}/allow-all-interfaces.json`;
        }
    }
    return undefined;
}
