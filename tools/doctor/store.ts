import { finding } from "./findings";
import { oneLine } from "./format";
import type { DoctorFinding, DoctorProbes } from "./types";

/**
 * The engine's image store (a finding of class "engine", never a problem): Docker's classic store on a
 * storage driver (overlay2, vfs, …), or the containerd image store (Docker 29's default on a new
 * install, `--feature containerd-snapshotter=true` before), and what that changes in the lesson checks.
 */

/** What `docker info` shows as DriverStatus when the containerd image store is on. */
const SNAPSHOTTER = "io.containerd.snapshotter.v1";

/**
 * What the containerd image store prints differently from the classic one in the lesson checks (and for a
 * learner typing the same commands), as measured on Docker 28.5 with each store and on Docker 29; every
 * check passes on both (README: Tests, the engines).
 */
export const STORE_DIFFERENCES: readonly { check: string; containerd: string }[] = [
    {
        check: "01.01-image-ls",
        containerd: "docker image ls SIZE counts the compressed and the unpacked layers (about twice), IMAGE ID is the manifest's digest",
    },
    { check: "00-image-layers", containerd: "docker history sizes are the snapshots' disk blocks (8.19kB for a small COPY)" },
    { check: "01.01-save", containerd: "docker save writes the image's own compressed layers, not uncompressed tars" },
    { check: "01.01-tag-push-pull", containerd: "docker push prints no Preparing lines" },
];

/** What the commands of some lesson checks (ids) print differently on the other store, for the store named. */
function differences(containerd: boolean): string {
    const ids = STORE_DIFFERENCES.map((d) => d.check).join(", ");
    return containerd
        ? `every lesson check passes on it; what differs from the classic store: ${STORE_DIFFERENCES.map((d) => `${d.containerd} (${d.check})`).join("; ")}`
        : `every lesson check passes on it and on the containerd image store, where docker image ls, history, save and push print differently (${ids})`;
}

/** `docker info`'s storage driver, and whether its DriverStatus names the containerd snapshotter. */
export function parseStore(infoLine: string): { driver: string; containerd: boolean } | undefined {
    const bar = infoLine.indexOf("|");
    const driver = infoLine.slice(0, bar).trim();
    if (bar < 0 || !driver) return undefined;
    let status: unknown;
    try {
        status = JSON.parse(infoLine.slice(bar + 1));
    } catch {
        status = [];
    }
    const pairs = Array.isArray(status) ? status.filter((p): p is string[] => Array.isArray(p)) : [];
    return { driver, containerd: pairs.some(([key, value]) => key === "driver-type" && value === SNAPSHOTTER) };
}

/** The finding on the store of the engine that `env` (DOCKER_HOST and the rest) points the docker CLI at. */
export async function checkStore(probes: DoctorProbes, env: Record<string, string | undefined>): Promise<DoctorFinding[]> {
    const info = await probes.docker(["info", "--format", "{{.Driver}}|{{json .DriverStatus}}"], env);
    const store = info.status === 0 ? parseStore(info.stdout.trim()) : undefined;
    if (!store) {
        const said = oneLine(info.stderr, 140);
        return [
            finding(
                "engine",
                "engine.store",
                true,
                `image store not known (docker info${said ? `: ${said}` : " named no storage driver"})`,
            ),
        ];
    }
    const what = store.containerd
        ? `the containerd image store (driver-type ${SNAPSHOTTER}, snapshotter ${store.driver})`
        : `${store.driver} (Docker's classic image store on the ${store.driver} storage driver)`;
    return [finding("engine", "engine.store", true, `image store: ${what}; ${differences(store.containerd)}`)];
}
