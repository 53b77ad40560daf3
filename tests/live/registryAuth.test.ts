import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { docker, explainDockerError, PROJECT_ROOT, runChecks } from "../../engine";
import { REGISTRY_PASSWORD_ENV, registryAuthEnv } from "../../lab";
import { type LiveLab, leftovers, provisionLab, removeLeftovers, teardownLab } from "../../rig";
import { labSpec } from "../helpers/specs";
import { describeLive, liveImages } from "./engine";

// registryAuth on a real engine: the registry (read-only root, htpasswd on its volume) refuses a push
// without credentials (401) and takes one with them; every lesson check passes against the
// authenticated lab, logging in by itself; npm run verify finds a wrong password in one line.

const PASSWORD = "live-test-password-0123456789";

/** Runs `sh -c SCRIPT` with a fresh, empty docker config (no credentials), as a learner who has not logged in. */
function shell(script: string, env: Record<string, string>, dockerConfig: string) {
    const out = spawnSync("/bin/sh", ["-c", script], { env: { ...process.env, ...env, DOCKER_CONFIG: dockerConfig }, encoding: "utf8" });
    return { status: out.status, out: `${out.stdout}${out.stderr}` };
}

/** The docker CLI config the learner uses outside the lab, as text (or "" when there is none). */
function learnerDockerConfig(): string {
    const file = path.join(process.env.DOCKER_CONFIG ?? path.join(os.homedir(), ".docker"), "config.json");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
}

