import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../engine";
import { OFFLINE_IMAGES } from "../../lab";
import { e2eGate } from "./gate";
import { type CommandRun, describeRun, expectExitCode, expectFailure, expectSuccess } from "./processes";
import { e2eProject } from "./project";

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
    const project = e2eProject(STACK, "docker-lab-e2e-policy-", STEP_TIMEOUT - 60_000);
    const npm = (script: string, args: string[]) => project.npm(script, args);
    let noDeps = "";

    /** Every file of the copy's state, with its contents: a bad pack must leave it as it was. */
    const stateSnapshot = () => project.stateFiles();

    beforeAll(async () => {
        if (!fs.existsSync(path.join(POLICY_DIR, "node_modules", "@pulumi", "policy", "package.json"))) {
            throw new Error(`the policy pack's dependencies are not installed in ${POLICY_DIR}; fix: npm ci --prefix policy`);
        }
        project.create();
        // The pack's sources without node_modules: a pack that cannot start.
        noDeps = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-pack-no-deps-"));
        for (const entry of ["PulumiPolicy.yaml", "package.json", "index.ts", "policies"]) {
            fs.cpSync(path.join(POLICY_DIR, entry), path.join(noDeps, entry), { recursive: true });
        }
        await project.configure(CONFIG);
    }, STEP_TIMEOUT);

    afterAll(() => {
        if (noDeps) fs.rmSync(noDeps, { recursive: true, force: true });
        project.remove(); // the copy and the CLI's workspace file of it
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
            await project.setConfig("bindAddress", "0.0.0.0");
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
            const typo = path.join(project.dir, "polcy");
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
