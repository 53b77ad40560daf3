import { execFile } from "node:child_process";
import type { SharedSpec } from "../lab";
import { explainDockerError } from "./dockerErrors";

/** Thin async wrappers over the docker CLI, shared by the live harness, verify, doctor and bench. */

export interface DockerResult {
    stdout: string;
    stderr: string;
    status: number;
}

/** Raised when a docker call fails; `message` is the actionable one-line explanation. */
export class DockerCommandError extends Error {
    constructor(
        message: string,
        readonly args: string[],
        readonly result: DockerResult,
    ) {
        super(message);
        this.name = "DockerCommandError";
    }
}

/**
 * Runs `docker ARGS` with the lab's environment (added to this process's); never throws (see
 * `dockerOk`). A missing docker CLI gives status 127 and a timeout status 124, as a shell would.
 */
export function docker(
    args: string[],
    env: Record<string, string | undefined> = {},
    timeoutMs = 300_000,
    cwd?: string,
): Promise<DockerResult> {
    return new Promise((resolve) => {
        execFile(
            "docker",
            args,
            { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs },
            (err, stdout, stderr) => {
                if (!err) return resolve({ status: 0, stdout: String(stdout), stderr: String(stderr) });
                const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean };
                if (e.code === "ENOENT") return resolve({ status: 127, stdout: "", stderr: "docker: command not found" });
                if (e.killed) {
                    return resolve({
                        status: 124,
                        stdout: String(stdout),
                        stderr: `docker ${args[0]} timed out after ${timeoutMs / 1000}s`,
                    });
                }
                resolve({ status: typeof e.code === "number" ? e.code : 1, stdout: String(stdout), stderr: String(stderr) || e.message });
            },
        );
    });
}

/** Runs `docker ARGS` and throws an actionable DockerCommandError when it fails. */
export async function dockerOk(args: string[], action: string, env: Record<string, string> = {}, cwd?: string): Promise<string> {
    const result = await docker(args, env, 300_000, cwd);
    if (result.status !== 0) {
        throw new DockerCommandError(explainDockerError(result.stderr, { action, dockerHost: env.DOCKER_HOST }), args, result);
    }
    return result.stdout;
}

/** The image's digest reference in the local registry, read from the engine after a push or pull. */
export async function repoDigestOf(spec: SharedSpec): Promise<string> {
    const env = spec.commandEnv;
    const digests = await dockerOk(
        ["image", "inspect", "--format", "{{json .RepoDigests}}", spec.image.name],
        "reading the image digest",
        env,
    );
    const ref = (JSON.parse(digests) as string[]).find((d) => d.startsWith(`${spec.image.repository}@`));
    if (!ref) throw new Error(`Image ${spec.image.name} has no digest from ${spec.image.repository}: was it pushed?`);
    return ref;
}
