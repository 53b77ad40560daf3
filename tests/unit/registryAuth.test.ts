import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as bcrypt from "bcryptjs";
import { PROJECT_ROOT } from "../../engine";
import {
    GENERATE_PASSWORD_COMMAND,
    htpasswdLine,
    htpasswdSalt,
    LabConfigError,
    PLAIN_TEXT_PASSWORD_PROBLEM,
    REGISTRY_AUTH_HEALTHCHECK_COMMAND,
    REGISTRY_BASIC_AUTH_ENV,
    REGISTRY_HTPASSWD_PATH,
    REGISTRY_PASSWORD_ENV,
    REGISTRY_SWARM_HTPASSWD_PATH,
    registryAuthEnv,
    registryPasswordProblem,
    renderCheckScript,
    resolveCheck,
    SECRET_CONFIG_VALUE,
    SWARM_NODES_COMMAND,
} from "../../lab";
import { labConfig } from "../../tools/stack";
import { labSpec } from "../helpers/specs";
import { named, ofType, type ProgramRun, runProgram, TYPES } from "./helpers/program";

// Registry authentication (registryAuth): config, the htpasswd helper, the checks' login, and the
// program under mocks (what it sends, and which of it is secret).

jest.setTimeout(60_000);

const PASSWORD = "correct horse battery staple";
const AUTH = { registryAuth: "true" };

function problems(raw: Record<string, unknown>): string[] {
    try {
        labConfig(raw);
    } catch (err) {
        expect(err).toBeInstanceOf(LabConfigError);
        return (err as LabConfigError).problems;
    }
    return [];
}

describe("config", () => {
    test("registryAuth is off by default, with the user lab; true and false parse as booleans", () => {
        expect(labConfig({})).toMatchObject({ registryAuth: false, registryUser: "lab" });
        expect(labConfig({ registryAuth: "true" }).registryAuth).toBe(true);
        expect(labConfig({ registryAuth: true }).registryAuth).toBe(true);
        expect(labConfig({ registryAuth: "false" }).registryAuth).toBe(false);
    });

    test("registryPassword is not declared in Pulumi.yaml: the CLI would make it required, or refuse a secret's default", () => {
        const project = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8");
        expect(project).not.toMatch(/^ {2}registryPassword:/m);
        expect(project).toMatch(/^ {2}registryAuth:/m);
    });

    test("a bad registryAuth or registryUser names the key and the fix", () => {
        expect(problems({ registryAuth: "yes" })).toEqual([
            'registryAuth = "yes": must be true or false (npm run config -- set registryAuth true)',
        ]);
        for (const user of ["", "a:b", "-lab", "x".repeat(65), "two words"]) {
            const [line] = problems({ ...AUTH, registryUser: user });
            expect(line).toMatch(/^registryUser = .*: must be 1 to 64 letters.*\(npm run config -- set registryUser lab\)$/);
        }
        // Without registryAuth the user name is not used, so it is not checked.
        expect(problems({ registryUser: "a:b" })).toEqual([]);
    });

    test("a password set in plain text is refused in one line naming the key and the fix; a secret one is accepted", () => {
        expect(problems({ registryPassword: "hunter22" })).toEqual([PLAIN_TEXT_PASSWORD_PROBLEM]);
        expect(problems({ ...AUTH, registryPassword: "hunter22" })).toEqual([PLAIN_TEXT_PASSWORD_PROBLEM]);
        expect(PLAIN_TEXT_PASSWORD_PROBLEM).toContain("npm run config -- set --secret registryPassword");
        expect(PLAIN_TEXT_PASSWORD_PROBLEM).not.toContain("hunter22");
        // As the program passes a secret, and as Pulumi.<stack>.yaml holds one (read by verify and the doctor).
        expect(problems({ ...AUTH, registryPassword: SECRET_CONFIG_VALUE })).toEqual([]);
        expect(problems({ ...AUTH, registryPassword: { secure: "v1:abc" } })).toEqual([]);
    });

    test("registryAuth is accepted in swarm mode (both publish modes), and refused with a class in one line with the fix", () => {
        expect(problems({ ...AUTH, mode: "swarm" })).toEqual([]);
        expect(problems({ ...AUTH, mode: "swarm", publishMode: "host" })).toEqual([]);
        expect(problems({ ...AUTH, mode: "swarm", students: ["alice"] })).toEqual([
            expect.stringMatching(/^registryAuth = true with students: .*npm run config -- set registryAuth false/),
        ]);
        expect(problems({ ...AUTH, students: ["alice"] })).toEqual([
            expect.stringMatching(/^registryAuth = true with students: .*npm run config -- set registryAuth false/),
        ]);
    });
});

