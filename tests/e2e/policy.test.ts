import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../engine";
import { OFFLINE_IMAGES } from "../../lab";
import { copyProject, removeProjectCopy } from "../../tools/projectCopy";
import { findPulumi } from "../../tools/toolchain";
import { e2eGate } from "./gate";
import { type CommandRun, describeRun, expectExitCode, expectFailure, expectSuccess, runCommand } from "./processes";

// The policy pack on the real Pulumi CLI, driven as a user does (`npm run preview -- --policy-pack …`),
// in a throw-away copy of the project with its own stack and ports (38180-38181, 35100). Previews
// only: nothing is created on the engine. Run it under the engine lock like the rest of the suite.

const STACK = "e2e-policy";
const CONFIG: Record<string, string> = {
    baseImage: OFFLINE_IMAGES.baseImage,
    registryImage: OFFLINE_IMAGES.registryImage,
    appPort: "38180",
    registryPort: "35100",
};
const PASSPHRASE = "docker-lab";
const STEP_TIMEOUT = 600_000;
/** The lab's pack, by absolute path: the copy has no policy/ of its own. */
const POLICY_DIR = path.join(PROJECT_ROOT, "policy");
const ALLOW_ALL = path.join(POLICY_DIR, "allow-all-interfaces.json");

/** The "Policies:" block of a preview's output (what the closing note quotes). */
const policiesBlock = (run: CommandRun) => run.output.match(/^Policies:\n(?:^ {4}.*\n?)+/m)?.[0] ?? "(no Policies block)";

/** The policy of every finding in a Policies block, in order. */
const findingsIn = (block: string) => [...block.matchAll(/- \[(?:mandatory|advisory)\]\s+(\S+)/g)].map((m) => m[1]);

const gate = e2eGate();

