import { dockerOk } from "../engine";
import { appContainers, type ClassSpec, type LabSpec, seatsApp } from "../lab";
import { memoryByName } from "./classroomLive";
import { MIB, parseDockerSize } from "./common";

/**
 * What each seat of a running class weighs: memory from `docker stats` (the seat and its workstation
 * on the class's engine, the app replicas in the seat's own engine), disk from `docker system df`
 * in the seat and the size of its data volume on the class's engine. The parsers are pure.
 */

/** What `docker system df` in a seat reports, in MiB. */
export interface SeatDisk {
    imagesMb: number;
    containersMb: number;
    volumesMb: number;
    buildCacheMb: number;
    /** The four together. */
    totalMb: number;
}

/** One seat's figures, in MiB. */
export interface SeatFigures {
    student: string;
    /** The seat container (its dockerd and containerd, and whatever runs in its cgroup), docker stats on the class's engine. */
    seatMb: number;
    /** Of that, what its processes hold themselves (anonymous memory in its cgroup's memory.stat); the rest is the page cache of its files. */
    seatAnonMb: number;
    /** Its app replicas, docker stats in the seat's engine. */
    replicasMb: number;
    /** The seat with its replicas, each counted once (the replicas are added when their cgroups are not inside the seat's). */
    totalMb: number;
    /** Its workstation, docker stats on the class's engine. */
    workstationMb: number;
    /** docker system df in the seat. */
    disk: SeatDisk;
    /** The seat's data volume (its /var/lib/docker), docker system df -v on the class's engine. */
    volumeMb: number;
}

/** Every seat of a class weighed at one moment. */
export interface SeatsWeighed {
    seats: SeatFigures[];
    registryMb: number;
    /** Whether a seat's app replicas run in cgroups inside the seat's (so its docker stats holds them); undefined: unknown. */
    replicasInSeatCgroup?: boolean;
}

/** `docker system df --format '{{json .}}'` (one JSON object per line, by Type) as MiB per kind. */
export function parseSystemDf(out: string): SeatDisk {
    const size = new Map(
        out
            .split("\n")
            .filter((line) => line.trim().startsWith("{"))
            .map((line) => JSON.parse(line) as { Type: string; Size: string })
            .map((row) => [row.Type, parseDockerSize(row.Size)]),
    );
    const of = (type: string) => size.get(type) ?? Number.NaN;
    const disk = {
        imagesMb: of("Images"),
        containersMb: of("Containers"),
        volumesMb: of("Local Volumes"),
        buildCacheMb: of("Build Cache"),
    };
    return { ...disk, totalMb: disk.imagesMb + disk.containersMb + disk.volumesMb + disk.buildCacheMb };
}

/** `docker system df -v --format '{{json .Volumes}}'` as MiB per volume name. */
export function parseVolumeSizes(out: string): Map<string, number> {
    const volumes = (JSON.parse(out.trim() || "[]") ?? []) as { Name: string; Size: string }[];
    return new Map(volumes.map((v) => [v.Name, parseDockerSize(v.Size)]));
}

/** The memory cgroup of a process from its /proc/PID/cgroup: cgroup v1's memory line, else v2's single one. */
function memoryCgroupLine(procCgroup: string): { v1: boolean; path: string } | undefined {
    const lines = procCgroup.split("\n").map((l) => l.trim().split(":"));
    const v1 = lines.find((parts) => parts.length >= 3 && parts[1].split(",").includes("memory"));
    const v2 = lines.find((parts) => parts.length >= 3 && parts[0] === "0" && parts[1] === "");
    const line = v1 ?? v2;
    return line && { v1: line === v1, path: line.slice(2).join(":") };
}

/** The memory cgroup's path of a process from its /proc/PID/cgroup. */
export function memoryCgroup(procCgroup: string): string | undefined {
    return memoryCgroupLine(procCgroup)?.path;
}

/**
 * The memory.stat of a process's cgroup under /sys/fs/cgroup, from its /proc/PID/cgroup; undefined when its
 * path is the root of a cgroup namespace (which /sys/fs/cgroup need not be) or outside it.
 */
export function memoryStatFile(procCgroup: string): string | undefined {
    const line = memoryCgroupLine(procCgroup);
    if (!line || line.path === "/" || line.path.split("/").includes("..")) return undefined;
    return `/sys/fs/cgroup${line.v1 ? "/memory" : ""}${line.path}/memory.stat`;
}

