/**
 * Benchmark of the docker-lab on a live Docker engine. It PRINTS figures (a table on stdout, JSON in
 * bench-results.json) and asserts nothing; the targets of the issue are printed next to each figure.
 *
 * Usage: npm run bench [-- --json PATH] [-- --runs N]
 * Env:   LAB_BASE_IMAGE, LAB_REGISTRY_IMAGE (default: the offline images of scripts/offline-images.sh)
 *
 * Everything it creates is its own: the lab of stack "bench" (label docker-lab.instance=docker-lab-bench,
 * ports 28080.. and 25000) and the bare-CLI baseline (label docker-lab.bench=bare, same ports, used only
 * while the lab is down). Both are removed before starting (leftovers of an interrupted run) and on exit.
 *
 * Phases:
 *   1. image: the lab's registry up; cold builds (--no-cache), no-change rebuilds, size against the base,
 *      a push, then one-line app changes (in a temp copy of app/) built and pushed; teardown.
 *   2. cycles, lab and bare interleaved (L B L B L B). Both cycles do the same steps:
 *      network + volume, registry up + healthy, build, push, remove the local tag + pull it back,
 *      replicas up + healthy, one curl per replica, teardown (containers, network, volume, image).
 *      Lab = provisionLab + curl + teardownLab (the live harness). Bare = the literal docker CLI
 *      sequence in `bareCycle`. The lesson checks run in the lab cycle between curl and teardown,
 *      outside its cycle time, and are reported on their own.
 *   Every figure is the median of the runs (3 by default).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import {
    type CheckResult,
    dockerOk,
    labelled,
    provisionLab,
    removeImageTags,
    removeLabelled,
    runChecks,
    teardownLab,
    timed,
    waitHealthy,
} from "../../engine";
import {
    APP_CONTAINER_PORT,
    APP_DIR,
    APP_HEALTHCHECK_COMMAND,
    buildLabSpec,
    type ContainerSpec,
    dockerBuildArgs,
    dockerCreateArgs,
    dockerRunArgs,
    hostPort,
    hostUrl,
    type ImageSpec,
    type LabConfig,
    type LabSpec,
    OFFLINE_IMAGES,
    PROJECT_NAME,
    PROJECT_ROOT,
    parseLabConfig,
    REGISTRY_CONTAINER_PORT,
    REGISTRY_HEALTHCHECK_COMMAND,
    replicaPort,
} from "../../lab";

const STACK = "bench";
const APP_PORT = 28080;
const REGISTRY_PORT = 25000;
const BASE_IMAGE = process.env.LAB_BASE_IMAGE || OFFLINE_IMAGES.baseImage;
const REGISTRY_IMAGE = process.env.LAB_REGISTRY_IMAGE || OFFLINE_IMAGES.registryImage;
const TMP_PREFIX = "docker-lab-bench-";

/** The bare baseline's names, all literal; its objects carry BARE_LABEL so cleanup finds them. */
const BARE_LABEL = "docker-lab.bench=bare";
const BARE = {
    network: "docker-lab-bench-bare-net",
    volume: "docker-lab-bench-bare-registry-data",
    registry: "docker-lab-bench-bare-registry",
    image: `localhost:${REGISTRY_PORT}/bare/hellodocker:1.0.0`,
    replica: (i: number) => `docker-lab-bench-bare-app-${i}`,
};

const TARGETS = {
    appAddedBytes: 100 * 1024,
    replicaHealthyMs: 3000,
    checksTotalMs: 10_000,
    cycleRatio: 1.3,
};

/** The targets as the result table states them. */
const TARGET_TEXT = {
    appAddedBytes: `<= ${TARGETS.appAddedBytes / 1024} KiB`,
    replicaHealthyMs: `<= ${TARGETS.replicaHealthyMs / 1000} s`,
    checksTotalMs: `<= ${TARGETS.checksTotalMs / 1000} s, all pass`,
    cycleRatio: `<= ${TARGETS.cycleRatio}x`,
};

// ---------------------------------------------------------------- helpers

