// tools/doctor/: the preflight, one module per class of finding (node, config, state, the engine and what the lab's mode needs of it, ports, disk, images), all I/O through probes; it changes nothing and declares no resource.

import { PROJECT_ROOT } from "../../engine";
import { type LabMode, MODES } from "../../lab";
import { forStack } from "../pulumiCli";
import { parseDoctorArgs } from "./args";
import { checkConfig } from "./config";
import { checkDisk } from "./disk";
import { checkEngine, type ModeEngineChecks } from "./engine";
import { skipped } from "./findings";
import { formatFindings } from "./format";
import { checkImages } from "./images";
import { checkNode } from "./node";
import { checkPorts } from "./ports";
import { realProbes } from "./probes";
import { seatsEngineChecks } from "./seats";
import { checkState } from "./state";
import { swarmEngineChecks } from "./swarm";
import { DOCTOR_EXIT_CODES, type DoctorFinding, type DoctorOptions, type DoctorProbes, type DoctorResult, exitCodeOf } from "./types";

/**
 * `npm run doctor` and the preflight of `npm run up`: checks everything the lab needs before any
 * resource is declared (Node.js, the config, the stack's Pulumi state, the Docker engine, free ports,
 * disk space, images) and reports each problem as one line with its fix (state problems also as
 * `commands`, the exact shell commands that fix them). All I/O goes through `DoctorProbes`, so every check runs against
 * fakes in the unit tests and against this machine through `realProbes()`.
 */

export { type DoctorArgs, parseDoctorArgs } from "./args";
export { MIN_FREE_BYTES } from "./disk";
export { formatFindings } from "./format";
export { publishedHostPorts } from "./ports";
export { realProbes } from "./probes";
export { type StateBackend, stateBackend } from "./state";
export {
    type DirEntry,
    DOCTOR_EXIT_CODES,
    type DoctorClass,
    type DoctorFinding,
    type DoctorOptions,
    type DoctorProbes,
    type DoctorResult,
    type PortState,
} from "./types";

/** What a mode needs of the engine beyond that it answers (to manage a cluster, say), by mode; none for most. */
const MODE_ENGINE_CHECKS: { readonly [M in LabMode]?: ModeEngineChecks } = {
    swarm: swarmEngineChecks,
    seats: seatsEngineChecks,
};

/** Runs every check for one stack. Never throws for a problem it can describe; returns findings and the exit code. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorResult> {
    const probes = options.probes ?? realProbes();
    const progress = options.onProgress ?? (() => {});
    const findings: DoctorFinding[] = [];
    // Every fix line names the stack's config and CLI commands as they run on that stack (LAB_STACK=… for any but the default).
    const done = () => {
        const onStack = findings.map((f) => ({
            ...f,
            message: forStack(f.message, options.stack),
            ...(f.commands ? { commands: f.commands.map((c) => forStack(c, options.stack)) } : {}),
        }));
        return { findings: onStack, exitCode: exitCodeOf(onStack) };
    };

    progress("checking Node.js…");
    findings.push(...checkNode(probes));

    progress(`checking the config of stack ${options.stack}…`);
    const { findings: configFindings, config, spec } = checkConfig(options);
    findings.push(...configFindings);
    if (!config || !spec) return done();

    progress(`checking the Pulumi state of stack ${options.stack}…`);
    findings.push(...(await checkState(probes, options.stack, options.projectDir, config)));

    progress("checking the Docker engine…");
    const { findings: engineFindings, engine } = await checkEngine(probes, config);
    findings.push(...engineFindings);
    if (!engine) {
        findings.push(
            skipped(
                "engine",
                "engine.skipped",
                "ports, disk space and images not checked: the Docker engine does not answer (fix it first)",
            ),
        );
        return done();
    }

    const modeChecks = MODE_ENGINE_CHECKS[config.mode];
    if (modeChecks) {
        progress(modeChecks.progress);
        findings.push(...(await modeChecks.check(probes, config, engine, spec)));
    }
    progress(`checking ports on ${MODES[config.mode].portsOnEveryInterface ? "every interface" : config.bindAddress}…`);
    findings.push(...(await checkPorts(probes, config, spec, engine)));
    progress("checking free disk space…");
    findings.push(...(await checkDisk(probes, engine)));
    progress("checking images…");
    findings.push(...(await checkImages(probes, config, engine)));
    return done();
}

/**
 * The preflight of `npm run up`: runs the doctor and, when anything is wrong, writes only the
 * problems (one line each, with its fix) and the summary. Returns the doctor's exit code.
 */
export async function preflight(options: DoctorOptions & { write?: (text: string) => void }): Promise<number> {
    const write = options.write ?? ((text: string) => process.stderr.write(`${text}\n`));
    const result = await runDoctor(options);
    if (result.exitCode !== 0) {
        write(`docker-lab preflight found problems; nothing was changed (details: npm run doctor):`);
        write(formatFindings(result.findings, { problemsOnly: true }));
    }
    return result.exitCode;
}

/**
 * `npm run doctor [-- --stack NAME] [--json]`: checks Node.js, the config, the stack's Pulumi state,
 * the Docker engine, ports, disk space and images for one stack. Progress goes to stderr, findings to stdout; the exit code says which
 * class of problem was found (see DOCTOR_EXIT_CODES; 1 = usage error or the doctor itself failed).
 * Returns that exit code. `io` replaces the machine (probes), the project root and stdout, for tests.
 */
export async function doctorCommand(
    argv: string[],
    env: Record<string, string | undefined>,
    io: { probes?: DoctorProbes; projectDir?: string; stdout?: (text: string) => void } = {},
): Promise<number> {
    const args = parseDoctorArgs(argv, env);
    if (typeof args === "string") {
        console.error(args);
        return 1;
    }
    const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
    const result = await runDoctor({
        stack: args.stack,
        projectDir: io.projectDir ?? PROJECT_ROOT,
        probes: io.probes,
        onProgress: (message) => process.stderr.write(`${message}\n`),
    });
    if (args.json) {
        // Findings of class "state" carry `commands`: the e2e suite runs them in order to recover a stack.
        stdout(
            `${JSON.stringify({ stack: args.stack, exitCode: result.exitCode, exitCodes: DOCTOR_EXIT_CODES, findings: result.findings }, null, 2)}\n`,
        );
    } else {
        stdout(`${formatFindings(result.findings)}\n`);
    }
    return result.exitCode;
}
