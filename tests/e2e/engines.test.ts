import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { OFFLINE_IMAGES } from "../../lab";
import {
    ENGINE_IMAGES,
    type EngineNode,
    type EngineNodeOptions,
    leftovers,
    removeEngineNodes,
    restartEngineNode,
    startEngineNode,
} from "../../rig";
import { labSpec } from "../helpers/specs";
import { e2eGate } from "./gate";
import { describeRun, expectOutput, expectSuccess, runCommand, sleep } from "./processes";
import { e2eProject, jsonOf, NOTHING_LEFT } from "./project";

// The engines learners run: the one-learner lab, by the REAL `npm run up`, on Docker 26.1 (Debian
// trixie), 28.5 (sid; once on overlay2, once on the containerd image store) and 29 (built from the
// moby module), each a dockerd in a node container of its offline image (rig/engineNodes.ts), one
// after another. The node's API is published on 127.0.0.1:55120; npm runs in the node's network
// namespace (nsenter), where the engine is tcp://127.0.0.1:2375 (dockerHost) and the lab's default
// ports 8080, 8081 and 5000 meet nothing of this machine. Per engine: the doctor names the image
// store, a cold up passes every check, a second up changes nothing; on a volume, the engine restarts
// (as a laptop reboots) and the lab runs and verifies again with no command; down leaves nothing; the node
// goes, pass or fail. Durations are logged, never asserted.
// Run it under the engine lock: CI=true flock /tmp/docker-lab-engine.lock npx jest --selectProjects e2e -- tests/e2e/engines.test.ts

const STACK = "e2e-engines";
const API_PORT = 55120;
const STEP_TIMEOUT = 600_000;
/** The checks' outputs of each engine, to compare the stores by (README: Troubleshooting). */
const ARTIFACTS = path.join(__dirname, "..", "..", "artifacts", "engines");
/** How long the lab may take to be healthy again after its engine restarted. */
const BACK_WITHIN_MS = 180_000;

interface EngineRun extends Pick<EngineNodeOptions, "image" | "storage" | "dockerdArgs" | "env"> {
    id: string;
    title: string;
    /** The version `docker version` must name. */
    version: RegExp;
    /** The storage driver `docker info` must name, and whether it is the containerd image store's snapshotter. */
    driver: string;
    containerd: boolean;
}

/** Docker 28.5 of Debian sid on a named volume, with each image store. */
const SID = { image: ENGINE_IMAGES.sid, storage: "volume", version: /^28\.5\./ } as const;
/** The containerd image store's snapshotter on these engines. */
const CONTAINERD = { driver: "overlayfs", containerd: true } as const;
/** The classic store on vfs, its data on a tmpfs (as the swarm tests' nodes keep theirs). */
const VFS = { storage: "tmpfs", dockerdArgs: ["--storage-driver", "vfs"], driver: "vfs", containerd: false } as const;

const RUNS: EngineRun[] = [
    { ...VFS, id: "trixie-vfs", title: "Docker 26.1 (Debian trixie), vfs on a tmpfs", image: ENGINE_IMAGES.trixie, version: /^26\.1\./ },
    {
        ...SID,
        id: "sid-overlay2",
        title: "Docker 28.5 (Debian sid), overlay2",
        dockerdArgs: ["--storage-driver", "overlay2"],
        driver: "overlay2",
        containerd: false,
    },
    {
        ...SID,
        ...CONTAINERD,
        id: "sid-containerd",
        title: "Docker 28.5 (Debian sid), the containerd image store",
        dockerdArgs: ["--feature", "containerd-snapshotter=true"],
    },
    {
        ...CONTAINERD,
        id: "moby29",
        title: "Docker 29 (the moby v2 module with its defaults: the containerd image store), API 1.44 at least",
        image: ENGINE_IMAGES.moby29,
        storage: "volume",
        dockerdArgs: [],
        version: /^29\./,
        // The module's own minimum is 1.40; Docker 29.0 refused clients older than 1.44, the lab's provider included.
        env: { DOCKER_MIN_API_VERSION: "1.44" },
    },
];

