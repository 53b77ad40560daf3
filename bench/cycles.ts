import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { type CheckResult, dockerOk, PROJECT_ROOT, runChecks } from "../engine";
import {
    APP_CONTAINER_PORT,
    APP_DIR,
    APP_HEALTHCHECK_COMMAND,
    appContainers,
    hostPort,
    hostUrl,
    type LabConfig,
    type LabSpec,
    REGISTRY_CONTAINER_PORT,
    REGISTRY_HEALTHCHECK_COMMAND,
    replicaPort,
} from "../lab";
import { labelled, provisionLab, removeLabelled, teardownLab, timed } from "../rig";
import { curlAll, log, REGISTRY_PORT, TMP_PREFIX, waitHealthyByName } from "./common";

/** The same cycle through the live harness (lab) and as literal docker CLI calls (bare), and the cleanup of both. */

/** The bare baseline's names, all literal; its objects carry BARE_LABEL so cleanup finds them. */
const BARE_LABEL = "docker-lab.bench=bare";
const BARE = {
    network: "docker-lab-bench-bare-net",
    volume: "docker-lab-bench-bare-registry-data",
    registry: "docker-lab-bench-bare-registry",
    image: `localhost:${REGISTRY_PORT}/bare/hellodocker:1.0.0`,
    replica: (i: number) => `docker-lab-bench-bare-app-${i}`,
};

/** Comparable steps of one cycle, in ms. Healthy times are from the container's StartedAt (waitHealthy). */
export interface CycleSteps {
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

export interface LabCycle extends CycleSteps {
    /** Wall time of provisionLab. */
    provision: number;
    checks: CheckResult[];
    checksWall: number;
}

export async function labCycle(spec: LabSpec): Promise<LabCycle> {
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
export async function bareCycle(spec: LabSpec, config: LabConfig): Promise<CycleSteps> {
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
    const replicaHealthy = await Promise.all(names.map((n) => waitHealthyByName(n, appContainers(spec)[0])));
    const [, curl] = await timed(() => curlAll(names.map((_, i) => hostUrl(config.bindAddress, replicaPort(config, i)))));

    const [, teardown] = await timed(async () => {
        await dockerOk(["rm", "-f", "-v", BARE.registry, ...names], "bare: rm");
        await dockerOk(["network", "rm", BARE.network], "bare: network rm");
        await dockerOk(["volume", "rm", BARE.volume], "bare: volume rm");
        await dockerOk(["image", "rm", "-f", BARE.image], "bare: image rm");
    });
    return { build, push, pullBack, registryHealthy, replicaHealthy, curl, teardown, cycle: performance.now() - started };
}

/** Removes the bare baseline: its containers, network and volume (as the harness does), then its images. */
async function removeBare(): Promise<void> {
    await removeLabelled(BARE_LABEL, {});
    const images = await labelled("image", BARE_LABEL);
    if (images.length) await dockerOk(["image", "rm", "--force", ...images], "removing bench images");
}

/**
 * Removes the bench lab, the bare baseline, the Pulumi phase's lab (by its labels: `pulumiSpec`) and the
 * bench's temp dirs (project copies included); reports, never throws.
 */
export async function cleanupAll(spec: LabSpec, pulumiSpec: LabSpec): Promise<void> {
    for (const [what, fn] of [
        ["bench lab (teardownLab)", () => teardownLab(spec)],
        [`bare baseline (${BARE_LABEL})`, removeBare],
        [`Pulumi phase lab (${pulumiSpec.instance})`, () => teardownLab(pulumiSpec)],
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
