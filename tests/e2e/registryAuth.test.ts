import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { docker } from "../../engine";
import { type LabSpec, OFFLINE_IMAGES, REGISTRY_PASSWORD_ENV, registryAuthEnv } from "../../lab";
import { leftovers, teardownLab } from "../../rig";
import { labSpec, replicasOf } from "../helpers/specs";
import { e2eGate } from "./gate";
import { type CommandRun, describeRun, expectExitCode, expectOutput, expectSuccess, httpGet } from "./processes";
import { type Deployment, e2eProject, fingerprintsOf, jsonOf, NOTHING_LEFT, nameOf, stepLogger } from "./project";

// Registry authentication through the real Pulumi CLI, as a user runs it: `pulumi config set
// registryAuth true`, `npm run up` (a generated password), then a password of one's own set with
// `pulumi config set --secret registryPassword`. The password is a secret everywhere: it is in no
// state file, no output, no export and no log of the up, in plain text or as the basic credentials
// curl sends. Bad input (a password set without --secret, a wrong or unreadable password) is one line
// naming the cause and the fix, and the running lab is untouched. One throw-away copy of the project;
// stack e2e-auth, app ports 38280-38281, registry 35200. Durations are logged in one line, never asserted.
// Run it under the engine lock: flock /tmp/docker-lab-engine.lock npx jest tests/e2e/registryAuth.test.ts --selectProjects e2e

const STACK = "e2e-auth";
/** What the README has a user set with `pulumi config set`. */
const CONFIG: Record<string, string> = {
    baseImage: OFFLINE_IMAGES.baseImage,
    registryImage: OFFLINE_IMAGES.registryImage,
    appPort: "38280",
    registryPort: "35200",
    replicas: "2",
    registryAuth: "true",
};
const STEP_TIMEOUT = 600_000;

const spec: LabSpec = labSpec(CONFIG, STACK);
const auth = spec.registry.auth!;

/** Resource name → its fingerprint (fingerprintsOf, by URN). */
const fingerprintsByName = (deployment: Deployment) => new Map([...fingerprintsOf(deployment)].map(([urn, fp]) => [nameOf(urn), fp]));

/** The lines a command printed itself: without npm's `> docker-lab@… script` banner and blank lines. */
const ownLines = (run: CommandRun) =>
    run.output
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("> "));

/** The status of GET <registry>/v2/, with the basic credentials of `password` when given. */
async function registryStatus(password?: string): Promise<number> {
    const headers: Record<string, string> =
        password === undefined ? {} : { Authorization: `Basic ${registryAuthEnv(auth.user, password)[auth.basicAuthEnv]}` };
    return (await fetch(`${spec.registry.url}/v2/`, { headers, signal: AbortSignal.timeout(10_000) })).status;
}