/** The memory the processes of a cgroup hold themselves (anonymous memory, not the page cache of their files), in MiB, from its memory.stat. */
export function parseAnonMb(memoryStat: string): number {
    const m = /^(?:total_rss|anon) (\d+)$/m.exec(memoryStat);
    return m ? Number(m[1]) / MIB : Number.NaN;
}

/**
 * Whether cgroup `inner` lies inside `outer`, both as one process sees them (a path outside its
 * cgroup namespace starts with /..). Undefined when either is unknown.
 */
export function cgroupInside(outer: string | undefined, inner: string | undefined): boolean | undefined {
    if (outer === undefined || inner === undefined) return undefined;
    if (inner.split("/").includes("..")) return false;
    const base = outer.replace(/\/+$/, "");
    return base === "" || inner.startsWith(`${base}/`);
}

/** Whether the first replica of `lab` runs in a cgroup inside its seat's: both read in the seat (its PID 1, and the replica's PID there). */
async function replicasInSeat(spec: ClassSpec, lab: LabSpec, cwd: string): Promise<boolean | undefined> {
    try {
        const replica = appContainers(lab)[0].name;
        const pid = (
            await dockerOk(["inspect", "--format", "{{.State.Pid}}", replica], "reading a replica's PID", lab.commandEnv, cwd)
        ).trim();
        if (!/^\d+$/.test(pid)) return undefined;
        const seat = seatsApp(lab.app).seat.name;
        const out = await dockerOk(
            ["exec", seat, "sh", "-c", `cat /proc/1/cgroup; echo ---; cat /proc/${pid}/cgroup`],
            "reading cgroups in a seat",
            spec.commandEnv,
        );
        const [own, theirs] = out.split("---\n");
        return cgroupInside(memoryCgroup(own ?? ""), memoryCgroup(theirs ?? ""));
    } catch {
        return undefined;
    }
}

/** The seat container's anonymous memory (parseAnonMb), read in the seat; NaN when it cannot be read. */
async function seatAnonMb(spec: ClassSpec, seat: string): Promise<number> {
    try {
        const file = memoryStatFile(await dockerOk(["exec", seat, "cat", "/proc/1/cgroup"], "reading a seat's cgroup", spec.commandEnv));
        if (!file) return Number.NaN;
        return parseAnonMb(await dockerOk(["exec", seat, "cat", file], "reading a seat's memory.stat", spec.commandEnv));
    } catch {
        return Number.NaN;
    }
}

/** Weighs each seat of the class (one after another, so their figures do not disturb each other); `cwd` is the project copy the seats' client files are in. */
export async function weighSeats(spec: ClassSpec, cwd: string): Promise<SeatsWeighed> {
    const onClass = await memoryByName(spec.commandEnv);
    const volumes = parseVolumeSizes(
        await dockerOk(["system", "df", "-v", "--format", "{{json .Volumes}}"], "reading volume sizes", spec.commandEnv),
    );
    const inSeat = spec.students.length > 0 ? await replicasInSeat(spec, spec.students[0], cwd) : undefined;
    const seats: SeatFigures[] = [];
    for (const lab of spec.students) {
        const { seat, workstation } = seatsApp(lab.app);
        const inner = await memoryByName(lab.commandEnv, cwd);
        const df = await dockerOk(["system", "df", "--format", "{{json .}}"], `docker system df in ${seat.name}`, lab.commandEnv, cwd);
        const seatMb = onClass.get(seat.name) ?? Number.NaN;
        const replicasMb = appContainers(lab).reduce((sum, r) => sum + (inner.get(r.name) ?? Number.NaN), 0);
        seats.push({
            student: lab.student?.name ?? seat.tls.student,
            seatMb,
            seatAnonMb: await seatAnonMb(spec, seat.name),
            replicasMb,
            totalMb: inSeat === true ? seatMb : seatMb + replicasMb,
            workstationMb: onClass.get(workstation.name) ?? Number.NaN,
            disk: parseSystemDf(df),
            volumeMb: volumes.get(seat.volume.name) ?? Number.NaN,
        });
    }
    return { seats, registryMb: onClass.get(spec.registry.container.name) ?? Number.NaN, replicasInSeatCgroup: inSeat };
}
