import { spawnSync } from "node:child_process";
import { PROJECT_ROOT } from "../engine";
import { pulumiEnv } from "./pulumiCli";
import { findPulumi } from "./toolchain";

/** A stack output's text, or why it could not be had (one line). */
export type OutputLookup = { value: string } | { problem: string };

/**
 * The output `name` of `stack` as `pulumi stack output NAME` prints it (JSON for a list or a map;
 * with `secrets`, a secret's value, decrypted with the passphrase npm run up uses). A problem when no
 * Pulumi CLI is at hand without a download, or the stack has no such output.
 */
export function stackOutput(
    stack: string,
    name: string,
    options: { secrets?: boolean; json?: boolean } = {},
    env = process.env,
): OutputLookup {
    const flags = [...(options.secrets ? ["--show-secrets"] : []), ...(options.json ? ["--json"] : [])];
    const out = readStack(["stack", "output", name, ...flags, "--stack", stack], env);
    if ("problem" in out) return { problem: out.problem === NO_CLI ? `${NO_CLI} to read stack ${stack}'s output ${name}` : out.problem };
    if (out.value) return out;
    return { problem: `the stack has no ${name} output yet` };
}

/** The URN of the resource named `name` in `stack`'s state (`pulumi stack export`), or why there is none. */
export function stackResourceUrn(stack: string, name: string, env = process.env): OutputLookup {
    const out = readStack(["stack", "export", "--stack", stack], env);
    if ("problem" in out) return { problem: out.problem === NO_CLI ? `${NO_CLI} to read stack ${stack}'s state` : out.problem };
    const resources: { urn: string }[] = JSON.parse(out.value).deployment?.resources ?? [];
    const urn = resources.find((r) => r.urn.endsWith(`::${name}`))?.urn;
    return urn ? { value: urn } : { problem: `stack ${stack} has no resource ${name} yet` };
}

const NO_CLI = "no Pulumi CLI is at hand";

/** What `pulumi ARGS` prints (trimmed) with the lab's CLI and passphrase, or one line on why it could not run. */
function readStack(args: string[], env: Record<string, string | undefined>): OutputLookup {
    const cli = findPulumi(env);
    if (cli.downloads) return { problem: NO_CLI };
    const [bin, ...binArgs] = cli.argv;
    // A class's state runs to megabytes: more than spawnSync's default buffer.
    const out = spawnSync(bin, [...binArgs, ...args], {
        cwd: PROJECT_ROOT,
        env: { ...pulumiEnv(env), ...cli.env },
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
    });
    if (out.status === 0) return { value: out.stdout.trim() };
    const why = out.error?.message ?? (lastLine(out.stderr) || `pulumi exited with ${out.status}`);
    const passphrase = /passphrase|decrypt/i.test(why) ? "; the secrets passphrase is PULUMI_CONFIG_PASSPHRASE (default docker-lab)" : "";
    return { problem: `${why}${passphrase}` };
}

function lastLine(text: string | null | undefined): string {
    return (text ?? "").trim().split("\n").filter(Boolean).pop()?.trim() ?? "";
}
