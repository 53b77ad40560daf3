import type { ResourceValidationPolicy } from "@pulumi/policy";
import { containerSpecOf, describe, entries, forType, type Subject, TYPES } from "./common";

/**
 * No host paths: no bind mount, no volume with a hostPath, no local volume bound to a host
 * folder, and above all never the Docker socket (whoever holds it is root on the host).
 */

const isDockerSocket = (path: unknown) => typeof path === "string" && /(^|\/)docker\.sock$/.test(path);

function hostPathFinding(subject: Subject, field: string, hostPath: unknown): string {
    if (isDockerSocket(hostPath)) {
        return `${describe(subject)}: ${field} mounts the Docker socket ${hostPath}, which gives the container control of the engine and so root on the host; fix: remove that mount (run docker commands from the host, as the lab's checks do)`;
    }
    return `${describe(subject)}: ${field} mounts the host path ${JSON.stringify(hostPath ?? null)}; fix: use a named volume (volumeName / a mount of type "volume") or a tmpfs instead of a host directory`;
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
    description: "No Docker socket and no host directory mounted: only named volumes and tmpfs.",
    validateResource: [
        forType(TYPES.container, (c, report) => {
            entries(c.props.volumes).forEach((v, i) => {
                if (typeof v.hostPath === "string" && v.hostPath !== "") report(hostPathFinding(c, `volumes[${i}].hostPath`, v.hostPath));
            });
            entries(c.props.mounts).forEach((m, i) => {
                if (m.type === "bind") report(hostPathFinding(c, `mounts[${i}] (type bind, source)`, m.source));
            });
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
