// tools/bench/: the benchmark on a live engine (args, image phase, lab and bare cycles, report); it measures and prints, it asserts nothing.

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
 *      sequence in `bareCycle` (cycles.ts). The lesson checks run in the lab cycle between curl and teardown,
 *      outside its cycle time, and are reported on their own.
 *   Every figure is the median of the runs (3 by default).
 */
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import { dockerOk } from "../../engine";
import { APP_DIR, buildLabSpec, PROJECT_NAME, PROJECT_ROOT, parseLabConfig } from "../../lab";
import { BENCH_USAGE, parseBenchArgs } from "./args";
import { APP_PORT, BASE_IMAGE, log, REGISTRY_IMAGE, REGISTRY_PORT, STACK, secs, T0 } from "./common";
import { bareCycle, type CycleSteps, cleanupAll, type LabCycle, labCycle } from "./cycles";
import { imagePhase } from "./imagePhase";
import { benchReport } from "./report";

export { type BenchArgs, parseBenchArgs } from "./args";

/** The whole `npm run bench` command; returns its exit code. */
export async function runBench(argv: string[]): Promise<number> {
    const opts = parseBenchArgs(argv);
    if (opts === "help") {
        process.stdout.write(`${BENCH_USAGE}\n`);
        return 0;
    }
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

        const { text, results } = benchReport({ spec, config, engine, runs: opts.runs, image, lab, bare, totalMs });
        process.stdout.write(text);
        fs.writeFileSync(opts.json, `${JSON.stringify(results, null, 2)}\n`);
        log(`JSON written to ${opts.json}`);
        return 0;
    } finally {
        log("cleaning up");
        await cleanup();
    }
}
