import type { ResourceValidationPolicy } from "@pulumi/policy";
import { containerSpecOf, describe, entries, forType, type Subject, TYPES } from "./common";
import { isSeatHostPath, judgeSeat, type SeatJudgement, seatAllowed, seatNote } from "./seat";

/**
 * No host paths: no bind mount, no volume with a hostPath, no local volume bound to a host
 * folder, and above all never the Docker socket (whoever holds it is root on the host). A seat
 * (label docker-lab.role=seat, meeting its conditions: seat.ts) mounts the host's cgroup tree,
 * /sys/fs/cgroup at the same path, and nothing else.
 */

const isDockerSocket = (path: unknown) => typeof path === "string" && /(^|\/)docker\.sock$/.test(path);

function hostPathFinding(subject: Subject, field: string, hostPath: unknown, note = { why: "", fix: "" }): string {
    if (isDockerSocket(hostPath)) {
        return `${describe(subject)}: ${field} mounts the Docker socket ${hostPath}, which gives the container control of the engine and so root on the host; fix: remove that mount (run docker commands from the host, as the lab's checks do)`;
    }
    return `${describe(subject)}: ${field} mounts the host path ${JSON.stringify(hostPath ?? null)}${note.why}; fix: use a named volume (volumeName / a mount of type "volume") or a tmpfs instead of a host directory${note.fix}`;
}

/** A container's host path finding, unless it is the cgroup tree of a seat that meets its conditions. */
function containerHostPath(seat: SeatJudgement, c: Subject, field: string, hostPath: unknown, containerPath: unknown): string | undefined {
    const seatPath = isSeatHostPath(hostPath, containerPath);
    if (seatPath && seatAllowed(seat)) return undefined;
    return hostPathFinding(c, field, hostPath, seatPath ? seatNote(seat) : undefined);
}

/** A local volume whose driver options bind a host folder (`o=bind`, or `type=none` with a device). */
function bindsHostFolder(driverOpts: unknown): boolean {
    if (!(driverOpts instanceof Object)) return false;
    const opts = driverOpts as Record<string, unknown>;
    const o = typeof opts.o === "string" ? opts.o.split(",") : [];
    return o.includes("bind") || o.includes("rbind") || (opts.type === "none" && typeof opts.device === "string");
}

export const noHostMounts: ResourceValidationPolicy = {
    name: "no-host-mounts",
    description:
        "No Docker socket and no host directory mounted: only named volumes and tmpfs (and, for a seat with TLS, label docker-lab.role=seat, the host's /sys/fs/cgroup).",
    validateResource: [
        forType(TYPES.container, (c, report) => {
            const seat = judgeSeat(c);
            const found: (string | undefined)[] = [];
            entries(c.props.volumes).forEach((v, i) => {
                if (typeof v.hostPath === "string" && v.hostPath !== "")
                    found.push(containerHostPath(seat, c, `volumes[${i}].hostPath`, v.hostPath, v.containerPath));
            });
            entries(c.props.mounts).forEach((m, i) => {
                if (m.type === "bind") found.push(containerHostPath(seat, c, `mounts[${i}] (type bind, source)`, m.source, m.target));
            });
            for (const message of found) if (message) report(message);
        }),
        forType(TYPES.service, (s, report) => {
            entries(containerSpecOf(s.props).mounts).forEach((m, i) => {
                if (m.type === "bind") report(hostPathFinding(s, `taskSpec.containerSpec.mounts[${i}] (type bind, source)`, m.source));
            });
        }),
        forType(TYPES.volume, (v, report) => {
            if (bindsHostFolder(v.props.driverOpts)) {
                report(
                    `${describe(v)}: driverOpts bind the host folder ${JSON.stringify(v.props.driverOpts.device ?? null)} into the volume; fix: remove driverOpts o=bind/device and let Docker keep the volume's data`,
                );
            }
        }),
    ],
};
