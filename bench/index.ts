// bench/: `npm run bench`, the benchmark on a live engine. It measures and prints figures against
// their targets and asserts nothing; README.md (Tests, Benchmark) describes its phases.
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import { dockerOk, PROJECT_ROOT } from "../engine";
import { APP_DIR, buildLabSpec, type LabConfig, type LabSpec, PROJECT_NAME } from "../lab";
import { labConfig } from "../tools/stack";
import { findToolchain, TOOLCHAIN_HINT } from "../tools/toolchain";
import { BENCH_USAGE, type BenchArgs, parseBenchArgs } from "./args";
import { BENCH_CONFIG, log, PULUMI_STACK, STACK, secs, T0 } from "./common";
import { bareCycle, type CycleSteps, cleanupAll, type LabCycle, labCycle } from "./cycles";
import { imagePhase } from "./imagePhase";
import type { PhaseReport, Toolchain } from "./phase";
import { MORE_PHASES } from "./phases";
import { stopRunningCommands } from "./processes";
import { PulumiBench, type PulumiPhase } from "./pulumiPhase";
import { type BenchRuns, benchReport } from "./report";

export { BENCH_PHASES, type BenchArgs, type BenchPhase, parseBenchArgs, parsePhases } from "./args";

/** The Pulumi phase's bench, or why there is none (no toolchain, or a CLI that does not run). */
async function openPulumi(toolchain: Toolchain, pulumiSpec: LabSpec): Promise<{ pulumi: PulumiPhase; bench?: PulumiBench }> {
    if ("missing" in toolchain) {
        const reason = `no Pulumi CLI with the nodejs host and both plugins: ${toolchain.missing} (${TOOLCHAIN_HINT})`;
        return { pulumi: { available: false, reason } };
    }
    const bench = PulumiBench.open(toolchain, pulumiSpec);
    try {
        return { pulumi: { available: true, cli: toolchain.pulumi, version: await bench.version(), runs: [] }, bench };
    } catch (err) {
        await bench.close();
        return { pulumi: { available: false, reason: `the Pulumi CLI ${toolchain.pulumi} does not run: ${(err as Error).message}` } };
    }
}

/** The image phase, then the lab, bare and Pulumi runs interleaved (L B P L B P ...), so they meet the engine alike. */
async function labPhase(spec: LabSpec, pulumiSpec: LabSpec, config: LabConfig, toolchain: Toolchain, runs: number) {
    const image = await imagePhase(spec, config, runs);
    const lab: LabCycle[] = [];
    const bare: CycleSteps[] = [];
    let { pulumi, bench } = await openPulumi(toolchain, pulumiSpec);
    log(pulumi.available ? `Pulumi phase with ${pulumi.cli} ${pulumi.version}` : `Pulumi phase n/a: ${pulumi.reason}`);
    try {
        for (let i = 0; i < runs; i++) {
            log(`lab cycle ${i + 1}/${runs}`);
            lab.push(await labCycle(spec));
            log(`lab cycle ${i + 1}: ${secs(lab[i].cycle)}; checks ${secs(lab[i].checksWall)}; bare cycle ${i + 1}/${runs}`);
            bare.push(await bareCycle(spec, config));
            log(`bare cycle ${i + 1}: ${secs(bare[i].cycle)}`);
            if (!pulumi.available || !bench) continue;
            log(`pulumi run ${i + 1}/${runs}`);
            try {
                pulumi.runs.push(await bench.run(i));
            } catch (err) {
                // The lab and bare cycles go on; the stack goes now, so its ports are free for them.
                pulumi.error = `run ${i + 1}: ${(err as Error).message}`;
                log(`Pulumi phase FAILED, the next runs skip it: ${pulumi.error}`);
                await bench.close();
                bench = undefined;
            }
        }
    } finally {
        await bench?.close();
    }
    return { image, lab, bare, pulumi };
}