/** The one-learner lab with the defaults but the offline images, on the node's engine as seen from inside its network. */
const CONFIG = {
    baseImage: OFFLINE_IMAGES.baseImage,
    registryImage: OFFLINE_IMAGES.registryImage,
    dockerHost: "tcp://127.0.0.1:2375",
};

/** Whether this process may enter another network namespace (root, with nsenter on PATH). */
function canEnterNetns(): string | undefined {
    if (process.getuid?.() !== 0) return "entering a node's network namespace needs root";
    try {
        execFileSync("nsenter", ["--version"], { stdio: "ignore" });
        return undefined;
    } catch {
        return "nsenter is not on PATH (apt-get install util-linux)";
    }
}

const gate = e2eGate(
    process.env,
    Object.values(ENGINE_IMAGES).map((image) => ({ image, fix: "build them: bash scripts/offline-images.sh --with-engines" })),
);
const cannot = gate.skipped ? undefined : canEnterNetns();
if (cannot && process.env.CI === "true") throw new Error(`CI=true and the engines e2e file must run, but ${cannot}`);
if (cannot) console.log(`e2e engines skipped: ${cannot}`);
const engines = cannot ? describe.skip : gate.describe;
const summary: string[] = [];
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

engines("e2e: the one-learner lab on the engines learners run, through dockerHost", () => {
    afterAll(async () => {
        if (summary.length) console.log(`engines e2e:\n${summary.join("\n")}`);
        // Nothing of an engine node is left on this machine, from this run or an earlier one.
        expect(await removeEngineNodes()).toEqual({ containers: 0, volumes: 0, networks: 0 });
    }, STEP_TIMEOUT);

    describe.each(RUNS)("$title", (run) => {
        let node: EngineNode | undefined;
        let down = false;
        const project = e2eProject(STACK, `docker-lab-e2e-engines-${run.id}-`, STEP_TIMEOUT - 60_000, () =>
            node ? ["nsenter", `--net=${node.netns}`] : [],
        );
        const spec = labSpec(CONFIG, STACK);
        const times: string[] = [];
        const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
            const started = Date.now();
            try {
                return await fn();
            } finally {
                times.push(`${name} ${secs(Date.now() - started)}`);
            }
        };
        /** The lab's objects on the node's engine, asked from this machine through the published API. */
        const left = () => leftovers({ ...spec, commandEnv: { DOCKER_HOST: node!.host } });

        beforeAll(async () => {
            await removeEngineNodes(); // an interrupted run's node would hold the API port
            node = await timed("node", () =>
                startEngineNode({ ...run, apiPort: API_PORT, images: [OFFLINE_IMAGES.baseImage, OFFLINE_IMAGES.registryImage] }),
            );
            project.create();
            await project.configure(CONFIG);
        }, STEP_TIMEOUT);

        afterAll(async () => {
            try {
                if (node && project.hasState() && !down) {
                    const teardown = await project.npm("down");
                    if (teardown.code !== 0) console.log(`teardown: ${describeRun(teardown, "exit 0")}`);
                }
            } finally {
                if (node) {
                    const api = `API ${node.api} (min ${node.minApi})`;
                    summary.push(`${run.title}: Docker ${node.version}, ${api}, ${node.driver}; ${times.join(", ")}`);
                }
                await removeEngineNodes(node?.runId);
                project.remove();
            }
        }, STEP_TIMEOUT);

        test(
            "the node runs the engine, and the doctor names its image store",
            async () => {
                expect(node!.version).toMatch(run.version);
                expect(node!.driver).toBe(run.driver);
                if (run.env?.DOCKER_MIN_API_VERSION) expect(node!.minApi).toBe(run.env.DOCKER_MIN_API_VERSION);
                const doctor = jsonOf(await project.npm("doctor", ["--json"]));
                const store = doctor.findings.find((f: { id: string }) => f.id === "engine.store");
                expect(store).toMatchObject({ klass: "engine", ok: true });
                const named = run.containerd ? "the containerd image store (driver-type io.containerd.snapshotter.v1" : `${run.driver} (`;
                expect(store.message.startsWith(`image store: ${named}`)).toBe(true);
                expect(doctor.exitCode).toBe(0);
            },
            STEP_TIMEOUT,
        );

        test(
            "a cold npm run up passes every check; a second changes nothing",
            async () => {
                const up = await timed("cold up", () => project.npm("up"));
                expectSuccess(up);
                const [, passed] = expectOutput(up, /^(\d+) passed, 0 failed in /m);
                expect(Number(passed)).toBe(spec.checks.length);
                expectSuccess(await timed("no-op up", () => project.npm("up", ["--expect-no-changes"])));
                const verify = jsonOf(expectSuccess(await project.npm("verify", ["--json", "--no-report"])));
                fs.mkdirSync(ARTIFACTS, { recursive: true });
                fs.writeFileSync(path.join(ARTIFACTS, `${run.id}.json`), `${JSON.stringify(verify, null, 2)}\n`);
                // One difference the doctor names, seen on the engine itself: only the classic store's push prints Preparing.
                const push = verify.checks.find((c: { result: { id: string } }) => c.result.id === "01.01-tag-push-pull").result.stdout;
                expect(/: Preparing$/m.test(push)).toBe(!run.containerd);
            },
            STEP_TIMEOUT,
        );

        /** The lab's containers on the node's engine: name → id and status. */
        async function labContainers(): Promise<{ ids: Record<string, string>; statuses: string[] }> {
            const listed = expectSuccess(
                await runCommand(
                    "docker",
                    ["ps", "--all", "--filter", `label=docker-lab.instance=${spec.instance}`, "--format", "{{.Names}}|{{.ID}}|{{.Status}}"],
                    { cwd: project.dir, env: { ...process.env, DOCKER_HOST: node!.host } as Record<string, string> },
                ),
            );
            const rows = listed.stdout
                .split("\n")
                .filter(Boolean)
                .map((line) => line.split("|"));
            return {
                ids: Object.fromEntries(rows.map(([name, id]) => [name, id])),
                statuses: rows.map(([name, , status]) => `${name}: ${status}`),
            };
        }

        // A node on a tmpfs would lose the engine's data on a restart, which no laptop's disk does.
        (run.storage === "volume" ? test : test.skip)(
            "the engine restarts (as a laptop reboots): with no command, the registry and every replica run again, verify passes, up changes nothing",
            async () => {
                const before = await labContainers();
                expect(Object.keys(before.ids)).toHaveLength(1 + spec.appUrls.length);
                node = await timed("engine restart", () => restartEngineNode(node!));
                const back = await timed("lab healthy again", async () => {
                    const deadline = Date.now() + BACK_WITHIN_MS;
                    for (;;) {
                        const now = await labContainers();
                        if (now.statuses.every((s) => s.includes("(healthy)"))) return now;
                        if (Date.now() > deadline) throw new Error(`the lab was not healthy again: ${now.statuses.join("; ")}`);
                        await sleep(1000);
                    }
                });
                expect(back.ids).toEqual(before.ids); // the same containers, started again by the engine
                const verify = expectSuccess(await project.npm("verify", ["--no-report"]));
                const [, passed] = expectOutput(verify, /^(\d+) passed, 0 failed /m);
                expect(Number(passed)).toBe(spec.checks.length);
                expectSuccess(await timed("up after restart", () => project.npm("up", ["--expect-no-changes"])));
            },
            STEP_TIMEOUT,
        );

        test(
            "npm run down leaves nothing of the lab on the engine",
            async () => {
                expectSuccess(await timed("down", () => project.npm("down")));
                down = true;
                expect(await left()).toEqual(NOTHING_LEFT);
            },
            STEP_TIMEOUT,
        );
    });
});
