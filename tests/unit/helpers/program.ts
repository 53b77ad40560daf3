import { createHash } from "node:crypto";
import * as path from "node:path";
import type * as pulumiType from "@pulumi/pulumi";

/** One resource the program registered, as the mock monitor received it. */
export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    /** Inputs the program sent (Outputs resolved). */
    inputs: Record<string, any>;
    /** Names of the resources this one depends on (from the registration's dependency list). */
    dependsOn: string[];
    /** Name of the parent resource, if any. */
    parent?: string;
    /** Provider reference the resource was registered with ("urn::id"), if any. */
    provider?: string;
    deleteBeforeReplace: boolean;
    /** Top-level input keys whose value is, or holds, a Pulumi secret as sent (e.g. "environment", "uploads"). */
    secretInputs: string[];
    /** The registration's additionalSecretOutputs. */
    additionalSecretOutputs: string[];
}

/** One provider function (invoke) the program called. */
export interface RecordedCall {
    token: string;
    inputs: Record<string, any>;
}

export interface ProgramRun {
    resources: RecordedResource[];
    /** The program's stack outputs, resolved. */
    outputs: Record<string, unknown>;
    /** Provider functions the program called, in call order. */
    calls: RecordedCall[];
}

export const PROJECT = "docker-lab";

/** Deterministic fake digest for a pushed image name, so repeated runs send identical inputs. */
export function fakeDigest(imageName: string): string {
    return `sha256:${createHash("sha256").update(imageName).digest("hex")}`;
}

