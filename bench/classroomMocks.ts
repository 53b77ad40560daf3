import { execFile } from "node:child_process";
import * as crypto from "node:crypto";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { PROJECT_ROOT } from "../engine";
import { PROJECT_NAME } from "../lab";
import { CLASS_STACK, classConfig } from "./classroomConfig";
import { MIB } from "./common";

/** The program under Pulumi mocks for a class, timed and weighed in a fresh node process each run. */

/** One run of the program under mocks. */
export interface MockRun {
    students: number;
    /** Resources the program registered. */
    resources: number;
    /** From requiring index.ts until every stack output resolved. */
    ms: number;
    /** Heap the program added (heapUsed after minus before), MiB. */
    heapMb: number;
    /** Resident set size of the process at the end, MiB. */
    rssMb: number;
}

/**
 * Runs index.ts under Pulumi mocks for a class of `students`, in this process (call it in a fresh
 * one: see `mockRunInChild`). The mocks answer like the engine would: a digest for the pushed
 * image, a pass line for every command, linux/amd64 for the platform query.
 */
export async function programUnderMocks(students: number): Promise<MockRun> {
    const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    pulumi.runtime.setMocks(
        {
            newResource(args) {
                const state: Record<string, unknown> = { ...args.inputs };
                if (args.type === "docker:index/image:Image") {
                    const name = String(args.inputs.imageName);
                    const digest = crypto.createHash("sha256").update(name).digest("hex");
                    state.repoDigest = `${name.slice(0, name.lastIndexOf(":"))}@sha256:${digest}`;
                }
                if (args.type === "command:local:Command") state.stdout = `docker-lab check passed: ${args.name}\n`;
                return { id: `${args.name}-id`, state };
            },
            call: () => ({ stdout: "linux/amd64\n", stderr: "" }),
        },
        PROJECT_NAME,
        CLASS_STACK,
        false,
    );
    const config = classConfig(students);
    pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT_NAME}:${k}`, typeof v === "string" ? v : JSON.stringify(v)])),
    );
    let resources = 0;
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: unknown, cb: unknown) => unknown };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: unknown, cb: unknown) => {
        resources++;
        return register(req, cb);
    };

    // Load (and transpile) the program's modules first: the figure is the program's evaluation, not ts-node's.
    require(path.join(PROJECT_ROOT, "components"));
    const before = process.memoryUsage();
    const started = performance.now();
    const program = require(path.join(PROJECT_ROOT, "index")) as Record<string, unknown>;
    await Promise.all(
        Object.values(program).map((value) =>
            pulumi.Output.isInstance(value) ? new Promise((resolve) => value.apply((v) => resolve(v))) : value,
        ),
    );
    const ms = performance.now() - started;
    const after = process.memoryUsage();
    return { students, resources, ms, heapMb: (after.heapUsed - before.heapUsed) / MIB, rssMb: after.rss / MIB };
}

/** `programUnderMocks(students)` in a fresh node process (ts-node, transpile only), so each run starts cold. */
export function mockRunInChild(students: number): Promise<MockRun> {
    const script = `require(${JSON.stringify(__filename)}).programUnderMocks(${students}).then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); })`;
    return new Promise((resolve, reject) => {
        execFile(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "-e", script],
            { cwd: PROJECT_ROOT, maxBuffer: 16 * MIB, timeout: 300_000 },
            (err, stdout, stderr) => {
                if (err)
                    reject(new Error(`the program under mocks for a class of ${students} failed: ${String(stderr).trim() || err.message}`));
                else resolve(JSON.parse(String(stdout)) as MockRun);
            },
        );
    });
}
