import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../engine";
import {
    type LabSpec,
    type SeatsApp,
    type Spec,
    seatClientDir,
    seatsApp,
    seatTlsResourceName,
    shellQuote,
    studentLab,
    WORKSTATION_HOME,
    WORKSTATION_LOGIN_SHELL,
    WORKSTATION_USER,
} from "../lab";
import { ArgumentError, parseArgs, stackAndConfig } from "./args";
import { labCommand } from "./labCommand";
import { labScript } from "./pulumiCli";
import { specForStack } from "./stack";
import { stackOutput, stackResourceUrn } from "./stackOutput";

/**
 * `npm run seat -- env NAME` and `npm run seat -- shell NAME`: the two doors into a student's seat.
 * `env` writes the student's TLS client files into a folder and prints the lines that point a docker
 * CLI at their seat; `shell` opens a shell as the student in their seat's workstation.
 */

const SEAT_ARGS = { options: { stack: "NAME", dir: "DIR" }, positionals: true, help: true } as const;
const ACTIONS = ["env", "shell", "rotate"];

export const SEAT_USAGE = [
    "usage: npm run seat -- env NAME [--stack S] [--dir DIR]   write NAME's client files (default .docker-lab/seats/<lab>/NAME) and print DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH",
    "       npm run seat -- shell NAME [--stack S]             open a shell as NAME in their seat's workstation",
    "       npm run seat -- rotate NAME [--stack S]            new keys and certificates for NAME's seat (npm run up --replace); no other seat changes",
].join("\n");

/** A student's client of their seat, as the stack's secret output seatClients holds it. */
export interface SeatClientFiles {
    engineHost: string;
    ca: string;
    cert: string;
    key: string;
}

/** The seat lab of `student` in `stack`; throws naming the fix when the stack is not in seats mode or has no such student. */
export function seatLabOf(stack: string, student: string, config?: Record<string, string>): { spec: Spec; lab: LabSpec; app: SeatsApp } {
    const spec = specForStack(stack, config);
    if (spec.mode !== "seats") {
        throw new Error(
            `stack ${stack} runs mode ${spec.mode}, which has no seats; give each student an engine of their own with ${labScript(stack, "config", "set mode seats")}`,
        );
    }
    const lab = studentLab(spec, student);
    return { spec, lab, app: seatsApp(lab.app) };
}

/** Writes the client files into `dir` (only the owner may read them) and returns the lines that point a docker CLI at the seat. */
export function writeSeatClient(client: SeatClientFiles, dir: string): string[] {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const files: Record<string, string> = { "ca.pem": client.ca, "cert.pem": client.cert, "key.pem": client.key };
    for (const [file, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, file), text.endsWith("\n") ? text : `${text}\n`, { mode: 0o600 });
    }
    return [
        `export DOCKER_HOST=${shellQuote(client.engineHost)}`,
        "export DOCKER_TLS_VERIFY=1",
        `export DOCKER_CERT_PATH=${shellQuote(path.resolve(dir))}`,
    ];
}

/** The student's client from the stack's secret output; throws with the fix when there is none. */
function clientOf(stack: string, student: string): SeatClientFiles {
    const out = stackOutput(stack, "seatClients", { secrets: true, json: true });
    if ("problem" in out) throw new Error(`the seats of stack ${stack} could not be read (${out.problem}); fix: ${labScript(stack, "up")}`);
    const clients = JSON.parse(out.value) as Record<string, SeatClientFiles>;
    const client = clients[student];
    if (!client) throw new Error(`stack ${stack} has no seat for ${student} yet; fix: ${labScript(stack, "up")}`);
    return client;
}

export async function seatCommand(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
    const { options, positionals, help } = parseArgs(argv, SEAT_ARGS);
    if (help) {
        console.log(SEAT_USAGE);
        return 0;
    }
    const [action, student, ...rest] = positionals;
    if (!ACTIONS.includes(action ?? "") || !student || rest.length > 0) {
        throw new ArgumentError(
            `expected env NAME, shell NAME or rotate NAME, got ${JSON.stringify(positionals.join(" "))}\n${SEAT_USAGE}`,
        );
    }
    const { stack } = stackAndConfig(options, env);
    const { spec, lab, app } = seatLabOf(stack, student);
    if (action === "env") {
        const dir = options.dir ?? path.join(PROJECT_ROOT, seatClientDir(lab.instance, student));
        console.log(writeSeatClient(clientOf(stack, student), dir).join("\n"));
        const again = labScript(stack, "-s seat", `env ${student}${options.dir ? ` --dir ${shellQuote(options.dir)}` : ""}`);
        console.error(`# ${student}'s docker CLI works in their seat once these lines run: eval "$(${again})"`);
        return 0;
    }
    if (action === "rotate") {
        // The seat's certificates come from one command, made once: replacing it makes new ones, and
        // with them a new seat container, new client files and a new provider for that seat only.
        const urn = stackResourceUrn(stack, seatTlsResourceName(student));
        if ("problem" in urn) throw new Error(`${student}'s seat cannot be rotated (${urn.problem}); fix: ${labScript(stack, "up")}`);
        const code = await labCommand(["up", "--replace", urn.value], { ...env, LAB_STACK: stack });
        if (code === 0)
            console.error(
                `# ${student} has new certificates: hand them the new client files (${labScript(stack, "seat", `env ${student}`)})`,
            );
        return code;
    }
    const ws = app.workstation.name;
    const shell = spawnSync("docker", ["exec", "-it", "-u", WORKSTATION_USER, "-w", WORKSTATION_HOME, ws, ...WORKSTATION_LOGIN_SHELL], {
        stdio: "inherit",
        env: { ...env, ...spec.commandEnv },
    });
    return shell.status ?? 1;
}
