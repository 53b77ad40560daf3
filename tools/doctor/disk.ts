import { type EngineTarget, isLocalEngine } from "./engine";
import { finding } from "./findings";
import { formatBytes } from "./format";
import type { DoctorFinding, DoctorProbes } from "./types";

/** Free space the build needs where the engine keeps its data: 1 GiB. */
export const MIN_FREE_BYTES = 1024 ** 3;

/** Disk space where the engine keeps its data (or, when that is not on this machine, the temp dir). */
export async function checkDisk(probes: DoctorProbes, engine: EngineTarget): Promise<DoctorFinding[]> {
    if (!isLocalEngine(engine.address)) {
        return [
            finding("disk", "disk.remote", true, `disk space not checked: the engine at ${engine.address} keeps its data on its own host`),
        ];
    }
    const info = await probes.docker(["info", "--format", "{{.DockerRootDir}}"], engine.env);
    const rootDir = info.status === 0 ? info.stdout.trim() : "";
    let where: string;
    let free: number;
    try {
        if (!rootDir) throw new Error("no DockerRootDir");
        free = await probes.freeBytes(rootDir);
        where = `${rootDir} (Docker's data directory)`;
    } catch {
        const tmp = probes.tmpdir();
        try {
            free = await probes.freeBytes(tmp);
        } catch (e) {
            return [finding("disk", "disk.unknown", true, `disk space not checked: ${(e as Error).message}`)];
        }
        where = rootDir
            ? `${tmp} (Docker's data directory ${rootDir} is not on this machine, e.g. inside the Docker Desktop or Colima VM)`
            : `${tmp}`;
    }
    if (free >= MIN_FREE_BYTES) {
        return [finding("disk", "disk.free", true, `${formatBytes(free)} free at ${where}; the lab needs ${formatBytes(MIN_FREE_BYTES)}`)];
    }
    return [
        finding(
            "disk",
            "disk.free",
            false,
            `only ${formatBytes(free)} free at ${where}, the lab needs at least ${formatBytes(MIN_FREE_BYTES)} to build and pull: fix: docker system prune (removes stopped containers, unused networks, dangling images and build cache), or free space on that disk`,
        ),
    ];
}