const T0 = performance.now();
const log = (msg: string) => process.stderr.write(`[bench ${((performance.now() - T0) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);

/** Milliseconds as seconds with two decimals, e.g. "1.23"; every duration the bench prints goes through it. */
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const secs = (ms: number) => `${seconds(ms)} s`;
const runsOf = (values: number[]) => values.map(seconds).join(" / ");

function median(values: number[]): number {
    if (values.length === 0) return Number.NaN;
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs a program (not docker) and returns stdout; throws with stderr on failure. */
function run(file: string, args: string[], env: Record<string, string> = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(file, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err) reject(new Error(`${file} ${args.join(" ")} failed: ${String(stderr).trim() || err.message}`));
            else resolve(String(stdout));
        });
    });
}

interface ImageInfo {
    id: string;
    /** RootFS diff ids, base first. */
    layers: string[];
    size: number;
}

async function imageInfo(ref: string): Promise<ImageInfo> {
    const out = await dockerOk(
        ["image", "inspect", "--format", "{{.Id}}|{{json .RootFS.Layers}}|{{.Size}}", ref],
        `inspecting image ${ref}`,
    );
    const [id, layers, size] = out.trim().split("|");
    return { id, layers: JSON.parse(layers) as string[], size: Number(size) };
}

/** Short id the push output names a layer by: the first 12 hex digits of its diff id. */
const shortId = (diffId: string) => diffId.replace(/^sha256:/, "").slice(0, 12);

interface PushSummary {
    pushed: string[];
    existing: string[];
    mounted: string[];
}

/** Counts the per-layer final lines of `docker push` output. */
function parsePush(out: string): PushSummary {
    const summary: PushSummary = { pushed: [], existing: [], mounted: [] };
    for (const line of out.split("\n")) {
        const m = /^([0-9a-f]{12}): (Pushed|Layer already exists|Mounted from .*)$/.exec(line.trim());
        if (!m) continue;
        if (m[2] === "Pushed") summary.pushed.push(m[1]);
        else if (m[2] === "Layer already exists") summary.existing.push(m[1]);
        else summary.mounted.push(m[1]);
    }
    return summary;
}

/** Fetches each app URL once with curl; fails unless each answers as the app. */
async function curlAll(urls: string[]): Promise<void> {
    for (const url of urls) {
        const body = await run("curl", ["-fsS", `${url}/`]);
        if (!body.includes('"app":"hellodocker"')) throw new Error(`${url}/ answered ${JSON.stringify(body)}`);
    }
}

/** waitHealthy (the harness' poller) for a container that has no ContainerSpec of its own. */
const waitHealthyByName = (name: string, like: ContainerSpec) => waitHealthy({ ...like, name }, {});

// ---------------------------------------------------------------- cleanup

/** Removes the bare baseline: its containers, network and volume (as the harness does), then its images. */
async function removeBare(): Promise<void> {
    await removeLabelled(BARE_LABEL, {});
    const images = await labelled("image", BARE_LABEL);
    if (images.length) await dockerOk(["image", "rm", "--force", ...images], "removing bench images");
}

/** Removes the bench lab, the bare baseline and the bench's temp dirs; reports, never throws. */
async function cleanupAll(spec: LabSpec): Promise<void> {
    for (const [what, fn] of [
        ["bench lab (teardownLab)", () => teardownLab(spec)],
        [`bare baseline (${BARE_LABEL})`, removeBare],
    ] as const) {
        try {
            await fn();
        } catch (err) {
            process.stderr.write(`bench: WARNING: cleanup of the ${what} failed: ${(err as Error).message}\n`);
        }
    }
    for (const entry of fs.readdirSync(os.tmpdir())) {
        if (entry.startsWith(TMP_PREFIX)) fs.rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
    }
}

// ---------------------------------------------------------------- phase 1: image

interface RebuildRun {
    ms: number;
    sameImageId: boolean;
    newLayers: number;
}
interface ChangeRun {
    buildMs: number;
    pushMs: number;
    pushed: number;
    existing: number;
    mounted: number;
    /** Exactly one layer pushed, and it is the image's last layer (COPY package.json app.js). */
    onlyAppLayer: boolean;
}
interface ImagePhase {
    coldBuildMs: number[];
    rebuilds: RebuildRun[];
    size: { appBytes: number; baseBytes: number; addedBytes: number; layersAdded: number };
    /** Push of the fresh build into the fresh registry of this phase (the cycles give the medians). */
    firstPush: { ms: number; pushed: number; existing: number };
    changes: ChangeRun[];
}

/** `docker build` arguments of the image with --no-cache right after the `build` subcommand. */
function coldBuildArgs(image: ImageSpec): string[] {
    const args = dockerBuildArgs(image);
    const at = args.indexOf("build");
    if (at < 0) throw new Error(`dockerBuildArgs has no build subcommand: ${args.join(" ")}`);
    return [...args.slice(0, at + 1), "--no-cache", ...args.slice(at + 1)];
}

async function imagePhase(spec: LabSpec, config: LabConfig, runs: number): Promise<ImagePhase> {
    const env = spec.commandEnv;
    const name = spec.image.name;
    log("image phase: registry up");
    await dockerOk(dockerCreateArgs("network", spec.network.name, spec.network.labels), "creating the bench network", env);
    await dockerOk(dockerCreateArgs("volume", spec.volume.name, spec.volume.labels), "creating the bench volume", env);
    await dockerOk(dockerRunArgs(spec.registry.container, spec.registry.image, spec.network.name), "starting the bench registry", env);
    await waitHealthy(spec.registry.container, env);

    const coldBuildMs: number[] = [];
    for (let i = 0; i < runs; i++) {
        await removeImageTags(spec);
        const [, ms] = await timed(() => dockerOk(coldBuildArgs(spec.image), `cold build of ${name}`, env));
        coldBuildMs.push(ms);
        log(`cold build ${i + 1}/${runs}: ${secs(ms)}`);
    }

    const rebuilds: RebuildRun[] = [];
    // Each rebuild's image is the next one's "before"; the last is the app image measured below.
    let app = await imageInfo(name);
    for (let i = 0; i < runs; i++) {
        const before = app;
        const [, ms] = await timed(() => dockerOk(dockerBuildArgs(spec.image), `rebuild of ${name}`, env));
        app = await imageInfo(name);
        const newLayers = app.layers.filter((l) => !before.layers.includes(l)).length;
        rebuilds.push({ ms, sameImageId: before.id === app.id, newLayers });
        log(`no-change rebuild ${i + 1}/${runs}: ${secs(ms)}, ${newLayers} new layer(s)`);
    }

    const base = await imageInfo(config.baseImage);
    const size = {
        appBytes: app.size,
        baseBytes: base.size,
        addedBytes: app.size - base.size,
        layersAdded: app.layers.length - base.layers.length,
    };

    const [firstOut, firstMs] = await timed(() => dockerOk(["push", name], `pushing ${name}`, env));
    const first = parsePush(firstOut);
    log(`first push (image phase): ${secs(firstMs)}`);

    const changes: ChangeRun[] = [];
    for (let i = 0; i < runs; i++) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), TMP_PREFIX));
        try {
            fs.cpSync(path.join(PROJECT_ROOT, spec.image.context), dir, { recursive: true });
            const appJs = path.join(dir, "app.js");
            const sep = fs.readFileSync(appJs, "utf8").endsWith("\n") ? "" : "\n";
            fs.appendFileSync(appJs, `${sep}// bench: one-line change ${i + 1} (${new Date().toISOString()})\n`);
            const changed = { ...spec.image, context: dir, dockerfile: path.join(dir, "Dockerfile") };
            const [, buildMs] = await timed(() => dockerOk(dockerBuildArgs(changed), `building ${name} from the changed app`, env));
            const info = await imageInfo(name);
            const [out, pushMs] = await timed(() => dockerOk(["push", name], `pushing the changed ${name}`, env));
            const p = parsePush(out);
            const appLayer = shortId(info.layers[info.layers.length - 1]);
            changes.push({
                buildMs,
                pushMs,
                pushed: p.pushed.length,
                existing: p.existing.length,
                mounted: p.mounted.length,
                onlyAppLayer: p.pushed.length === 1 && p.pushed[0] === appLayer,
            });
            log(
                `one-line change ${i + 1}/${runs}: build ${secs(buildMs)}, push ${secs(pushMs)}, pushed ${p.pushed.length}, existed ${p.existing.length}`,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }

    log("image phase: teardown");
    await teardownLab(spec);
    return {
        coldBuildMs,
        rebuilds,
        size,
        firstPush: { ms: firstMs, pushed: first.pushed.length, existing: first.existing.length },
        changes,
    };
}

