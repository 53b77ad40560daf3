import * as os from "node:os";
import { type EngineEndpoint, execTty, PROJECT_ROOT, resolveEndpoint, runScript } from "../../engine";
import { type Spec, WORKSTATION_LOGIN_SHELL, type WorkplaceContainer } from "../../lab";
import { ArgumentError, parseArgs, stackAndConfig } from "../args";
import { specForStack } from "../stack";
import { liveBackend } from "./backend";
import { ClassPortal } from "./portal";
import { portalServer } from "./server";
import { openStack, readPortalOutputs } from "./stack";
import { type OpenedShell, TerminalSessions, type TerminalSize } from "./terminal";
import { TokenTable } from "./tokens";

export { GRADE_COLUMNS, type GradeRow, gradeRows, gradesCsv, gradesJson, ONE_LEARNER } from "./grades";
export { type CheckAnswer, type ExerciseView, exerciseView, type LearnerState, type PortalBackend, PortalError } from "./model";
export { ClassPortal, type PortalLearner, type PortalOptions } from "./portal";
export { checksTally, latest, NO_SEAT, type Roster, type RosterStudent, type SeatState, seatStateOf } from "./roster";
export { portalServer, SECURITY_HEADERS, sameOrigin } from "./server";
export { openStack, type PortalOutputs, readPortalOutputs, type StateResource, seatUrns, stateResources } from "./stack";
export { type OpenedShell, type TerminalClient, TerminalSessions, terminalSize } from "./terminal";
export { type PortalRole, TokenTable } from "./tokens";

/**
 * `npm run portal [-- --stack NAME]`: the class portal of a running lab, on its bindAddress and
 * portalPort. It prints the teacher's link and each learner's, and runs until Ctrl-C.
 */

const PORTAL_ARGS = { options: { stack: "NAME", config: "JSON" }, help: true } as const;
export const PORTAL_USAGE =
    "usage: npm run portal [-- --stack NAME]   serve the class portal of the stack's running lab (its links are printed; Ctrl-C stops it)";

/** How often the roster asks the engine how each seat is. */
const SEAT_POLL_MS = 5_000;

/** The variable that marks a portal shell's processes, so that they can be found and hung up when its last viewer leaves. */
const SESSION_MARK = "DOCKER_LAB_PORTAL_SESSION";

/** Starts a login shell as the student in their workstation, and says how to hang it up (the engine keeps an exec running after its stream closes). */
export async function openWorkstationShell(
    endpoint: EngineEndpoint,
    spec: Spec,
    container: WorkplaceContainer,
    size: TerminalSize,
): Promise<OpenedShell> {
    const mark = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const exec = await execTty(endpoint, container.name, {
        user: container.user,
        workdir: container.home,
        cmd: [...WORKSTATION_LOGIN_SHELL],
        env: ["TERM=xterm-256color", `${SESSION_MARK}=${mark}`],
        ...size,
    });
    const hangUp = `for p in /proc/[0-9]*; do tr '\\0' '\\n' < "$p/environ" 2>/dev/null | grep -qx '${SESSION_MARK}=${mark}' && kill -HUP "\${p#/proc/}" 2>/dev/null; done; true`;
    return { exec, hangUp: async () => void (await runScript(hangUp, { cwd: PROJECT_ROOT, env: spec.commandEnv, container })) };
}

/** The portal's base URL as printed: a wildcard bind is reached through this machine's name. */
function publicUrl(spec: Spec): string {
    const { bindAddress, port } = spec.portal;
    if (bindAddress === "0.0.0.0" || bindAddress === "::") return `http://${os.hostname()}:${port}`;
    return spec.portal.url;
}

export async function portalCommand(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
    const { options, positionals, help } = parseArgs(argv, { ...PORTAL_ARGS, positionals: true });
    if (help) {
        console.log(PORTAL_USAGE);
        return 0;
    }
    if (positionals.length > 0) throw new ArgumentError(`unexpected ${JSON.stringify(positionals.join(" "))}\n${PORTAL_USAGE}`);
    const { stack: stackName, config } = stackAndConfig(options, env);
    const spec = specForStack(stackName, config);
    const stack = await openStack(stackName, env);
    const outputs = await readPortalOutputs(stack);
    const endpoint = await resolveEndpoint({ ...env, ...spec.commandEnv });
    const portal = new ClassPortal({
        stack: stackName,
        spec,
        tokens: new TokenTable(outputs.tokens),
        upChecks: outputs.checks,
        root: PROJECT_ROOT,
        backend: liveBackend(stack, spec, endpoint, outputs.registryPassword),
    });
    const terminals = new TerminalSessions((key, size) => {
        const learner = portal.learners.find((l) => (l.student ?? "") === key);
        const container = learner && portal.workstation(learner);
        if (!container) return Promise.reject(new Error(`${key || "the learner"} has no workstation`));
        return openWorkstationShell(endpoint, spec, container, size);
    });
    const server = portalServer({ portal, terminals });
    portal.on("log", (student: string | undefined, line: string) => {
        for (const part of line.split("\n").filter((l) => l.trim())) console.log(`[${student ?? "learner"}] ${part}`);
    });
    portal.on("action", (student: string | undefined, action: { kind: string; ok: boolean; message: string }) =>
        console.log(`${action.ok ? "✓" : "✗"} ${action.kind} ${student ?? "the learner"}: ${action.message}`),
    );
    try {
        await server.listen({ host: spec.portal.bindAddress, port: spec.portal.port });
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === "EADDRINUSE" ? "is in use" : (err as Error).message;
        throw new Error(
            `the portal cannot listen on ${spec.portal.bindAddress}:${spec.portal.port} (${why}); fix: npm run config -- set portalPort <a free port>`,
        );
    }
    const base = publicUrl(spec);
    console.log(`class portal of ${spec.instance} (stack ${stackName}) on ${base}: Ctrl-C stops it`);
    console.log(`  teacher: ${base}/t/${outputs.tokens.teacher}/`);
    for (const learner of portal.learners) console.log(`  ${learner.student ?? "learner"}: ${base}${`/s/${learner.token}/`}`);
    const poll = async () => portal.pollSeats().catch((err: Error) => console.error(`seat states: ${err.message}`));
    await poll();
    const timer = setInterval(poll, SEAT_POLL_MS);
    return new Promise((resolve) => {
        const stop = () => {
            clearInterval(timer);
            void server.close().then(() => {
                console.log(`class portal of ${spec.instance} stopped`);
                resolve(0);
            });
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
    });
}
