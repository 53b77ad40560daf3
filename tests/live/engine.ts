import { execFileSync } from "node:child_process";
import { OFFLINE_IMAGES } from "../../lab";
import { labConfig } from "../../tools/stack";
import { gate } from "../helpers/suiteGate";

/**
 * Whether the live suite runs. In CI (CI=true) a missing engine or missing images is a failure,
 * never a skip. Elsewhere the suite skips, with one line saying why, only when no engine answers.
 */

// Builds, pushes and health waits take tens of seconds on a 2-core machine.
jest.setTimeout(300_000);

function engineVersion(): string | undefined {
    try {
        return execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], {
            stdio: ["ignore", "pipe", "pipe"],
            timeout: 20_000,
        })
            .toString()
            .trim();
    } catch {
        return undefined;
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

export const ENGINE_VERSION = engineVersion();

/** `describe` when an engine answers, else `describe.skip`. */
export const describeLive = gate(
    "live Docker suite",
    Boolean(ENGINE_VERSION),
    `no Docker engine answers at ${process.env.DOCKER_HOST || "the default socket"}`,
    "start one: bash scripts/engine.sh up",
);

/**
 * Image config keys for live labs: LAB_BASE_IMAGE / LAB_REGISTRY_IMAGE when set, else the offline
 * images when built, else the project defaults when pulled. Selected through the normal config keys.
 */
function pick(envVar: string, offline: string, projectDefault: string): string {
    const chosen =
        process.env[envVar] || [offline, projectDefault].find(imagePresent) || (pull(projectDefault) ? projectDefault : undefined);
    if (!chosen) {
        throw new Error(
            `Neither ${offline} nor ${projectDefault} is on the engine and ${projectDefault} cannot be pulled: build the offline images (bash scripts/offline-images.sh)`,
        );
    }
    return chosen;
}

function pull(image: string): boolean {
    try {
        execFileSync("docker", ["pull", image], { stdio: "ignore", timeout: 300_000 });
        return true;
    } catch {
        return false;
    }
}

export function liveImages(): { baseImage: string; registryImage: string } {
    const defaults = labConfig();
    return {
        baseImage: pick("LAB_BASE_IMAGE", OFFLINE_IMAGES.baseImage, defaults.baseImage),
        registryImage: pick("LAB_REGISTRY_IMAGE", OFFLINE_IMAGES.registryImage, defaults.registryImage),
    };
}
