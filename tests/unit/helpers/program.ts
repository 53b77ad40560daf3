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
}

export interface ProgramRun {
    resources: RecordedResource[];
    /** The program's stack outputs, resolved. */
    outputs: Record<string, unknown>;
}

export const PROJECT = "docker-lab";

/** Deterministic fake digest for a pushed image name, so repeated runs send identical inputs. */
export function fakeDigest(imageName: string): string {
    return `sha256:${createHash("sha256").update(imageName).digest("hex")}`;
}

function nameOfUrn(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * Runs index.ts under Pulumi mocks with the given config (values as `pulumi config set` stores
 * them: strings) and records every resource registration the program sends. `call` mocks throw
 * on any token: the program is not expected to invoke provider functions.
 */
export async function runProgram(config: Record<string, string> = {}, stack = "dev"): Promise<ProgramRun> {
    const resources: RecordedResource[] = [];
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
                        state.stdout = `mock stdout of ${args.name}`;
                        state.stderr = "";
                    }
                    return { id: `${args.name}-id`, state };
                },
                call(args) {
                    throw new Error(`Unexpected provider function call ${args.token}: the program should call none`);
                },
            },
            PROJECT,
            stack,
            false,
        );
        pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v])));

        // Record what the program sends, not what the mocks return: wrap the monitor's registration.
        const monitor = pulumi.runtime.getMonitor() as any;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) =>
            register(req, (err: unknown, resp: any) => {
                if (!err) {
                    const { deserializeProperties } = require("@pulumi/pulumi/runtime/rpc");
                    const parent = req.getParent();
                    const provider = req.getProvider();
                    resources.push({
                        type: req.getType(),
                        name: req.getName(),
                        urn: resp.getUrn(),
                        inputs: deserializeProperties(req.getObject()),
                        dependsOn: req.getDependenciesList().map(nameOfUrn),
                        parent: parent ? nameOfUrn(parent) : undefined,
                        provider: provider || undefined,
                        deleteBeforeReplace: req.getDeletebeforereplace(),
                    });
                }
                callback(err, resp);
            });

        program = require(path.join(__dirname, "..", "..", "..", "index"));
    });

    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(program)) {
        outputs[key] = pulumi.Output.isInstance(value) ? await promiseOf(value) : value;
    }
    // Component outputs are registered after their children: let pending registrations settle.
    await new Promise((resolve) => setTimeout(resolve, 10));
    return { resources, outputs };
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
    command: "command:local:Command",
} as const;