// ---------------------------------------------------------------- phase 2: cycles

/** Comparable steps of one cycle, in ms. Healthy times are from the container's StartedAt (waitHealthy). */
interface CycleSteps {
    build: number;
    push: number;
    pullBack: number;
    registryHealthy: number;
    replicaHealthy: number[];
    curl: number;
    teardown: number;
    /** Wall time of the whole cycle (setup to teardown end, checks excluded). */
    cycle: number;
}

interface LabCycle extends CycleSteps {
    /** Wall time of provisionLab. */
    provision: number;
    checks: CheckResult[];
    checksWall: number;
}

async function labCycle(spec: LabSpec): Promise<LabCycle> {
    const [lab, provision] = await timed(() => provisionLab(spec));
    const [, curl] = await timed(() => curlAll(spec.appUrls));
    const [checks, checksWall] = await timed(() =>
        runChecks(spec.checks, { imageRef: lab.imageRef }, { env: spec.commandEnv, cwd: PROJECT_ROOT }),
    );
    for (const failed of checks.filter((c) => !c.passed)) log(`check failed:\n${failed.stderr.trim()}`);
    const teardown = await teardownLab(spec);
    const { build, push, pullBack, registryHealthy, replicaHealthy } = lab.timings;
    return {
        build,
        push,
        pullBack,
        registryHealthy,
        replicaHealthy,
        curl,
        teardown,
        cycle: provision + curl + teardown,
        provision,
        checks,
        checksWall,
    };
}