describeLive("registryAuth on a real engine", () => {
    const config = { ...liveImages(), replicas: "1", appPort: "19400", registryPort: "19401", registryAuth: "true" };
    const spec = labSpec(config, "test-auth");
    const auth = spec.registry.auth!;
    const env = spec.commandEnv;
    let lab: LiveLab;
    let dockerConfig: string;

    beforeAll(async () => {
        await removeLeftovers([spec]);
        dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), "lab-auth-live-"));
        lab = await provisionLab(spec, { registryPassword: PASSWORD });
    });

    afterAll(async () => {
        await teardownLab(spec);
        fs.rmSync(dockerConfig, { recursive: true, force: true });
        const left = await leftovers(spec);
        expect(left).toEqual({ containers: [], networks: [], volumes: [], images: [], tags: [] });
    });

    test("the registry answers GET /v2/ with 401 and its realm without credentials, 200 with them", async () => {
        const anonymous = await fetch(`${spec.registry.url}/v2/`);
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers.get("www-authenticate")).toBe(`Basic realm="${auth.realm}"`);
        const basic = registryAuthEnv(auth.user, PASSWORD)[auth.basicAuthEnv];
        expect((await fetch(`${spec.registry.url}/v2/`, { headers: { Authorization: `Basic ${basic}` } })).status).toBe(200);
        const wrong = Buffer.from(`${auth.user}:not-the-password`).toString("base64");
        expect((await fetch(`${spec.registry.url}/v2/`, { headers: { Authorization: `Basic ${wrong}` } })).status).toBe(401);
    });

    test("a push without credentials is refused (401, unauthorized); docker login and the same push succeed", () => {
        const tag = `${spec.image.repository}:noauth`;
        const refused = shell(`docker tag ${lab.imageRef} ${tag} && docker push ${tag}`, env, dockerConfig);
        expect(refused.status).not.toBe(0);
        expect(refused.out).toMatch(/no basic auth credentials|unauthorized/);
        // The engine's error explained in one line, with the fix.
        const line = explainDockerError(refused.out, { action: `pushing ${tag}` });
        expect(line.split("\n")).toHaveLength(1);
        expect(line).toMatch(
            /requires a login.*npm run -s pulumi -- stack output registryPassword --show-secrets \| docker login --username/,
        );

        const wrong = shell(
            `printf '%s' not-the-password | docker login --username ${auth.user} --password-stdin ${auth.server}`,
            env,
            dockerConfig,
        );
        expect(wrong.status).not.toBe(0);
        expect(wrong.out).toMatch(/401 Unauthorized/);

        const pushed = shell(
            `printf '%s' "$PW" | docker login --username ${auth.user} --password-stdin ${auth.server} && docker push ${tag}; s=$?; docker logout ${auth.server}; docker image rm ${tag} >/dev/null; exit $s`,
            { ...env, PW: PASSWORD },
            dockerConfig,
        );
        expect({ status: pushed.status, out: pushed.out }).toEqual({ status: 0, out: expect.stringMatching(/noauth: digest: sha256:/) });
    });

    test("every lesson check passes against the authenticated lab, logging in by itself; the learner's docker config is untouched", async () => {
        const before = learnerDockerConfig();
        const results = await runChecks(
            spec.checks,
            { imageRef: lab.imageRef },
            { cwd: PROJECT_ROOT, env: { ...env, ...registryAuthEnv(auth.user, PASSWORD) } },
        );
        const failed = results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.stderr}`);
        expect(failed).toEqual([]);
        expect(results).toHaveLength(spec.checks.length);
        for (const r of results) expect(`${r.stdout}${r.stderr}`).not.toContain(PASSWORD);
        expect(learnerDockerConfig()).toBe(before);
        expect(learnerDockerConfig()).not.toContain(auth.server);
    });

    test("with a wrong password the registry checks fail, each in one line naming the refused login", async () => {
        const checks = spec.checks.filter((c) => ["01.01-tag-push-pull", "01.03-registry-catalog"].includes(c.id));
        const results = await runChecks(
            checks,
            { imageRef: lab.imageRef },
            { cwd: PROJECT_ROOT, env: { ...env, ...registryAuthEnv(auth.user, "wrong") } },
        );
        expect(results.map((r) => r.passed)).toEqual([false, false]);
        const push = results[0].stderr.trim().split("\n");
        expect(push).toHaveLength(2);
        expect(push[1]).toMatch(
            /docker login --username lab --password-stdin localhost:19401 failed \(a wrong registry password\?\).*401 Unauthorized/,
        );
        expect(results[1].stderr).toMatch(/401/);
    });

    test("npm run verify: with the password every check passes; a wrong one is one line and exit 2, before any check", () => {
        const verify = (password: string) =>
            spawnSync(
                process.execPath,
                [
                    require.resolve("ts-node/dist/bin"),
                    "--transpile-only",
                    "scripts/verify.ts",
                    "--stack",
                    "test-auth",
                    "--config",
                    JSON.stringify(config),
                    "--no-report",
                ],
                { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 180_000, env: { ...process.env, [REGISTRY_PASSWORD_ENV]: password } },
            );
        const ok = verify(PASSWORD);
        expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: "" });
        expect(ok.stdout).toContain(`${spec.checks.length} passed, 0 failed`);
        expect(ok.stdout).not.toContain(PASSWORD);

        const bad = verify("not-the-password");
        expect(bad.status).toBe(2);
        expect(bad.stdout.trim().split("\n")).toEqual([
            expect.stringMatching(
                /^✗ the registry at http:\/\/127\.0\.0\.1:19401\/v2\/ refused the login of lab \(HTTP 401\): .*; fix: npm run up/,
            ),
        ]);
    });

    test("the registry's root filesystem stays read-only; the htpasswd file is on its volume", async () => {
        const inspected = JSON.parse((await docker(["inspect", spec.registry.container.name], env)).stdout)[0];
        expect(inspected.HostConfig.ReadonlyRootfs).toBe(true);
        expect(inspected.Config.Env).toEqual(
            expect.arrayContaining(["REGISTRY_AUTH=htpasswd", `REGISTRY_AUTH_HTPASSWD_PATH=${auth.htpasswdPath}`]),
        );
        expect(inspected.Config.Env.join("\n")).not.toContain(PASSWORD);
    });
});