function nameOfUrn(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** What the mocked engine answers to the program's platform query (`command:local:run`) unless told otherwise. */
export const DEFAULT_ENGINE_PLATFORM = "linux/amd64";

export interface RunOptions {
    /** stdout of the engine platform query (`command:local:run` of the image's platform command). */
    platformStdout?: string;
    /** stdout of any other `command:local:run` (e.g. the swarm's node list), by its command; default: throws. */
    runStdout?: (command: string) => string;
    /** stdout the mocked `command:local:Command` named `name` reports; default "mock stdout of NAME". */
    commandStdout?: (name: string) => string;
    /** Config keys (without the project prefix) set as secrets, as `pulumi config set --secret` does. Default: none. */
    secretKeys?: string[];
}

/** The signature key and value Pulumi marks a secret with on the wire. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The value with every secret wrapper replaced by the value it wraps (secret-ness is in `secretInputs`). */
function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value !== null && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) return unwrapSecrets(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** Whether a value as sent on the wire is, or holds anywhere inside it, a secret. */
function holdsSecret(value: unknown): boolean {
    if (Array.isArray(value)) return value.some(holdsSecret);
    if (value !== null && typeof value === "object") {
        const o = value as Record<string, unknown>;
        return o[SIG_KEY] === SECRET_SIG || Object.values(o).some(holdsSecret);
    }
    return false;
}

/**
 * Runs index.ts under Pulumi mocks with the given config (values as `pulumi config set` stores
 * them: strings) and records every resource registration the program sends, and every provider
 * function call in `calls`. The `call` mock answers only `command:local:run`: the engine platform query with
 * `options.platformStdout` (default DEFAULT_ENGINE_PLATFORM plus a newline), any other command with
 * `options.runStdout`; it throws on anything else. Exports that are undefined are left out of `outputs`.
 */
export async function runProgram(config: Record<string, string> = {}, stack = "dev", options: RunOptions = {}): Promise<ProgramRun> {
    const resources: RecordedResource[] = [];
    const calls: RecordedCall[] = [];
    // Each run loads a fresh copy of the SDK, which adds its own exit listeners.
    process.setMaxListeners(0);
    let program: Record<string, unknown> = {};
    let pulumi!: typeof pulumiType;

    jest.isolateModules(() => {
        pulumi = require("@pulumi/pulumi");
        pulumi.runtime.setMocks(
            {
                newResource(args) {
                    const state: Record<string, unknown> = { ...args.inputs };
                    if (args.type === "docker:index/image:Image") {
                        const name = String(args.inputs.imageName);
                        state.repoDigest = `${name.slice(0, name.lastIndexOf(":"))}@${fakeDigest(name)}`;
                    }
                    if (args.type === "command:local:Command") {
                        state.stdout = options.commandStdout ? options.commandStdout(args.name) : `mock stdout of ${args.name}`;
                        state.stderr = "";
                    }
                    return { id: `${args.name}-id`, state };
                },
                call(args) {
                    calls.push({ token: args.token, inputs: args.inputs });
                    if (args.token === "command:local:run" && /\{\{\.Server\.Os\}\}/.test(String(args.inputs.command))) {
                        return { stdout: options.platformStdout ?? `${DEFAULT_ENGINE_PLATFORM}\n`, stderr: "" };
                    }
                    if (args.token === "command:local:run" && options.runStdout) {
                        return { stdout: options.runStdout(String(args.inputs.command)), stderr: "" };
                    }
                    throw new Error(`Unexpected provider function call ${args.token}: the program should call only command:local:run`);
                },
            },
            PROJECT,
            stack,
            false,
        );
        pulumi.runtime.setAllConfig(
            Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v])),
            (options.secretKeys ?? []).map((k) => `${PROJECT}:${k}`),
        );

        // Record what the program sends, not what the mocks return: wrap the monitor's registration.
        const monitor = pulumi.runtime.getMonitor() as any;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) =>
            register(req, (err: unknown, resp: any) => {
                if (!err) {
                    const { deserializeProperties } = require("@pulumi/pulumi/runtime/rpc");
                    const parent = req.getParent();
                    const provider = req.getProvider();
                    const wire = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
                    resources.push({
                        type: req.getType(),
                        name: req.getName(),
                        urn: resp.getUrn(),
                        inputs: unwrapSecrets(deserializeProperties(req.getObject())) as Record<string, any>,
                        dependsOn: req.getDependenciesList().map(nameOfUrn),
                        parent: parent ? nameOfUrn(parent) : undefined,
                        provider: provider || undefined,
                        deleteBeforeReplace: req.getDeletebeforereplace(),
                        secretInputs: Object.keys(wire).filter((key) => holdsSecret(wire[key])),
                        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                    });
                }
                callback(err, resp);
            });

        program = require(path.join(__dirname, "..", "..", "..", "index"));
    });

    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(program)) {
        const resolved = pulumi.Output.isInstance(value) ? await promiseOf(value) : value;
        // As the CLI does: an export whose value is undefined is no stack output (measured with CLI v3.274).
        if (resolved !== undefined) outputs[key] = resolved;
    }
    // Component outputs are registered after their children: let pending registrations settle.
    await new Promise((resolve) => setTimeout(resolve, 10));
    return { resources, outputs, calls };
}

/** Resolves an Output's value (mocks resolve every value, even during preview-free runs). */
export function promiseOf<T>(output: pulumiType.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Resources of one type, in registration order. */
export function ofType(run: ProgramRun, type: string): RecordedResource[] {
    return run.resources.filter((r) => r.type === type);
}

/** The one resource of this name; fails the test when there is not exactly one. */
export function named(run: ProgramRun, name: string): RecordedResource {
    const found = run.resources.filter((r) => r.name === name);
    if (found.length !== 1) {
        throw new Error(`Expected one resource named ${name}, found ${found.length}: ${run.resources.map((r) => r.name).join(", ")}`);
    }
    return found[0];
}

export const TYPES = {
    provider: "pulumi:providers:docker",
    network: "docker:index/network:Network",
    volume: "docker:index/volume:Volume",
    container: "docker:index/container:Container",
    image: "docker:index/image:Image",
    service: "docker:index/service:Service",
    command: "command:local:Command",
} as const;
