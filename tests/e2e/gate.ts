import { execFileSync } from "node:child_process";
import { OFFLINE_IMAGES } from "../../lab";
import { findToolchain, TOOLCHAIN_HINT } from "../../tools/toolchain";

/**
 * Whether the e2e suite runs. It needs a complete Pulumi toolchain (CLI, nodejs host, docker and
 * command plugins), a Docker engine and the offline images.
 *
 * - No toolchain: skipped with one line saying how to get one, in CI too (CI=true), because the
 *   toolchain cannot come from the package registries.
 * - Toolchain, but no engine or no offline images (or one of `extraImages`, e.g. the dind node image
 *   of the three-node swarm test): a failure in CI, elsewhere skipped with one line.
 */

function engineAnswers(): boolean {
    try {
        execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], { stdio: "ignore", timeout: 20_000 });
        return true;
    } catch {
        return false;
    }
}

function imagePresent(image: string): boolean {
    try {
        execFileSync("docker", ["image", "inspect", image], { stdio: "ignore", timeout: 20_000 });
        return true;
    } catch {
        return false;
    }
}

export interface E2eGate {
    /** `describe` when the suite runs, else `describe.skip`. */
    describe: jest.Describe;
    /** Why it does not run, when it does not. */
    skipped?: string;
}

/** An image a suite needs besides the offline images, and how to build it. */
export interface ExtraImage {
    image: string;
    /** e.g. "build it: bash scripts/offline-images.sh --with-dind". */
    fix: string;
}

/** Decides once, at load time, and prints the one skip line when the suite does not run. */
export function e2eGate(env: Record<string, string | undefined> = process.env, extraImages: ExtraImage[] = []): E2eGate {
    const skip = (line: string): E2eGate => {
        console.log(line);
        return { describe: describe.skip, skipped: line };
    };
    const toolchain = findToolchain(env);
    if ("missing" in toolchain) return skip(`e2e suite skipped: ${toolchain.missing} (${TOOLCHAIN_HINT})`);

    const why = !engineAnswers()
        ? { what: `no Docker engine answers at ${env.DOCKER_HOST || "the default socket"}`, fix: "start one: bash scripts/engine.sh up" }
        : [OFFLINE_IMAGES.baseImage, OFFLINE_IMAGES.registryImage].some((image) => !imagePresent(image))
          ? {
                what: `the offline images ${OFFLINE_IMAGES.baseImage} and ${OFFLINE_IMAGES.registryImage} are not both on the engine`,
                fix: "build them: bash scripts/offline-images.sh",
            }
          : extraImages
                .filter((extra) => !imagePresent(extra.image))
                .map((extra) => ({ what: `the image ${extra.image} is not on the engine`, fix: extra.fix }))[0];
    if (!why) return { describe };
    if (env.CI === "true") {
        throw new Error(
            `CI=true and the Pulumi toolchain is present (${toolchain.source}), so the e2e suite must run, but ${why.what} (${why.fix})`,
        );
    }
    return skip(`e2e suite skipped: ${why.what} (${why.fix})`);
}