/**
 * The baseline: the same steps as provisionLab + curl + teardownLab, as a person would type them.
 * Only what the healthchecks need (same command and interval as the lab) and the cleanup label. The
 * values that must match the lab for a fair comparison (ports, healthchecks, URLs) come from the spec.
 */
async function bareCycle(spec: LabSpec, config: LabConfig): Promise<CycleSteps> {
    const started = performance.now();
    const L = BARE_LABEL;
    const interval = `${spec.registry.container.healthcheck.intervalSeconds}s`;
    await dockerOk(["network", "create", "--label", L, BARE.network], "bare: network create");
    await dockerOk(["volume", "create", "--label", L, BARE.volume], "bare: volume create");
    // biome-ignore format: the literal docker command, one flag group per line
    await dockerOk([
        "run", "-d", "--name", BARE.registry, "--label", L, "--network", BARE.network,
        "-p", `${hostPort(config.bindAddress, config.registryPort)}:${REGISTRY_CONTAINER_PORT}`, "-v", `${BARE.volume}:/var/lib/registry`,
        "--health-cmd", REGISTRY_HEALTHCHECK_COMMAND, "--health-interval", interval,
        config.registryImage,
    ], "bare: registry run");
    const registryHealthy = await waitHealthyByName(BARE.registry, spec.registry.container);

    const [, build] = await timed(() =>
        dockerOk(["build", "-t", BARE.image, "--build-arg", `BASE_IMAGE=${config.baseImage}`, "--label", L, APP_DIR], "bare: build"),
    );
    const [, push] = await timed(() => dockerOk(["push", BARE.image], "bare: push"));
    const [, pullBack] = await timed(async () => {
        await dockerOk(["image", "rm", BARE.image], "bare: image rm");
        await dockerOk(["pull", BARE.image], "bare: pull");
    });

    for (let i = 0; i < config.replicas; i++) {
        // biome-ignore format: the literal docker command, one flag group per line
        await dockerOk([
            "run", "-d", "--name", BARE.replica(i), "--label", L, "--network", BARE.network,
            "-p", `${hostPort(config.bindAddress, replicaPort(config, i))}:${APP_CONTAINER_PORT}`,
            "--health-cmd", APP_HEALTHCHECK_COMMAND,
            "--health-interval", interval,
            BARE.image,
        ], `bare: replica ${i} run`);
    }
    const names = Array.from({ length: config.replicas }, (_, i) => BARE.replica(i));
    const replicaHealthy = await Promise.all(names.map((n) => waitHealthyByName(n, spec.replicas[0])));
    const [, curl] = await timed(() => curlAll(names.map((_, i) => hostUrl(config.bindAddress, replicaPort(config, i)))));

    const [, teardown] = await timed(async () => {
        await dockerOk(["rm", "-f", "-v", BARE.registry, ...names], "bare: rm");
        await dockerOk(["network", "rm", BARE.network], "bare: network rm");
        await dockerOk(["volume", "rm", BARE.volume], "bare: volume rm");
        await dockerOk(["image", "rm", "-f", BARE.image], "bare: image rm");
    });
    return { build, push, pullBack, registryHealthy, replicaHealthy, curl, teardown, cycle: performance.now() - started };
}

