import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../engine";
import { type LabSpec, OFFLINE_IMAGES } from "../../lab";
import { initSwarm, leaveSwarm, removeSwarmLab, runningServiceTasks, serviceImage, swarmLeftovers, swarmState } from "../../rig";
import { appServiceOf, labSpec, registryServiceOf, swarmAppOf } from "../helpers/specs";
import { e2eGate } from "./gate";
import { describeRun, expectOutput, expectSuccess, httpGet, sleep } from "./processes";
import { e2eProject, NOTHING_LEFT, stepLogger } from "./project";

// Swarm mode end to end: the real Pulumi CLI through `npm run up|down` and plain `pulumi`, in a
// throw-away project copy, on a one-node swarm of the local engine (made here when the engine is in
// no swarm, with its node advertising 127.0.0.1 so every request stays on this machine). This
// machine's kernel has no IPVS, so the ingress mesh never answers: the lab publishes in host mode,
// one app task per node. Each step builds on the last; durations are logged, never asserted.
// Run it under the engine lock: flock /tmp/docker-lab-engine.lock npx jest tests/e2e/swarm.test.ts

const STACK = "e2e-swarm";
/** What the README has a user set for a swarm lab (the swarm e2e port block: 54080, 54000). */
const CONFIG: Record<string, string> = {
    baseImage: OFFLINE_IMAGES.baseImage,
    registryImage: OFFLINE_IMAGES.registryImage,
    appPort: "54080",
    registryPort: "54000",
    mode: "swarm",
    publishMode: "host",
    // One node, and host mode runs one task per node.
    replicas: "1",
    // Swarm publishes the registry on every interface: the lab a policy pack accepts has it require a login
    // (the htpasswd a Docker secret, every node's pull through the app service's auth).
    registryAuth: "true",
};
const STEP_TIMEOUT = 600_000;
const spec: LabSpec = labSpec(CONFIG, STACK);
const APP_SERVICE = appServiceOf(spec).name;
const NOTHING = { ...NOTHING_LEFT, services: [], secrets: [] };

/** What one poll of the app saw: its answer's version, or the error. */
interface Poll {
    at: number;
    version?: string;
    hostname?: string;
    error?: string;
}

const gate = e2eGate();

