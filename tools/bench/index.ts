// tools/bench/: the benchmark on a live engine (args, image phase, lab and bare cycles, report); it measures and prints, it asserts nothing.

/**
 * Benchmark of the docker-lab on a live Docker engine. It PRINTS figures (a table on stdout, JSON in
 * bench-results.json) and asserts nothing; the targets of the issue are printed next to each figure.
 *
 * Usage: npm run bench [-- --json PATH] [-- --runs N] [-- --only lab,classroom,swarm]
 * Env:   LAB_BASE_IMAGE, LAB_REGISTRY_IMAGE (default: the offline images of scripts/offline-images.sh)
 *
 * Everything it creates is its own: the lab of stack "bench" (label docker-lab.instance=docker-lab-bench,
 * ports 28080.. and 25000), the bare-CLI baseline (label docker-lab.bench=bare) and the Pulumi phase's
 * lab (stack "bench-pulumi" in a throw-away copy of the project, docker-lab-bench-pulumi), all on the same
 * ports, one at a time. All are removed before starting (leftovers of an interrupted run) and on exit.
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
 *   3. Pulumi (pulumiPhase.ts), when a Pulumi CLI with the nodejs host and both plugins is found
 *      (findToolchain; else its rows say n/a and why): the real npm run up / down in a copy of the
 *      project: cold up (with its critical path from --event-log), no-op up, up after a one-line
 *      change, down. Run after each lab and bare cycle (L B P L B P ...).
 *   4. Classroom (classroom.ts): the program under Pulumi mocks for classes of 1, 10 and 50 (time and
 *      memory, each run a fresh process), then a class of 10 (stack bench-class, ports 29000.. and
 *      29999) with the real CLI when available, else the harness: until healthy, up, verify, memory per lab, down.
 *   5. Swarm: one node (swarmOneNode.ts): the lab in swarm mode (publishMode host) with the real CLI
 *      in a copy of the project (stack bench-swarm, ports 29500 and 29499) on a one-node swarm of
 *      the local engine (made and left again when the engine is in no swarm): cold up until converged
 *      and verified, no-op up, rolling update after a one-line change with the app polled, down; n/a
 *      without a CLI. Three nodes (swarmNodes.ts): 3 dind nodes, formation, a 3-task host-mode service
 *      converged, a stop-first rolling update with every node polled; n/a without the dind image.
 *      Each runs once.
 *   Every other figure is the median of the runs (3 by default). `--only` runs some phases: lab
 *   (1-3), classroom (4), swarm (5).
 */
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import { dockerOk, PROJECT_ROOT } from "../../engine";
import { APP_DIR, buildLabSpec, PROJECT_NAME } from "../../lab";
import { labConfig } from "../stack";
import { findToolchain, TOOLCHAIN_HINT } from "../toolchain";
import { BENCH_USAGE, parseBenchArgs } from "./args";
import { classroomPhase, classroomReport, cleanupClassroom } from "./classroom";
import { BENCH_CONFIG, log, PULUMI_STACK, STACK, secs, T0 } from "./common";
import { bareCycle, type CycleSteps, cleanupAll, type LabCycle, labCycle } from "./cycles";
import { imagePhase } from "./imagePhase";
import { PulumiBench, type PulumiPhase, stopRunningCommands } from "./pulumiPhase";
import { benchReport } from "./report";
import { swarmNodesBench } from "./swarmNodes";
import { cleanupSwarmOneNode, swarmOneNodeBench } from "./swarmOneNode";
import { swarmReport } from "./swarmReport";