gate.describe("e2e: the policy pack through npm run preview and the real Pulumi CLI", () => {
    const cli = findPulumi(process.env);
    const base: Record<string, string | undefined> = {
        ...process.env,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        npm_config_update_notifier: "false",
    };
    for (const key of [
        "PULUMI_BACKEND_URL",
        "PULUMI_CONFIG_PASSPHRASE",
        "PULUMI_CONFIG_PASSPHRASE_FILE",
        "LAB_SKIP_PREFLIGHT",
        "LAB_STACK",
    ]) {
        delete base[key];
    }
    let copy = "";
    let noDeps = "";

    const npm = (script: string, args: string[]) =>
        runCommand("npm", ["run", script, "--", ...args], {
            cwd: copy,
            env: { ...base, LAB_STACK: STACK },
            shownEnv: `LAB_STACK=${STACK}`,
            timeoutMs: STEP_TIMEOUT - 60_000,
        });
    const pulumi = (args: string[]) =>
        runCommand(cli.argv[0], [...cli.argv.slice(1), ...args], {
            cwd: copy,
            env: { ...base, ...cli.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
            shownEnv: `PULUMI_CONFIG_PASSPHRASE=${PASSPHRASE}`,
        });
    const configSet = async (key: string, value: string) => expectSuccess(await pulumi(["config", "set", "--stack", STACK, key, value]));

    /** Every file of the copy's state, with its contents: a bad pack must leave it as it was. */
    const stateSnapshot = () => {
        const dir = path.join(copy, ".pulumi-state");
        return (fs.readdirSync(dir, { recursive: true }) as string[])
            .map((f) => path.join(dir, f))
            .filter((f) => fs.statSync(f).isFile())
            .sort()
            .map((f) => `${f}\n${fs.readFileSync(f, "utf8")}`);
    };

    beforeAll(async () => {
        if (!fs.existsSync(path.join(POLICY_DIR, "node_modules", "@pulumi", "policy", "package.json"))) {
            throw new Error(`the policy pack's dependencies are not installed in ${POLICY_DIR}; fix: npm ci --prefix policy`);
        }
        copy = copyProject("docker-lab-e2e-policy-");
        // The pack's sources without node_modules: a pack that cannot start.
        noDeps = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-pack-no-deps-"));
        for (const entry of ["PulumiPolicy.yaml", "package.json", "index.ts", "policies"]) {
            fs.cpSync(path.join(POLICY_DIR, entry), path.join(noDeps, entry), { recursive: true });
        }
        expectSuccess(await pulumi(["stack", "init", STACK]));
        for (const [key, value] of Object.entries(CONFIG)) await configSet(key, value);
    }, STEP_TIMEOUT);

    afterAll(() => {
        if (noDeps) fs.rmSync(noDeps, { recursive: true, force: true });
        if (!copy) return;
        removeProjectCopy(copy);
        // The CLI keeps the copy's selected stack in $PULUMI_HOME/workspaces: forget it too.
        const home = cli.env.PULUMI_HOME || process.env.PULUMI_HOME || path.join(os.homedir(), ".pulumi");
        const key = crypto.createHash("sha1").update(path.join(copy, "Pulumi.yaml")).digest("hex");
        fs.rmSync(path.join(home, "workspaces", `docker-lab-${key}-workspace.json`), { force: true });
    });

    test(
        "npm run preview -- --policy-pack policy on the default lab passes, with no finding at all",
        async () => {
            const run = expectSuccess(await npm("preview", ["--policy-pack", POLICY_DIR]));
            console.log(`default lab, ${run.command}:\n${policiesBlock(run)}`);
            expect(policiesBlock(run)).toMatch(/✅ docker-lab@v0\.1\.0 \(local: /);
            if (/\[(mandatory|advisory)\]|can't run policy/.test(run.output)) throw new Error(describeRun(run, "no policy finding"));
        },
        STEP_TIMEOUT,
    );

    test(
        "with bindAddress 0.0.0.0 and no allowance the preview fails, naming the policies, the resources and the fix",
        async () => {
            await configSet("bindAddress", "0.0.0.0");
            const run = expectFailure(await npm("preview", ["--policy-pack", POLICY_DIR]), /❌ docker-lab@v0\.1\.0/);
            console.log(`bindAddress 0.0.0.0, ${run.command}:\n${policiesBlock(run)}`);
            const block = policiesBlock(run);
            for (const resource of ["lab-app-0", "lab-app-1", "lab-registry-container"]) {
                expect(block).toContain(`[mandatory]  published-ports-on-bind-address  (docker:index:Container: ${resource})`);
            }
            expect(block).toContain("[mandatory]  registry-loopback-or-auth  (docker:index:Container: lab-registry-container)");
            expect(block).toMatch(
                /container lab-app-0 \(docker-lab-e2e-policy-app-0\): ports\[0\]\.ip is 0\.0\.0\.0, .*; fix: set ip to a specific address/,
            );
            expect(new Set(findingsIn(block))).toEqual(new Set(["published-ports-on-bind-address", "registry-loopback-or-auth"]));
        },
        STEP_TIMEOUT,
    );

    test(
        "the explicit allowance (--policy-pack-config allow-all-interfaces.json) clears the ports, not the unauthenticated registry",
        async () => {
            const run = expectFailure(
                await npm("preview", ["--policy-pack", POLICY_DIR, "--policy-pack-config", ALLOW_ALL]),
                /❌ docker-lab@v0\.1\.0/,
            );
            console.log(`bindAddress 0.0.0.0 with the allowance, ${run.command}:\n${policiesBlock(run)}`);
            expect(policiesBlock(run)).toContain(
                "[mandatory]  registry-loopback-or-auth  (docker:index:Container: lab-registry-container)",
            );
            expect(findingsIn(policiesBlock(run))).toEqual(["registry-loopback-or-auth"]);
        },
        STEP_TIMEOUT,
    );

    test(
        "a pack that cannot load gets one line with the cause and the fix, exit code 2, and the stack's state is untouched",
        async () => {
            const before = stateSnapshot();
            const typo = path.join(copy, "polcy");
            const cases: { args: string[]; script: string; line: string }[] = [
                {
                    script: "preview",
                    args: ["--policy-pack", typo],
                    line: `policy pack ${typo} cannot load: no such folder; fix: give the folder that holds PulumiPolicy.yaml, e.g. --policy-pack policy for the lab's own pack`,
                },
                {
                    script: "up",
                    args: ["--policy-pack", noDeps],
                    line: `policy pack ${noDeps} cannot load: its dependencies are not installed (no node_modules/@pulumi/policy, node_modules/@pulumi/pulumi); fix: npm ci --prefix ${noDeps}`,
                },
            ];
            for (const c of cases) {
                const run = expectExitCode(await npm(c.script, c.args), 2);
                expect(
                    run.stderr
                        .trim()
                        .split("\n")
                        .filter((l) => !l.startsWith("npm ")),
                ).toEqual([c.line]);
                expect(run.output).not.toMatch(/Previewing update|Updating \(/);
            }
            expect(stateSnapshot()).toEqual(before);
        },
        STEP_TIMEOUT,
    );
});