describe("htpasswd helper", () => {
    test("the line is user:bcrypt-hash and a newline, and bcrypt verifies the password against it", () => {
        const line = htpasswdLine("lab", PASSWORD, "docker-lab-dev");
        expect(line).toMatch(/^lab:\$2b\$10\$[./A-Za-z0-9]{53}\n$/);
        const hash = line.slice("lab:".length).trim();
        expect(bcrypt.compareSync(PASSWORD, hash)).toBe(true);
        expect(bcrypt.compareSync(`${PASSWORD}!`, hash)).toBe(false);
        expect(line).not.toContain(PASSWORD);
    });

    test("the same input gives the same line; another password, lab or user another one", () => {
        const line = htpasswdLine("lab", PASSWORD, "docker-lab-dev");
        expect(htpasswdLine("lab", PASSWORD, "docker-lab-dev")).toBe(line);
        const others = [
            htpasswdLine("lab", "another password", "docker-lab-dev"),
            htpasswdLine("lab", PASSWORD, "docker-lab-e2e"),
            htpasswdLine("teacher", PASSWORD, "docker-lab-dev"),
        ];
        for (const other of others) expect(other.slice(other.indexOf(":"))).not.toBe(line.slice(line.indexOf(":")));
        // The salt is derived, not random: 22 characters of bcrypt's alphabet after the cost.
        expect(htpasswdSalt(PASSWORD, "docker-lab-dev", "lab")).toMatch(/^\$2b\$10\$[./A-Za-z0-9]{22}$/);
    });

    test("an unusable password is refused without repeating it", () => {
        for (const bad of ["", " padded", "line\nbreak", "x".repeat(73)]) {
            const problem = registryPasswordProblem(bad);
            expect(problem).toMatch(/^registryPassword /);
            expect(() => htpasswdLine("lab", bad, "docker-lab-dev")).toThrow(/npm run config -- set --secret registryPassword/);
        }
        expect(registryPasswordProblem("x".repeat(72))).toBeUndefined();
    });

    test("the checks' environment: the password and base64(user:password)", () => {
        expect(registryAuthEnv("lab", PASSWORD)).toEqual({
            [REGISTRY_PASSWORD_ENV]: PASSWORD,
            [REGISTRY_BASIC_AUTH_ENV]: Buffer.from(`lab:${PASSWORD}`).toString("base64"),
        });
    });

    test("the generated password: 64 hex digits, new each time", () => {
        const run = () => execFileSync("/bin/sh", ["-c", GENERATE_PASSWORD_COMMAND], { encoding: "utf8" });
        const [a, b] = [run(), run()];
        expect(a).toMatch(/^[0-9a-f]{64}$/);
        expect(b).not.toBe(a);
    });
});