// ---------------------------------------------------------------- report

function bytes(n: number): string {
    const sign = n < 0 ? "-" : "";
    const a = Math.abs(n);
    if (a < 1024) return `${sign}${a} B`;
    if (a < 1024 * 1024) return `${sign}${(a / 1024).toFixed(1)} KiB`;
    return `${sign}${(a / 1024 / 1024).toFixed(1)} MiB`;
}
const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");

function table(header: string[], rows: string[][]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) =>
        cells
            .map((c, i) => c.padEnd(widths[i]))
            .join("  ")
            .trimEnd();
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function parseArgs(argv: string[]): { json: string; runs: number } {
    let json = path.join(PROJECT_ROOT, "bench-results.json");
    let runs = 3;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
            if (!v) throw new Error(`${arg} needs a value`);
            return v;
        };
        if (arg === "--json" || arg.startsWith("--json=")) json = path.resolve(value());
        else if (arg === "--runs" || arg.startsWith("--runs=")) {
            runs = Number(value());
            if (!Number.isInteger(runs) || runs < 1 || runs > 10) throw new Error("--runs must be a whole number from 1 to 10");
        } else if (arg === "-h" || arg === "--help") {
            process.stdout.write("Usage: npm run bench [-- --json PATH] [-- --runs N]   (default: bench-results.json, 3 runs)\n");
            process.exit(0);
        } else throw new Error(`unknown argument ${JSON.stringify(arg)}; usage: npm run bench [-- --json PATH] [-- --runs N]`);
    }
    return { json, runs };
}