/** The engine's version; throws when an offline image is missing. */
async function engineVersion(config: LabConfig): Promise<string> {
    const version = await dockerOk(
        ["version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})"],
        "reading the engine version",
    );
    for (const image of [config.baseImage, config.registryImage]) {
        await dockerOk(
            ["image", "inspect", "--format", "{{.Id}}", image],
            `looking for ${image} (build it with bash scripts/offline-images.sh)`,
        );
    }
    return version.trim();
}

/** Runs the phases of `opts`, prints their tables and writes the JSON; returns the exit code. */
async function runPhases(opts: BenchArgs, spec: LabSpec, pulumiSpec: LabSpec, config: LabConfig): Promise<number> {
    const engine = await engineVersion(config);
    log(`engine ${engine}; phases ${opts.phases.join(", ")}; removing leftovers of an earlier run`);
    await cleanupAll(spec, pulumiSpec);
    for (const phase of Object.values(MORE_PHASES)) await phase.cleanup();
    const toolchain = findToolchain(process.env);
    let lab: Omit<BenchRuns, "totalMs"> | undefined;
    if (opts.phases.includes("lab")) {
        lab = { spec, config, engine, runs: opts.runs, ...(await labPhase(spec, pulumiSpec, config, toolchain, opts.runs)) };
    }
    const parts: PhaseReport[] = [];
    for (const [name, phase] of Object.entries(MORE_PHASES)) {
        if ((opts.phases as string[]).includes(name)) parts.push(await phase.run(toolchain, opts.runs));
    }

    // The lab's table ends with the total bench time, so it is made once every phase has run.
    const totalMs = performance.now() - T0;
    const texts = parts.map((p) => p.text);
    let results: Record<string, unknown> = { generatedAt: new Date().toISOString(), engine, runs: opts.runs, phases: opts.phases };
    for (const part of parts) results = { ...results, ...part.results };
    if (lab) {
        const main = benchReport({ ...lab, totalMs });
        texts.unshift(main.text);
        results = { ...(main.results as object), ...results, totalMs };
    } else {
        const skipped = `\ndocker-lab bench: engine ${engine}; phases ${opts.phases.join(", ")} (--only): the image, cycle and Pulumi rows were not run.\n`;
        texts.unshift(skipped);
        texts.push(`\nTotal bench time ${secs(totalMs)}.\n`);
        results = { ...results, totalMs };
    }
    process.stdout.write(texts.join(""));
    fs.writeFileSync(opts.json, `${JSON.stringify(results, null, 2)}\n`);
    log(`JSON written to ${opts.json}`);
    // A failed npm run up/down (or a failed phase) is a failure, not a figure: the tables are printed, the exit code says it.
    const labFailed = lab?.pulumi.available === true && lab.pulumi.error !== undefined;
    return labFailed || parts.some((p) => p.failed) ? 1 : 0;
}

/** The whole `npm run bench` command; returns its exit code. */
export async function runBench(argv: string[]): Promise<number> {
    const opts = parseBenchArgs(argv);
    if (opts === "help") {
        process.stdout.write(`${BENCH_USAGE}\n`);
        return 0;
    }
    process.chdir(PROJECT_ROOT);
    const config = labConfig(BENCH_CONFIG);
    const spec = buildLabSpec(config, { project: PROJECT_NAME, stack: STACK, appDir: APP_DIR });
    const pulumiSpec = buildLabSpec(config, { project: PROJECT_NAME, stack: PULUMI_STACK, appDir: APP_DIR });

    let cleaning: Promise<void> | undefined;
    const cleanup = () => {
        cleaning ??= Object.values(MORE_PHASES).reduce((done, phase) => done.then(phase.cleanup), cleanupAll(spec, pulumiSpec));
        return cleaning;
    };
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            process.stderr.write(`bench: ${signal}: stopping the Pulumi commands, cleaning up\n`);
            void stopRunningCommands()
                .then(cleanup)
                .finally(() => process.exit(130));
        });
    }
    try {
        return await runPhases(opts, spec, pulumiSpec, config);
    } finally {
        log("cleaning up");
        await cleanup();
    }
}
