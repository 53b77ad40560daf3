import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runShellCommand } from "../engine";
import { REGISTRY_PASSWORD_ENV, registryAuthEnv, type SharedSpec, shellQuote } from "../lab";
import { stackOutput } from "./stackOutput";

/**
 * The registry login of a lab with registryAuth, for the tools that run its checks outside `pulumi up`
 * (npm run verify, the exercises): where the password comes from, and a probe of it before any check runs.
 */

/** The password, or why it could not be had (one line with the fix). */
export type PasswordLookup = { password: string } | { problem: string };

/**
 * The registry password of `stack`: LAB_REGISTRY_PASSWORD when set (a lab made by the live harness,
 * or a password you give), else the stack's secret output, read with
 * `npm run -s pulumi -- stack output registryPassword --show-secrets` (the secrets passphrase as npm run up uses it).
 */
export function registryPassword(stack: string, env: Record<string, string | undefined> = process.env): PasswordLookup {
    const given = env[REGISTRY_PASSWORD_ENV];
    if (given) return { password: given };
    const fix = `fix: npm run up (it creates the password), or set ${REGISTRY_PASSWORD_ENV}`;
    const out = stackOutput(stack, "registryPassword", { secrets: true }, env);
    if ("value" in out) return { password: out.value };
    return { problem: `the registry requires a login, but stack ${stack}'s password could not be read (${out.problem}); ${fix}` };
}

/**
 * Logs in to the lab's registry API once (GET /v2/ with the basic credentials): undefined when the
 * registry accepts the password, else one line naming the cause and the fix. The password is never in it.
 */
export async function probeRegistryLogin(spec: SharedSpec, password: string): Promise<string | undefined> {
    const auth = spec.registry.auth;
    if (!auth) return undefined;
    const url = `${spec.registry.url}/v2/`;
    const basic = registryAuthEnv(auth.user, password)[auth.basicAuthEnv];
    let status: number;
    try {
        status = (await fetch(url, { headers: { Authorization: `Basic ${basic}` }, signal: AbortSignal.timeout(5000) })).status;
    } catch (err) {
        return `the registry at ${url} does not answer (${(err as Error).message}); fix: npm run doctor, then npm run up`;
    }
    if (status === 401) {
        return `the registry at ${url} refused the login of ${auth.user} (HTTP 401): the password differs from the registry's htpasswd; fix: npm run up (it gives the registry the htpasswd of the stack's password), or set ${REGISTRY_PASSWORD_ENV} to the right one`;
    }
    return status === 200 ? undefined : `the registry at ${url} answered HTTP ${status} to a login; fix: npm run up`;
}

/**
 * Runs `fn` with the environment of a docker CLI logged in to the lab's registry (a private
 * DOCKER_CONFIG, so the learner's own is untouched), then logs out and removes it.
 */
export async function withRegistryLogin<T>(
    spec: SharedSpec,
    password: string,
    fn: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
    const auth = spec.registry.auth;
    if (!auth) return fn({});
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-login-"));
    const env = { ...spec.commandEnv, DOCKER_CONFIG: dir };
    try {
        const login = await runShellCommand(
            `printf '%s' "$LAB_LOGIN_PASSWORD" | docker login --username ${shellQuote(auth.user)} --password-stdin ${shellQuote(auth.server)}`,
            { env: { ...env, LAB_LOGIN_PASSWORD: password } },
        );
        if (login.status !== 0) throw new Error(`logging in to the registry ${auth.server} failed: ${login.stderr.trim()}`);
        return await fn({ DOCKER_CONFIG: dir });
    } finally {
        await runShellCommand(`docker logout ${shellQuote(auth.server)}`, { env });
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