/** The whole `npm run bench` command; returns its exit code. */
export async function runBench(argv: string[]): Promise<number> {
    const opts = parseArgs(argv);
    process.chdir(PROJECT_ROOT);
    const config = parseLabConfig({ appPort: APP_PORT, registryPort: REGISTRY_PORT, baseImage: BASE_IMAGE, registryImage: REGISTRY_IMAGE });
    const spec = buildLabSpec(config, { project: PROJECT_NAME, stack: STACK, appDir: APP_DIR });

    let cleaning: Promise<void> | undefined;
    const cleanup = () => {
        cleaning ??= cleanupAll(spec);
        return cleaning;
    };
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            process.stderr.write(`bench: ${signal}: cleaning up\n`);
            void cleanup().finally(() => process.exit(130));
        });
    }

    try {
        const engine = (
            await dockerOk(["version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})"], "reading the engine version")
        ).trim();
        for (const image of [config.baseImage, config.registryImage]) {
            await dockerOk(
                ["image", "inspect", "--format", "{{.Id}}", image],
                `looking for ${image} (build it with bash scripts/offline-images.sh)`,
            );
        }
        log(`engine ${engine}; removing leftovers of an earlier run`);
        await cleanupAll(spec);

        const image = await imagePhase(spec, config, opts.runs);
        const lab: LabCycle[] = [];
        const bare: CycleSteps[] = [];
        for (let i = 0; i < opts.runs; i++) {
            log(`lab cycle ${i + 1}/${opts.runs}`);
            lab.push(await labCycle(spec));
            log(`lab cycle ${i + 1}: ${secs(lab[i].cycle)}; checks ${secs(lab[i].checksWall)}; bare cycle ${i + 1}/${opts.runs}`);
            bare.push(await bareCycle(spec, config));
            log(`bare cycle ${i + 1}: ${secs(bare[i].cycle)}`);
        }
        const totalMs = performance.now() - T0;

        // ---- figures
        const m = (xs: number[]) => median(xs);
        const pick = <K extends keyof CycleSteps>(cycles: CycleSteps[], k: K) => cycles.map((c) => c[k] as unknown as number);
        const replicaHealthy = spec.replicas.map((_, r) => lab.map((c) => c.replicaHealthy[r]));
        const checkIds = spec.checks.map((c) => c.id);
        const perCheck = checkIds.map((id) => {
            const results = lab.map((c) => c.checks.find((r) => r.id === id) as CheckResult);
            return {
                id,
                medianMs: m(results.map((r) => r.durationMs)),
                runsMs: results.map((r) => r.durationMs),
                passed: results.filter((r) => r.passed).length,
            };
        });
        const failures = lab.flatMap((c, i) =>
            c.checks.filter((r) => !r.passed).map((r) => `cycle ${i + 1} ${r.id}: ${r.stderr.trim().split("\n").slice(0, 6).join(" | ")}`),
        );
        const labCycleMs = m(lab.map((c) => c.cycle));
        const bareCycleMs = m(bare.map((c) => c.cycle));
        const ratio = labCycleMs / bareCycleMs;
        const maxNewLayers = Math.max(...image.rebuilds.map((r) => r.newLayers));
        const allSameId = image.rebuilds.every((r) => r.sameImageId);
        const onlyApp = image.changes.every((c) => c.onlyAppLayer);
        const checksTotal = m(lab.map((c) => c.checksWall));

        const targets = {
            noChangeRebuildNoLayer: maxNewLayers === 0 && allSameId,
            appAddsAtMost100KB: image.size.addedBytes <= TARGETS.appAddedBytes,
            oneLineChangePushesOnlyAppLayer: onlyApp,
            replicasHealthyWithin3s: replicaHealthy.every((xs) => m(xs) <= TARGETS.replicaHealthyMs),
            checksWithin10s: checksTotal <= TARGETS.checksTotalMs && failures.length === 0,
            labCycleWithin1_3xBare: ratio <= TARGETS.cycleRatio,
        };

        const rows: string[][] = [
            ["Cold build (--no-cache, base present)", secs(m(image.coldBuildMs)), runsOf(image.coldBuildMs), "-", ""],
            ["No-change rebuild", secs(m(image.rebuilds.map((r) => r.ms))), runsOf(image.rebuilds.map((r) => r.ms)), "-", ""],
            [
                "  new layers / same image ID",
                `${maxNewLayers} / ${allSameId ? "yes" : "no"}`,
                image.rebuilds.map((r) => `${r.newLayers}${r.sameImageId ? "" : "*"}`).join(" / "),
                "no new layer",
                verdict(targets.noChangeRebuildNoLayer),
            ],
            [
                "App image size - base size",
                `+${bytes(image.size.addedBytes)}`,
                `${bytes(image.size.appBytes)} vs ${bytes(image.size.baseBytes)}, +${image.size.layersAdded} layers`,
                TARGET_TEXT.appAddedBytes,
                verdict(targets.appAddsAtMost100KB),
            ],
            ["First push (fresh registry, lab cycles)", secs(m(pick(lab, "push"))), runsOf(pick(lab, "push")), "-", ""],
            [
                "One-line change: rebuild",
                secs(m(image.changes.map((c) => c.buildMs))),
                runsOf(image.changes.map((c) => c.buildMs)),
                "-",
                "",
            ],
            ["One-line change: push", secs(m(image.changes.map((c) => c.pushMs))), runsOf(image.changes.map((c) => c.pushMs)), "-", ""],
            [
                "  layers pushed / already existed",
                `${m(image.changes.map((c) => c.pushed))} / ${m(image.changes.map((c) => c.existing))}`,
                image.changes.map((c) => `${c.pushed}/${c.existing}${c.onlyAppLayer ? "" : "*"}`).join(" "),
                "only the app layer",
                verdict(targets.oneLineChangePushesOnlyAppLayer),
            ],
            ...replicaHealthy.map((xs, r) => [
                `Replica ${r} start -> healthy`,
                secs(m(xs)),
                runsOf(xs),
                TARGET_TEXT.replicaHealthyMs,
                verdict(m(xs) <= TARGETS.replicaHealthyMs),
            ]),
            [
                `All ${checkIds.length} lesson checks (runChecks)`,
                secs(checksTotal),
                runsOf(lab.map((c) => c.checksWall)),
                TARGET_TEXT.checksTotalMs,
                verdict(targets.checksWithin10s),
            ],
            ["Teardown (teardownLab)", secs(m(pick(lab, "teardown"))), runsOf(pick(lab, "teardown")), "-", ""],
            ["Lab cycle (provisionLab+curl+teardownLab)", secs(labCycleMs), runsOf(lab.map((c) => c.cycle)), "-", ""],
            ["Bare CLI cycle (same steps)", secs(bareCycleMs), runsOf(bare.map((c) => c.cycle)), "-", ""],
            [
                "Lab / bare cycle",
                `${ratio.toFixed(2)}x`,
                "ratio of medians",
                TARGET_TEXT.cycleRatio,
                verdict(targets.labCycleWithin1_3xBare),
            ],
        ];

        const stepRow = (label: string, f: (c: CycleSteps) => number) => [label, secs(m(lab.map(f))), secs(m(bare.map(f)))];
        const steps: string[][] = [
            stepRow("registry start -> healthy", (c) => c.registryHealthy),
            stepRow("build (app cache empty)", (c) => c.build),
            stepRow("push (fresh registry)", (c) => c.push),
            stepRow("rm tag + pull back", (c) => c.pullBack),
            ...spec.replicas.map((_, r) => stepRow(`replica ${r} start -> healthy`, (c) => c.replicaHealthy[r])),
            stepRow("curl each replica", (c) => c.curl),
            stepRow("teardown", (c) => c.teardown),
            stepRow("whole cycle (wall)", (c) => c.cycle),
        ];

        const out = [
            "",
            `docker-lab bench: stack "${STACK}", engine ${engine}, ${config.replicas} replicas, base ${config.baseImage}, registry ${config.registryImage}`,
            `Medians of ${opts.runs} runs (lab and bare cycles interleaved); "*" marks a run that missed.`,
            "",
            table(["Figure", "Median", "Runs", "Target", "Result"], rows),
            "",
            "Cycle steps (medians). Both: network+volume, registry up+healthy, build, push, rm tag+pull back,",
            "replicas up+healthy, curl each replica, teardown. Checks excluded (see below).",
            "",
            table(["Step", "Lab (harness)", "Bare CLI"], steps),
            "",
            table(
                ["Lesson check", "Median", "Runs (s)", "Passed"],
                perCheck.map((c) => [c.id, secs(c.medianMs), runsOf(c.runsMs), `${c.passed}/${opts.runs}`]),
            ),
            "",
            ...(failures.length ? ["Check failures:", ...failures.map((f) => `  ${f}`), ""] : []),
            `Targets: ${Object.values(targets).filter(Boolean).length}/${Object.keys(targets).length} PASS. Total bench time ${secs(totalMs)}.`,
            "",
        ].join("\n");
        process.stdout.write(out);

        const results = {
            generatedAt: new Date().toISOString(),
            engine,
            runs: opts.runs,
            statistic: "median",
            config,
            instance: spec.instance,
            totalMs,
            targets,
            figures: {
                coldBuildMs: m(image.coldBuildMs),
                noChangeRebuildMs: m(image.rebuilds.map((r) => r.ms)),
                noChangeRebuildMaxNewLayers: maxNewLayers,
                noChangeRebuildSameImageId: allSameId,
                appAddedBytes: image.size.addedBytes,
                firstPushMs: m(pick(lab, "push")),
                oneLineChangeBuildMs: m(image.changes.map((c) => c.buildMs)),
                oneLineChangePushMs: m(image.changes.map((c) => c.pushMs)),
                replicaHealthyMs: replicaHealthy.map((xs) => m(xs)),
                checksTotalMs: checksTotal,
                checksMs: Object.fromEntries(perCheck.map((c) => [c.id, c.medianMs])),
                teardownMs: m(pick(lab, "teardown")),
                labCycleMs,
                bareCycleMs,
                cycleRatio: ratio,
            },
            cycleSteps: {
                included:
                    "network+volume, registry up+healthy, build, push, rm tag + pull back, replicas up+healthy, curl each replica, teardown",
                lab: "provisionLab + curl + teardownLab (checks run between curl and teardown, excluded)",
                bare: "literal docker CLI sequence (scripts/bench.ts bareCycle)",
            },
            raw: {
                image,
                lab: lab.map(({ checks, ...rest }) => ({
                    ...rest,
                    checks: checks.map((c) => ({ id: c.id, passed: c.passed, durationMs: c.durationMs })),
                })),
                bare,
                checkFailures: failures,
            },
        };
        fs.writeFileSync(opts.json, `${JSON.stringify(results, null, 2)}\n`);
        log(`JSON written to ${opts.json}`);
        return 0;
    } finally {
        log("cleaning up");
        await cleanup();
    }
}
