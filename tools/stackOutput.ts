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
    const cli = findPulumi(env);
    if (cli.downloads) return { problem: `no Pulumi CLI is at hand to read stack ${stack}'s output ${name}` };
    const [bin, ...binArgs] = cli.argv;
    const flags = [...(options.secrets ? ["--show-secrets"] : []), ...(options.json ? ["--json"] : [])];
    const out = spawnSync(bin, [...binArgs, "stack", "output", name, ...flags, "--stack", stack], {
        cwd: PROJECT_ROOT,
        env: { ...pulumiEnv(env), ...cli.env },
        encoding: "utf8",
    });
    const value = out.status === 0 ? out.stdout.trim() : "";
    if (value) return { value };
    const why = out.status === 0 ? `the stack has no ${name} output yet` : lastLine(out.stderr) || `pulumi exited with ${out.status}`;
    const passphrase = /passphrase|decrypt/i.test(why) ? "; the secrets passphrase is PULUMI_CONFIG_PASSPHRASE (default docker-lab)" : "";
    return { problem: `${why}${passphrase}` };
}

function lastLine(text: string | null | undefined): string {
    return (text ?? "").trim().split("\n").filter(Boolean).pop()?.trim() ?? "";
}