gate.describe("e2e: swarm mode on a one-node swarm, through npm run and the real Pulumi CLI", () => {
    const project = e2eProject(STACK, "docker-lab-e2e-swarm-");
    const step = stepLogger("e2e swarm");
    /** Whether this test made the swarm: then it leaves it too, with the docker_gwbridge network. */
    let createdSwarm = false;
    const npm = (script: string, args: string[] = []) => project.npm(script, args);
    const pulumi = (args: string[]) => project.pulumi(args);

    /** The app's answer on this machine: its JSON, or the error. */
    async function answer(): Promise<Poll> {
        const at = Date.now();
        try {
            const { status, body } = await httpGet(`${spec.appUrls[0]}/`, 2000);
            if (status !== 200) return { at, error: `HTTP ${status}` };
            const json = JSON.parse(body);
            return { at, version: json.version, hostname: json.hostname };
        } catch (err) {
            return { at, error: (err as Error).message };
        }
    }

    /** The one task runs the stack's image digest, healthy, and answers with its slot's hostname. */
    async function expectConverged(imageRef: string, version: string): Promise<void> {
        expect(await serviceImage(APP_SERVICE)).toBe(imageRef);
        const tasks = await runningServiceTasks(APP_SERVICE);
        expect(tasks.map((t) => ({ name: t.name, image: t.image, running: /^Running /.test(t.currentState) }))).toEqual([
            { name: `${APP_SERVICE}.1`, image: imageRef, running: true },
        ]);
        expect(await answer()).toMatchObject({ version, hostname: swarmAppOf(spec).taskHostnames[0] });
    }

    beforeAll(async () => {
        await step("setup: a one-node swarm, the project copy", async () => {
            const state = await swarmState();
            if (state.state === "inactive") {
                await initSwarm("127.0.0.1");
                createdSwarm = true;
            } else if (state.state !== "active" || !state.manager) {
                throw new Error(
                    `the local engine is in a swarm (state ${state.state}) but is no manager of it, so it cannot run a lab in swarm mode: run the suite on a manager, or docker swarm leave first`,
                );
            }
            await removeSwarmLab(spec); // what an interrupted earlier run may have left on the swarm e2e ports
            project.create();
        });
    }, STEP_TIMEOUT);

    afterAll(async () => {
        await step("teardown: npm run down, safety net, the copy, the swarm if made here", async () => {
            try {
                if (project.hasState()) {
                    const down = await npm("down");
                    if (down.code !== 0) console.log(`teardown: ${describeRun(down, "exit 0")}`);
                }
                await removeSwarmLab(spec);
            } finally {
                try {
                    project.remove();
                } finally {
                    if (createdSwarm) await leaveSwarm();
                }
            }
        });
    }, STEP_TIMEOUT);

    test(
        "npm run up in swarm mode (publishMode host): every check passes and the service runs the pushed digest",
        () =>
            step("stack init, config, fresh up", async () => {
                await project.configure(CONFIG);
                const up = expectSuccess(await npm("up"));
                const [, passed] = expectOutput(up, /^(\d+) passed, 0 failed in /m);
                expect(Number(passed)).toBe(spec.checks.length);
                // verify's lab guard knows a swarm lab: its services, not containers named like them.
                if (/is broken/.test(up.output)) throw new Error(describeRun(up, "no lab-guard damage on a whole swarm lab"));
                const outputs = await project.stackOutputs();
                expect(outputs).toMatchObject({
                    appUrls: spec.appUrls,
                    serviceNames: [APP_SERVICE, registryServiceOf(spec).name],
                    checkSummary: `${spec.checks.length} of ${spec.checks.length} lesson checks passed`,
                });
                // The node advertises 127.0.0.1: its URL is this machine's.
                expect(outputs.nodeUrls).toEqual(["http://127.0.0.1:54080"]);
                expect(outputs.containerNames).toEqual([]);
                // Every output is defined: no warning of an undefined one.
                if (/Undefined value/.test(up.output)) throw new Error(describeRun(up, "no 'Undefined value' warning"));
                await expectConverged(outputs.imageRef, "1.0.0");
                expect(await runningServiceTasks(registryServiceOf(spec).name)).toHaveLength(1);

                // The registry wants a login; the generated password is a secret, in no state file, output or log.
                expect(outputs.registryPassword).toBe("[secret]");
                const password = expectSuccess(
                    await pulumi(["stack", "output", "registryPassword", "--show-secrets", "--stack", STACK]),
                ).stdout.trim();
                expect(password).toMatch(/^[0-9a-f]{64}$/);
                expect((await httpGet(`${spec.registry.url}/v2/`, 5000)).status).toBe(401);
                expect(project.stateFiles().filter((f) => f.text.includes(password))).toEqual([]);
                expect(up.output.includes(password)).toBe(false);
            }),
        STEP_TIMEOUT,
    );

    test(
        "a second up changes nothing, services included, and neither does pulumi refresh; the policy pack finds nothing",
        () =>
            step("no-op up and refresh", async () => {
                const up = expectSuccess(await npm("up", ["--expect-no-changes"]));
                expectOutput(up, /^\s+\d+ unchanged$/m);
                expectSuccess(await pulumi(["refresh", "--yes", "--expect-no-changes", "--stack", STACK]));
                expectSuccess(await pulumi(["preview", "--expect-no-changes", "--stack", STACK]));
                // The policy pack on the real CLI: a swarm lab (published on every interface, so with the explicit
                // allowance) whose registry requires a login has no finding at all.
                const policy = path.join(PROJECT_ROOT, "policy");
                const preview = expectSuccess(
                    await npm("preview", ["--policy-pack", policy, "--policy-pack-config", path.join(policy, "allow-all-interfaces.json")]),
                );
                expectOutput(preview, /✅ docker-lab@v0\.1\.0 \(local: /);
                if (/\[(mandatory|advisory)\]|can't run policy/.test(preview.output))
                    throw new Error(describeRun(preview, "no policy finding"));
            }),
        STEP_TIMEOUT,
    );

    test(
        "a changed app rolls out to the new digest; the app is polled all along (one node, host mode: stop-first leaves a gap)",
        () =>
            step("rolling update", async () => {
                const before = (await project.stackOutputs()).imageRef as string;
                const pkg = path.join(project.dir, "app", "package.json");
                fs.writeFileSync(pkg, fs.readFileSync(pkg, "utf8").replace(/"version": "1\.0\.0"/, '"version": "1.0.1"'));

                const polls: Poll[] = [];
                let running = true;
                const poller = (async () => {
                    while (running) {
                        polls.push(await answer());
                        await sleep(200);
                    }
                })();
                const started = Date.now();
                const up = await npm("up").finally(async () => {
                    running = false;
                    await poller;
                });
                const ended = Date.now();
                expectSuccess(up);

                const after = (await project.stackOutputs()).imageRef as string;
                expect(after).not.toBe(before);
                await expectConverged(after, "1.0.1");

                // Every answer is the old version until the first new one, and the new one from then on.
                const versions = polls.filter((p) => p.version).map((p) => p.version);
                const firstNew = versions.indexOf("1.0.1");
                expect(firstNew).toBeGreaterThan(0);
                expect(versions.slice(0, firstNew).every((v) => v === "1.0.0")).toBe(true);
                expect(versions.slice(firstNew).every((v) => v === "1.0.1")).toBe(true);
                // The app answered while the update ran (before the stop and after the start), and nothing but the gap failed.
                const during = polls.filter((p) => p.at >= started && p.at <= ended);
                expect(during.some((p) => p.version === "1.0.0")).toBe(true);
                expect(during.some((p) => p.version === "1.0.1")).toBe(true);
                const failed = polls.filter((p) => p.error);
                const firstFail = polls.findIndex((p) => p.error);
                const lastFail = polls.length - 1 - [...polls].reverse().findIndex((p) => p.error);
                if (failed.length > 0) expect(polls.slice(firstFail, lastFail + 1).every((p) => p.error)).toBe(true);
                const gap = failed.length > 0 ? polls[lastFail].at - polls[firstFail].at : 0;
                console.log(
                    `e2e swarm: ${polls.length} polls during the update, ${failed.length} unanswered in one gap of ~${(gap / 1000).toFixed(1)} s (stop-first, one task on one node), e.g. ${failed[0]?.error ?? "none"}`,
                );

                // The update (which, unlike a create, does not ask the registry) left nothing to change either.
                expectSuccess(await npm("up", ["--expect-no-changes"]));
                expectSuccess(await pulumi(["refresh", "--yes", "--expect-no-changes", "--stack", STACK]));
            }),
        STEP_TIMEOUT,
    );

    test(
        "npm run down leaves nothing: no service, task, container, network, volume or image tag",
        () =>
            step("down", async () => {
                expectSuccess(await npm("down"));
                expect(await swarmLeftovers(spec)).toEqual(NOTHING);
            }),
        STEP_TIMEOUT,
    );
});