describe("spec and checks", () => {
    const spec = labSpec(AUTH, "dev");
    const plain = labSpec({}, "dev");
    const ref = `${spec.image.repository}@sha256:${"a".repeat(64)}`;
    const scriptOf = (id: string, s = spec) => renderCheckScript(resolveCheck(s.checks.find((c) => c.id === id)!, { imageRef: ref }));

    test("the registry requires a login: htpasswd env, a healthcheck that wants 401, the login's names", () => {
        expect(spec.registry.container.env).toEqual({
            REGISTRY_AUTH: "htpasswd",
            REGISTRY_AUTH_HTPASSWD_REALM: "docker-lab registry",
            REGISTRY_AUTH_HTPASSWD_PATH: REGISTRY_HTPASSWD_PATH,
        });
        expect(spec.registry.container.healthcheck.command).toBe(REGISTRY_AUTH_HEALTHCHECK_COMMAND);
        expect(spec.registry.auth).toMatchObject({ user: "lab", server: "localhost:5000", passwordEnv: REGISTRY_PASSWORD_ENV });
        // On the volume: the root filesystem stays read-only.
        expect(REGISTRY_HTPASSWD_PATH.startsWith(`${spec.registry.container.volumes[0].containerPath}/`)).toBe(true);
        expect(spec.registry.container.readOnlyRootFilesystem).toBe(true);
        expect(plain.registry.auth).toBeUndefined();
        expect(plain.registry.container.env).toEqual({});
    });

    test("the same checks as without auth; only those that push, pull or call the registry API change", () => {
        expect(spec.checks.map((c) => c.id)).toEqual(plain.checks.map((c) => c.id));
        const changed = spec.checks.filter((c, i) => JSON.stringify(c) !== JSON.stringify(plain.checks[i])).map((c) => c.id);
        expect(changed).toEqual(["01.01-tag-push-pull", "01.01-search", "01.03-registry-catalog"]);
    });

    test("the push-pull check logs in with --password-stdin from the environment, in a private DOCKER_CONFIG, and logs out", () => {
        const script = scriptOf("01.01-tag-push-pull");
        expect(script).toContain(`printf '%s' "$${REGISTRY_PASSWORD_ENV}" | docker login --username lab --password-stdin localhost:5000`);
        expect(script).toContain("DOCKER_CONFIG=$(mktemp -d)");
        expect(script).toMatch(/trap '.*docker logout localhost:5000 .*rm -rf "\$DOCKER_CONFIG"' EXIT/);
        // The check's own cleanup still runs at exit.
        expect(script).toMatch(/trap '\{ docker image rm .*roundtrip ; \}/);
        expect(script).not.toMatch(/--password[ =](?!-stdin)|-p /);
    });

    test("curl sends the credentials from stdin (-K -), never on its command line", () => {
        for (const id of ["01.01-search", "01.03-registry-catalog"]) {
            const script = scriptOf(id);
            expect(script).toContain(`printf 'header = "Authorization: Basic %s"\\n' "$${REGISTRY_BASIC_AUTH_ENV}" | curl -K - -fsS`);
            expect(script).not.toMatch(/curl [^|]*(-u|--user) /);
        }
    });

    test("a check script runs for real: a missing password fails it in one line naming the variable and the fix", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-auth-"));
        try {
            // A docker that must not be reached before the password check.
            fs.writeFileSync(path.join(dir, "docker"), '#!/bin/sh\necho "docker $*" >>"$0.log"\nexit 0\n', { mode: 0o755 });
            const env = { PATH: `${dir}:${process.env.PATH}`, [REGISTRY_PASSWORD_ENV]: "" };
            let stderr = "";
            try {
                execFileSync("/bin/sh", ["-c", scriptOf("01.01-tag-push-pull")], { env, encoding: "utf8", stdio: "pipe" });
            } catch (err) {
                stderr = String((err as { stderr: string }).stderr);
            }
            expect(stderr.trim().split("\n")).toHaveLength(2);
            expect(stderr).toContain("docker-lab check FAILED: 01.01-tag-push-pull");
            expect(stderr).toContain(
                "LAB_REGISTRY_PASSWORD is empty; the password is the stack's: npm run -s pulumi -- stack output registryPassword --show-secrets",
            );
            // No login, no push: only the exit trap ran (the check's cleanup, then the logout).
            expect(fs.readFileSync(path.join(dir, "docker.log"), "utf8")).toBe(
                "docker image rm localhost:5000/docker-lab-dev/hellodocker:1.0.0-roundtrip\ndocker logout localhost:5000\n",
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    test("a refused login fails the check in one line with docker's answer and the fix; the password is not in it", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-auth-"));
        try {
            fs.writeFileSync(
                path.join(dir, "docker"),
                '#!/bin/sh\ncase "$1" in login) cat >/dev/null; echo "Error response from daemon: login attempt to http://localhost:5000/v2/ failed with status: 401 Unauthorized" >&2; exit 1 ;; esac\nexit 0\n',
                { mode: 0o755 },
            );
            let stderr = "";
            try {
                execFileSync("/bin/sh", ["-c", scriptOf("01.01-tag-push-pull")], {
                    env: { PATH: `${dir}:${process.env.PATH}`, [REGISTRY_PASSWORD_ENV]: "wrong-password" },
                    encoding: "utf8",
                    stdio: "pipe",
                });
            } catch (err) {
                stderr = String((err as { stderr: string }).stderr);
            }
            const lines = stderr.trim().split("\n");
            expect(lines).toHaveLength(2);
            expect(lines[1]).toMatch(
                /docker login --username lab --password-stdin localhost:5000 failed \(a wrong registry password\?\).*401 Unauthorized/,
            );
            expect(stderr).not.toContain("wrong-password");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("the program under mocks with registryAuth", () => {
    let generated: ProgramRun;
    let given: ProgramRun;
    const GENERATED = "f".repeat(64);
    beforeAll(async () => {
        generated = await runProgram(AUTH, "dev", {
            commandStdout: (name) => (name === "lab-registry-credentials-generated-password" ? `${GENERATED}\n` : `mock stdout of ${name}`),
        });
        given = await runProgram({ ...AUTH, registryPassword: PASSWORD }, "dev", { secretKeys: ["registryPassword"] });
    });

    test("no password given: one command generates it, its stdout a secret and not logged", () => {
        const cmd = named(generated, "lab-registry-credentials-generated-password");
        expect(cmd.inputs.create).toBe(GENERATE_PASSWORD_COMMAND);
        expect(cmd.inputs.logging).toBe("none");
        expect(cmd.inputs.triggers).toBeUndefined();
        expect(cmd.additionalSecretOutputs).toEqual(["stdout"]);
        expect(() => named(given, "lab-registry-credentials-generated-password")).toThrow(/found 0/);
    });

    test("the registry gets the htpasswd env; its htpasswd file is written on its volume first, by a command whose environment is a secret", () => {
        for (const [run, password] of [
            [generated, GENERATED],
            [given, PASSWORD],
        ] as const) {
            const registry = named(run, "lab-registry-container");
            expect(registry.inputs.envs).toEqual([
                "REGISTRY_AUTH=htpasswd",
                "REGISTRY_AUTH_HTPASSWD_REALM=docker-lab registry",
                `REGISTRY_AUTH_HTPASSWD_PATH=${REGISTRY_HTPASSWD_PATH}`,
            ]);
            expect(registry.inputs.uploads).toBeUndefined();
            expect(registry.secretInputs).toEqual([]);
            expect(registry.inputs.readOnly).toBe(true);
            expect(registry.dependsOn).toContain("lab-registry-htpasswd");
            const write = named(run, "lab-registry-htpasswd");
            expect(write.inputs.environment).toEqual({ LAB_REGISTRY_HTPASSWD: htpasswdLine("lab", password, "docker-lab-dev") });
            expect(write.secretInputs).toEqual(["environment"]);
            expect(write.additionalSecretOutputs).toEqual(["environment"]);
            expect(write.inputs.create).toContain(
                `printf '%s' "$LAB_REGISTRY_HTPASSWD" | docker run --rm -i --network none --read-only --cap-drop ALL`,
            );
            expect(write.inputs.create).not.toContain(password);
        }
    });

    test("the push logs in with the password, a secret", () => {
        const image = named(given, "lab-image-build");
        expect(image.inputs.registry).toEqual({ server: "localhost:5000", username: "lab", password: PASSWORD });
        expect(image.secretInputs).toEqual(["registry"]);
    });

    test("every check's environment holds the password as a secret, in and out; the scripts hold none", () => {
        const checks = ofType(given, TYPES.command).filter((c) => c.name.startsWith("lab-check-"));
        expect(checks.length).toBe(labSpec(AUTH, "dev").checks.length);
        for (const check of checks) {
            expect(check.inputs.environment).toEqual(registryAuthEnv("lab", PASSWORD));
            expect(check.secretInputs).toEqual(["environment"]);
            expect(check.additionalSecretOutputs).toEqual(["environment"]);
            expect(String(check.inputs.create)).not.toContain(PASSWORD);
        }
    });

    test("the password is nowhere in plain inputs: only in secret ones", () => {
        for (const r of given.resources) {
            const plainInputs = Object.fromEntries(Object.entries(r.inputs).filter(([key]) => !r.secretInputs.includes(key)));
            expect({ name: r.name, leaks: JSON.stringify(plainInputs).includes(PASSWORD) }).toEqual({ name: r.name, leaks: false });
        }
    });

    test("the stack output registryPassword is the password (a secret output; the CLI shows [secret])", () => {
        expect(given.outputs.registryPassword).toBe(PASSWORD);
        expect(generated.outputs.registryPassword).toBe(GENERATED);
    });

    test("a password set in plain text stops the program before it declares anything", async () => {
        await expect(runProgram({ ...AUTH, registryPassword: PASSWORD })).rejects.toThrow(/registryPassword is set in plain text/);
    });

    test("without registryAuth nothing of it is sent: no login, no upload, no secret, an empty registryPassword", async () => {
        const run = await runProgram();
        expect(() => named(run, "lab-registry-htpasswd")).toThrow(/found 0/);
        expect(named(run, "lab-image-build").inputs.registry).toBeUndefined();
        expect(run.resources.filter((r) => r.secretInputs.length > 0).map((r) => r.name)).toEqual([]);
        expect(run.outputs.registryPassword).toBe("");
    });
});

describe("the program under mocks with registryAuth in swarm mode", () => {
    const runStdout = (command: string) => {
        if (command === SWARM_NODES_COMMAND) return "vm 127.0.0.1 ready active\n";
        throw new Error(`unexpected command ${command}`);
    };
    const SWARM = { ...AUTH, mode: "swarm", publishMode: "host", replicas: "1", registryPassword: PASSWORD };
    const spec = labSpec({ ...SWARM, registryPassword: SECRET_CONFIG_VALUE }, "dev");
    const LINE = htpasswdLine("lab", PASSWORD, "docker-lab-dev");
    let run: ProgramRun;
    let plain: ProgramRun;
    beforeAll(async () => {
        run = await runProgram(SWARM, "dev", { runStdout, secretKeys: ["registryPassword"] });
        plain = await runProgram({ mode: "swarm", publishMode: "host", replicas: "1" }, "dev", { runStdout });
    });

    test("the htpasswd line is a Docker secret: its data base64 of the line, a secret in and out; auto-named, labelled as the lab's", () => {
        const [secret] = ofType(run, "docker:index/secret:Secret");
        expect(secret.name).toBe("lab-registry-htpasswd");
        expect(Buffer.from(secret.inputs.data, "base64").toString("utf8")).toBe(LINE);
        expect(secret.secretInputs).toEqual(["data"]);
        expect(secret.additionalSecretOutputs).toEqual(["data"]);
        // No name: Pulumi names it <resource>-<random>, and a changed password gets a new one (create before delete).
        expect(secret.inputs.name).toBeUndefined();
        expect(secret.deleteBeforeReplace).toBe(false);
        expect(secret.inputs.labels).toEqual(
            expect.arrayContaining([
                { label: "docker-lab.instance", value: "docker-lab-dev" },
                { label: "docker-lab.role", value: "registry-htpasswd" },
            ]),
        );
        // Nothing writes a file onto the volume in swarm mode.
        expect(() => named(run, "lab-registry-htpasswd")).not.toThrow();
        expect(ofType(run, TYPES.command).filter((c) => c.name.endsWith("-htpasswd"))).toEqual([]);
        expect(ofType(plain, "docker:index/secret:Secret")).toEqual([]);
    });

    test("the registry service mounts the secret where REGISTRY_AUTH_HTPASSWD_PATH points, and its healthcheck wants 401", () => {
        const registry = named(run, "lab-registry-service");
        const container = registry.inputs.taskSpec.containerSpec;
        expect(spec.registry.auth?.htpasswdPath).toBe(REGISTRY_SWARM_HTPASSWD_PATH);
        expect(container.env).toEqual({
            REGISTRY_AUTH: "htpasswd",
            REGISTRY_AUTH_HTPASSWD_REALM: "docker-lab registry",
            REGISTRY_AUTH_HTPASSWD_PATH: REGISTRY_SWARM_HTPASSWD_PATH,
        });
        expect(container.secrets).toEqual([
            { fileName: REGISTRY_SWARM_HTPASSWD_PATH, fileUid: "0", fileGid: "0", fileMode: 0o444, secretId: "lab-registry-htpasswd-id" },
        ]);
        expect(container.healthcheck.tests).toEqual(["CMD-SHELL", REGISTRY_AUTH_HEALTHCHECK_COMMAND]);
        expect(container.readOnly).toBe(true);
        expect(registry.dependsOn).toContain("lab-registry-htpasswd");
        expect(registry.secretInputs).toEqual([]);
        expect(registry.inputs.auth).toBeUndefined();
        // Without registryAuth: no secret mounted, no login env, the 200 healthcheck.
        const open = named(plain, "lab-registry-service").inputs.taskSpec.containerSpec;
        expect(open.secrets).toBeUndefined();
        expect(open.env ?? {}).toEqual({});
        expect(open.healthcheck.tests).not.toContain(REGISTRY_AUTH_HEALTHCHECK_COMMAND);
    });

    test("the app service carries the login the nodes pull with, its password a secret", () => {
        const app = named(run, "lab-app-service");
        expect(app.inputs.auth).toEqual({ serverAddress: "localhost:5000", username: "lab", password: PASSWORD });
        expect(app.secretInputs).toEqual(["auth"]);
        expect(app.inputs.taskSpec.containerSpec.secrets).toBeUndefined();
        expect(named(plain, "lab-app-service").inputs.auth).toBeUndefined();
    });

    test("the push logs in; every check's environment holds the password as a secret; the scripts hold none", () => {
        const image = named(run, "lab-image-build");
        expect(image.inputs.registry).toEqual({ server: "localhost:5000", username: "lab", password: PASSWORD });
        expect(image.secretInputs).toEqual(["registry"]);
        const checks = ofType(run, TYPES.command).filter((c) => c.name.startsWith("lab-check-"));
        expect(checks.map((c) => c.name.slice("lab-check-".length)).sort()).toEqual(spec.checks.map((c) => c.id).sort());
        for (const check of checks) {
            expect(check.inputs.environment).toEqual(registryAuthEnv("lab", PASSWORD));
            expect(check.secretInputs).toEqual(["environment"]);
            expect(check.additionalSecretOutputs).toEqual(["environment"]);
            expect(String(check.inputs.create)).not.toContain(PASSWORD);
        }
    });

    test("the swarm checks that push, pull or call the registry API log in; the others are those without auth", () => {
        const open = labSpec({ mode: "swarm", publishMode: "host", replicas: "1" }, "dev");
        expect(spec.checks.map((c) => c.id)).toEqual(open.checks.map((c) => c.id));
        const changed = spec.checks.filter((c, i) => JSON.stringify(c) !== JSON.stringify(open.checks[i])).map((c) => c.id);
        expect(changed).toEqual(["01.01-tag-push-pull", "01.01-search", "01.03-registry-catalog"]);
        const ref = `${spec.image.repository}@sha256:${"a".repeat(64)}`;
        const script = (id: string) => renderCheckScript(resolveCheck(spec.checks.find((c) => c.id === id)!, { imageRef: ref }));
        expect(script("01.01-tag-push-pull")).toContain(
            `printf '%s' "$${REGISTRY_PASSWORD_ENV}" | docker login --username lab --password-stdin localhost:5000`,
        );
        for (const id of ["01.01-search", "01.03-registry-catalog"]) expect(script(id)).toContain("curl -K - -fsS");
    });

    test("the password is nowhere in plain inputs, and the stack output registryPassword is it (a secret output)", () => {
        for (const r of run.resources) {
            const plainInputs = Object.fromEntries(Object.entries(r.inputs).filter(([key]) => !r.secretInputs.includes(key)));
            expect({ name: r.name, leaks: JSON.stringify(plainInputs).includes(PASSWORD) }).toEqual({ name: r.name, leaks: false });
        }
        expect(run.outputs.registryPassword).toBe(PASSWORD);
    });
});