/** Each of the lab's containers (registry, replicas): its id and when it last started. */
async function labContainers(): Promise<Record<string, string>> {
    const names = [spec.registry.container.name, ...replicasOf(spec).map((r) => r.name)];
    const out = await docker(["inspect", "--format", "{{.Name}} {{.Id}} {{.State.StartedAt}}", ...names], spec.commandEnv);
    if (out.status !== 0) throw new Error(`docker inspect ${names.join(" ")} failed: ${out.stderr.trim()}`);
    return Object.fromEntries(
        out.stdout
            .trim()
            .split("\n")
            .map((line) => line.split(" "))
            .map(([name, id, started]) => [name.replace(/^\//, ""), `${id} ${started}`]),
    );
}

/** Every replica answers with the app's JSON and its own hostname. */
async function expectAppAnswers(): Promise<void> {
    const answers = await Promise.all(spec.appUrls.map((url) => httpGet(url)));
    expect(answers.map(({ status, body }) => ({ status, hostname: JSON.parse(body).hostname }))).toEqual(
        replicasOf(spec).map((r) => ({ status: 200, hostname: r.hostname })),
    );
}

/** `docker login` to the lab's registry with `password` in a fresh DOCKER_CONFIG, then logout: the login's exit and output. */
function dockerLogin(password: string): { status: number | null; out: string } {
    const config = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-e2e-auth-login-"));
    try {
        const out = spawnSync(
            "/bin/sh",
            [
                "-c",
                `printf '%s' "$PW" | docker login --username "$USER_NAME" --password-stdin "$SERVER"; s=$?; docker logout "$SERVER" >/dev/null; exit $s`,
            ],
            {
                env: { ...process.env, ...spec.commandEnv, DOCKER_CONFIG: config, PW: password, USER_NAME: auth.user, SERVER: auth.server },
                encoding: "utf8",
            },
        );
        return { status: out.status, out: `${out.stdout}${out.stderr}` };
    } finally {
        fs.rmSync(config, { recursive: true, force: true });
    }
}

const gate = e2eGate();

gate.describe("e2e: registry authentication through npm run and the real Pulumi CLI", () => {
    const project = e2eProject(STACK, "docker-lab-e2e-auth-", STEP_TIMEOUT - 60_000);
    const step = stepLogger("e2e registryAuth", { oneLine: true });
    let generated = "";

    const stackExport = async () => expectSuccess(await project.pulumi(["stack", "export", "--stack", STACK]));
    const deployment = async (): Promise<Deployment> => jsonOf(await stackExport()).deployment;
    const resources = async () => (await deployment()).resources ?? [];
    const showPassword = async () =>
        jsonOf(expectSuccess(await project.pulumi(["stack", "output", "registryPassword", "--show-secrets", "--json", "--stack", STACK])));

    /**
     * Where `password` (or the basic credentials made of it) is found: every file of the copy's
     * state, its stack config and lab report, the docker configs a login would write to,
     * `pulumi stack output --json`, `pulumi stack export` (no --show-secrets) and the given command
     * runs. The names of the places; [] when nowhere.
     */
    async function placesHolding(password: string, runs: CommandRun[]): Promise<string[]> {
        const needles = [password, registryAuthEnv(auth.user, password)[auth.basicAuthEnv]];
        const files = [`Pulumi.${STACK}.yaml`, "lab-report.md", path.join("lab-report", "index.html")]
            .map((f) => path.join(project.dir, f))
            .filter((f) => fs.existsSync(f))
            .map((file) => ({ file, text: fs.readFileSync(file, "utf8") }));
        // The docker configs a login writes credentials to: the learner's own, and the private ones the
        // checks make with mktemp -d (each logs out and removes its own at exit).
        const dockerConfigs = [
            path.join(process.env.DOCKER_CONFIG ?? path.join(os.homedir(), ".docker"), "config.json"),
            ...fs
                .readdirSync(os.tmpdir())
                .filter((d) => d.startsWith("tmp."))
                .map((d) => path.join(os.tmpdir(), d, "config.json")),
        ].filter((f) => fs.existsSync(f));
        files.push(...dockerConfigs.map((file) => ({ file, text: fs.readFileSync(file, "utf8") })));
        const outputs = expectSuccess(await project.pulumi(["stack", "output", "--json", "--stack", STACK]));
        const places = [
            ...project.stateFiles().map(({ file, text }) => ({ place: path.relative(project.dir, file), text })),
            ...files.map(({ file, text }) => ({ place: file, text })),
            ...[outputs, await stackExport(), ...runs].map((run) => ({ place: run.command, text: run.output })),
        ];
        expect(places.filter((p) => p.place.startsWith(".pulumi-state")).length).toBeGreaterThan(0);
        return places.filter(({ text }) => needles.some((n) => text.includes(n))).map((p) => p.place);
    }

    /** npm run up passes every check, and its verify too. */
    async function upAndVerify(): Promise<CommandRun> {
        const up = expectSuccess(await project.npm("up"));
        const [, passed] = expectOutput(up, /^(\d+) passed, 0 failed in /m);
        expect(Number(passed)).toBe(spec.checks.length);
        const { checks } = await project.stackOutputs();
        expect(checks).toEqual(Object.fromEntries(spec.checks.map((c) => [c.id, "passed"])));
        return up;
    }

    beforeAll(async () => {
        await step("setup: copy the project", async () => {
            await teardownLab(spec); // what an interrupted earlier run may have left on these ports
            project.create();
        });
    }, STEP_TIMEOUT);

    afterAll(async () => {
        await step("teardown: npm run down, safety net, remove the copy", async () => {
            try {
                if (project.hasState()) {
                    const down = await project.npm("down");
                    if (down.code !== 0) console.log(`teardown: ${describeRun(down, "exit 0")}`);
                }
                await teardownLab(spec);
            } finally {
                project.remove();
            }
        });
        console.log(step.summary());
    }, STEP_TIMEOUT);

    test(
        "registryAuth with a generated password: npm run up verifies; the password is a secret found nowhere; the registry wants it",
        () =>
            step("up with a generated password", async () => {
                await project.configure(CONFIG);
                const up = await upAndVerify();

                const outputs = await project.stackOutputs();
                expect(outputs.registryPassword).toBe("[secret]");
                generated = await showPassword();
                expect(generated).toMatch(/^[0-9a-f]{64}$/);
                expect(await placesHolding(generated, [up])).toEqual([]);
                // The search does find it where it is meant to be shown: the state holds it, encrypted.
                const shown = expectSuccess(await project.pulumi(["stack", "export", "--show-secrets", "--stack", STACK]));
                expect(await placesHolding(generated, [up, shown])).toEqual([shown.command]);

                expect(await registryStatus()).toBe(401);
                expect(await registryStatus(generated)).toBe(200);
                expect(await registryStatus("not-the-password")).toBe(401);
            }),
        STEP_TIMEOUT,
    );

    test(
        "a second npm run up changes nothing",
        () =>
            step("no-op up", async () => {
                expectSuccess(await project.npm("up", ["--expect-no-changes"]));
            }),
        STEP_TIMEOUT,
    );

    test(
        "bad input is one line naming the cause and the fix, and the running lab is untouched",
        () =>
            step("bad input", async () => {
                const containers = await labContainers();
                let state = JSON.stringify(project.stateFiles());
                const untouched = async () => {
                    expect(await labContainers()).toEqual(containers);
                    expect(JSON.stringify(project.stateFiles())).toBe(state);
                    await expectAppAnswers();
                    expect(await registryStatus(generated)).toBe(200);
                };

                // A password set without --secret: refused before anything runs, naming the key and --secret.
                await project.setConfig("registryPassword", "plain");
                const plain = await project.npm("up");
                if (plain.code === 0) throw new Error(describeRun(plain, "a non-zero exit"));
                const named = ownLines(plain).filter((l) => /registryPassword/.test(l));
                if (named.length !== 1 || !named[0].includes("--secret")) {
                    throw new Error(describeRun(plain, "one line naming registryPassword and --secret"));
                }
                console.log(`a password set without --secret, ${plain.command}:\n${ownLines(plain).join("\n")}`);
                await untouched();
                // The same without the preflight: the program itself refuses it (the real CLI tells it which keys
                // are secrets). pulumi up records the failed update, but no resource changes.
                const ids = JSON.stringify((await resources()).map((r) => [r.urn, r.id, r.modified]));
                const program = await project.npm("up", [], { LAB_SKIP_PREFLIGHT: "1" });
                if (program.code === 0 || /preflight found problems/.test(program.output)) {
                    throw new Error(describeRun(program, "a non-zero exit of pulumi up itself"));
                }
                // (The failed update still prints the stack's outputs, `registryPassword: [secret]` among them.)
                const said = ownLines(program).filter((l) => /registryPassword/.test(l) && !/^registryPassword\s*:/.test(l));
                if (said.length !== 1 || !/set in plain text.*--secret registryPassword/.test(said[0])) {
                    throw new Error(describeRun(program, "one line naming registryPassword in plain text and --secret"));
                }
                console.log(`the same with LAB_SKIP_PREFLIGHT=1, ${program.command}:\n${said[0]}`);
                expect(JSON.stringify((await resources()).map((r) => [r.urn, r.id, r.modified]))).toBe(ids);
                expectSuccess(await project.pulumi(["config", "rm", "--stack", STACK, "registryPassword"]));
                state = JSON.stringify(project.stateFiles());
                await untouched();

                // A wrong password: verify stops before any check, with the refused login in one line.
                const wrong = expectExitCode(await project.npm("verify", [], { [REGISTRY_PASSWORD_ENV]: "wrong" }), 2);
                expect(ownLines(wrong)).toEqual([expect.stringMatching(/^✗ .*refused the login of .* \(HTTP 401\).*; fix: npm run up/)]);
                expect(wrong.output).not.toContain(generated);
                console.log(`a wrong password, ${wrong.command}:\n${ownLines(wrong).join("\n")}`);
                await untouched();

                // A password that cannot be read (another secrets passphrase): one line naming the passphrase.
                const unreadable = expectExitCode(await project.npm("verify", [], { PULUMI_CONFIG_PASSPHRASE: "not-the-passphrase" }), 2);
                expect(ownLines(unreadable)).toEqual([
                    expect.stringMatching(
                        /^✗ the registry requires a login, but stack e2e-auth's password could not be read .*PULUMI_CONFIG_PASSPHRASE/,
                    ),
                ]);
                console.log(`an unreadable password, ${unreadable.command}:\n${ownLines(unreadable).join("\n")}`);
                await untouched();
            }),
        STEP_TIMEOUT,
    );

    test(
        "a password of one's own (pulumi config set --secret): npm run up changes only what must, verifies, and the password is found nowhere",
        () =>
            step("up with a given secret password", async () => {
                const given = crypto.randomBytes(24).toString("base64url");
                const before = await deployment();
                const containers = await labContainers();
                expectSuccess(await project.pulumi(["config", "set", "--secret", "--stack", STACK, "registryPassword", given]));
                const up = await upAndVerify();
                const after = await deployment();

                // The generated password is gone; the htpasswd is rewritten and every check re-ran with the
                // new login; the app and the registry containers keep their ids (the image did not change).
                const [prints, printsAfter] = [fingerprintsByName(before), fingerprintsByName(after)];
                const removed = [...prints.keys()].filter((n) => !printsAfter.has(n));
                const changed = [...prints.keys()].filter((n) => printsAfter.has(n) && printsAfter.get(n) !== prints.get(n));
                console.log(`given password: removed ${removed.join(", ")}; changed ${changed.join(", ")}`);
                expect(removed).toEqual(["lab-registry-credentials-generated-password"]);
                expect([...printsAfter.keys()].filter((n) => !prints.has(n))).toEqual([]);
                expect(changed).toEqual(expect.arrayContaining(["lab-registry-htpasswd", ...spec.checks.map((c) => `lab-check-${c.id}`)]));
                const ids = (c: Record<string, string>) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.split(" ")[0]]));
                expect(ids(await labContainers())).toEqual(ids(containers));
                await expectAppAnswers();

                expect(await showPassword()).toBe(given);
                expect((await project.stackOutputs()).registryPassword).toBe("[secret]");
                const login = dockerLogin(given);
                if (login.status !== 0) throw new Error(`docker login with the given password failed: ${login.out}`);
                expect(dockerLogin(generated).status).not.toBe(0);
                expect(await registryStatus(given)).toBe(200);
                expect(await registryStatus(generated)).toBe(401);
                expect(await registryStatus()).toBe(401);

                expect(await placesHolding(given, [up])).toEqual([]);
                expect(await placesHolding(generated, [up])).toEqual([]);
            }),
        STEP_TIMEOUT,
    );

    test(
        "npm run down leaves nothing labelled",
        () =>
            step("down", async () => {
                expectSuccess(await project.npm("down"));
                expect(await leftovers(spec)).toEqual(NOTHING_LEFT);
            }),
        STEP_TIMEOUT,
    );
});