export { BENCH_PHASES, type BenchArgs, type BenchPhase, parseBenchArgs, parsePhases } from "./args";

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
        cleaning ??= cleanupAll(spec, pulumiSpec).then(cleanupClassroom).then(cleanupSwarmOneNode);
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
        const engine = (
            await dockerOk(["version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})"], "reading the engine version")
        ).trim();
        for (const image of [config.baseImage, config.registryImage]) {
            await dockerOk(
                ["image", "inspect", "--format", "{{.Id}}", image],
                `looking for ${image} (build it with bash scripts/offline-images.sh)`,
            );
        }
        log(`engine ${engine}; phases ${opts.phases.join(", ")}; removing leftovers of an earlier run`);
        await cleanupAll(spec, pulumiSpec);
        await cleanupClassroom();
        await cleanupSwarmOneNode();
        const toolchain = findToolchain(process.env);
        const texts: string[] = [];
        let results: Record<string, unknown> = { generatedAt: new Date().toISOString(), engine, runs: opts.runs, phases: opts.phases };
        let labFailed = false;
        let labReport: (() => { text: string; results: unknown }) | undefined;

        if (opts.phases.includes("lab")) {
            const image = await imagePhase(spec, config, opts.runs);
            const lab: LabCycle[] = [];
            const bare: CycleSteps[] = [];
            let pulumi: PulumiPhase;
            let pulumiBench: PulumiBench | undefined;
            if ("missing" in toolchain) {
                pulumi = {
                    available: false,
                    reason: `no Pulumi CLI with the nodejs host and both plugins: ${toolchain.missing} (${TOOLCHAIN_HINT})`,
                };
            } else {
                pulumiBench = PulumiBench.open(toolchain, pulumiSpec);
                try {
                    pulumi = { available: true, cli: toolchain.pulumi, version: await pulumiBench.version(), runs: [] };
                } catch (err) {
                    pulumi = { available: false, reason: `the Pulumi CLI ${toolchain.pulumi} does not run: ${(err as Error).message}` };
                    await pulumiBench.close();
                    pulumiBench = undefined;
                }
            }
            log(pulumi.available ? `Pulumi phase with ${pulumi.cli} ${pulumi.version}` : `Pulumi phase n/a: ${pulumi.reason}`);

            try {
                for (let i = 0; i < opts.runs; i++) {
                    log(`lab cycle ${i + 1}/${opts.runs}`);
                    lab.push(await labCycle(spec));
                    log(`lab cycle ${i + 1}: ${secs(lab[i].cycle)}; checks ${secs(lab[i].checksWall)}; bare cycle ${i + 1}/${opts.runs}`);
                    bare.push(await bareCycle(spec, config));
                    log(`bare cycle ${i + 1}: ${secs(bare[i].cycle)}`);
                    if (pulumi.available && pulumiBench) {
                        log(`pulumi run ${i + 1}/${opts.runs}`);
                        try {
                            pulumi.runs.push(await pulumiBench.run(i));
                        } catch (err) {
                            // The lab and bare cycles go on; the stack goes now, so its ports are free for them.
                            pulumi.error = `run ${i + 1}: ${(err as Error).message}`;
                            log(`Pulumi phase FAILED, the next runs skip it: ${pulumi.error}`);
                            await pulumiBench.close();
                            pulumiBench = undefined;
                        }
                    }
                }
            } finally {
                await pulumiBench?.close();
            }
            labFailed = pulumi.available && pulumi.error !== undefined;
            // Its text ends with the total bench time: made once every phase has run.
            labReport = () =>
                benchReport({ spec, config, engine, runs: opts.runs, image, lab, bare, pulumi, totalMs: performance.now() - T0 });
        }
        if (opts.phases.includes("classroom")) {
            // 4. Classroom (classroom.ts): the program under mocks for classes of 1, 10 and 50, and a class of 10 on the engine.
            log("classroom phase");
            const classroom = classroomReport(await classroomPhase(toolchain, opts.runs));
            texts.push(classroom.text);
            results = { ...results, ...classroom.results };
        }
        let swarmFailed = false;
        if (opts.phases.includes("swarm")) {
            // 5. Swarm: one node with the real CLI, then three dind nodes.
            log("swarm phase: one node");
            const oneNode = await swarmOneNodeBench(toolchain);
            log("swarm phase: three nodes");
            const threeNodes = await swarmNodesBench();
            const swarm = swarmReport(oneNode, threeNodes);
            texts.push(swarm.text);
            results = { ...results, ...swarm.results };
            swarmFailed = ("error" in oneNode && oneNode.error !== undefined) || threeNodes.error !== undefined;
        }

        const totalMs = performance.now() - T0;
        if (labReport) {
            const main = labReport();
            texts.unshift(main.text);
            results = { ...(main.results as object), phases: opts.phases, ...results, totalMs };
        } else {
            texts.unshift(
                `\ndocker-lab bench: engine ${engine}; phases ${opts.phases.join(", ")} (--only): the image, cycle and Pulumi rows were not run.\n`,
            );
            texts.push(`\nTotal bench time ${secs(totalMs)}.\n`);
            results = { ...results, totalMs };
        }
        process.stdout.write(texts.join(""));
        fs.writeFileSync(opts.json, `${JSON.stringify(results, null, 2)}\n`);
        log(`JSON written to ${opts.json}`);
        // A failed npm run up/down (or a failed swarm) is a failure, not a figure: the tables are printed, the exit code says it.
        return labFailed || swarmFailed ? 1 : 0;
    } finally {
        log("cleaning up");
        await cleanup();
    }
}
