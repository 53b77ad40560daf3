import type { ResourceValidationPolicy } from "@pulumi/policy";
import { capName, containerSpecOf, describe, entries, forType, hasString, isUnknown, TYPES } from "./common";
import { isSeatSecurityOpt, judgeSeat, SEAT_CAPABILITIES, seatAllowed, seatNote, UNCONFINED_OPT } from "./seat";

/**
 * Isolation: what keeps a container a container. No privileged mode (nor the confinement it turns
 * off), no host namespaces, every capability dropped (at most an allow-list added back),
 * no-new-privileges, a read-only root. A seat (seat.ts) keeps Docker's default capabilities and
 * adds its own, turns seccomp, AppArmor and systempaths off, and runs on a writable root without
 * no-new-privileges: what dockerd needs, and only when it meets the seat's conditions.
 */

export const noPrivileged: ResourceValidationPolicy = {
    name: "no-privileged",
    description:
        "No privileged container or service: privileged mode gives the container every capability and every host device. No container turns off seccomp, AppArmor or the masked paths either (securityOpts unconfined), but a seat (label docker-lab.role=seat, with TLS).",
    validateResource: [
        forType(TYPES.container, (c, report) => {
            if (c.props.privileged === true) {
                report(
                    `${describe(c)}: privileged is true; fix: remove privileged (or set it to false) and add back only the capabilities the process needs with capabilities.adds, from the capabilities-dropped allow-list`,
                );
            }
            // Part of what privileged mode turns off, one option at a time: only a seat's dockerd may (seat.ts).
            const opts = c.props.securityOpts;
            if (isUnknown(opts) || !Array.isArray(opts)) return;
            const seat = judgeSeat(c);
            const unconfined = opts.filter((o): o is string => typeof o === "string" && UNCONFINED_OPT.test(o));
            const found = unconfined.filter((o) => !(seatAllowed(seat) && isSeatSecurityOpt(o)));
            if (found.length > 0) {
                const note = found.some(isSeatSecurityOpt) ? seatNote(seat) : { why: "", fix: "" };
                report(
                    `${describe(c)}: securityOpts has ${found.join(", ")}, which turns off confinement that privileged mode also turns off${note.why}; fix: remove ${found.join(", ")} from securityOpts, so Docker's default confinement applies (its seccomp and AppArmor profiles, SELinux labels, masked paths)${note.fix}`,
                );
            }
        }),
        // Swarm has no privileged flag; adding every capability back is its equivalent.
        forType(TYPES.service, (s, report) => {
            if (hasString(containerSpecOf(s.props).capAdds, "ALL")) {
                report(
                    `${describe(s)}: taskSpec.containerSpec.capAdds adds ALL, which makes the service privileged; fix: remove ALL from capAdds and add back only the capabilities from the capabilities-dropped allow-list`,
                );
            }
        }),
    ],
};

const HOST_MODES = [
    { field: "networkMode", what: "the host's network stack" },
    { field: "pidMode", what: "the host's process table" },
    { field: "ipcMode", what: "the host's shared memory" },
] as const;

export const noHostNamespaces: ResourceValidationPolicy = {
    name: "no-host-namespaces",
    description: "No host network, PID or IPC mode: a container shares none of the host's namespaces.",
    validateResource: [
        forType(TYPES.container, (c, report) => {
            for (const { field, what } of HOST_MODES) {
                if (c.props[field] === "host") {
                    report(
                        `${describe(c)}: ${field} is "host", which shares ${what} with the container; fix: remove ${field} (the lab attaches containers to its own network with networksAdvanced)`,
                    );
                }
            }
        }),
        forType(TYPES.service, (s, report) => {
            const networks = entries(s.props.taskSpec?.networksAdvanceds);
            networks.forEach((n, i) => {
                if (n.name === "host" || n.id === "host") {
                    report(
                        `${describe(s)}: taskSpec.networksAdvanceds[${i}] is the host network; fix: attach the service to the lab's overlay network instead`,
                    );
                }
            });
        }),
    ],
};

/** Capabilities that may be added back after dropping ALL, unless the policy config says otherwise. */
export const DEFAULT_ALLOWED_CAPABILITIES = ["NET_BIND_SERVICE"];

function allowedCapabilities(config: Record<string, unknown>): string[] {
    const list = config.allowedCapabilities;
    return Array.isArray(list) ? list.filter((c): c is string => typeof c === "string").map(capName) : DEFAULT_ALLOWED_CAPABILITIES;
}

/** How a seat changes the check: drops not required, its capabilities allowed (a seat), or why not (note, for a refused one). */
interface SeatCapabilities {
    /** A seat meeting its conditions: it keeps Docker's default set and may add SEAT_CAPABILITIES. */
    allowed: boolean;
    note: { why: string; fix: string };
}

const NO_SEAT: SeatCapabilities = { allowed: false, note: { why: "", fix: "" } };

function checkCapabilities(
    where: string,
    drops: unknown,
    adds: unknown,
    fields: { drops: string; adds: string },
    allowed: string[],
    report: (message: string) => void,
    seat: SeatCapabilities = NO_SEAT,
) {
    if (!seat.allowed && !isUnknown(drops) && !hasString(drops, "ALL")) {
        report(
            `${where}: ${fields.drops} does not drop ALL${seat.note.why}; fix: set ${fields.drops} to ["ALL"] and add back only what the process needs${seat.note.fix}`,
        );
    }
    const permitted = seat.allowed ? [...allowed, ...SEAT_CAPABILITIES] : allowed;
    const extra = (Array.isArray(adds) ? adds : []).filter((cap) => typeof cap === "string" && !permitted.includes(capName(cap)));
    if (extra.length > 0) {
        const list = seat.allowed
            ? `${allowed.join(", ") || "empty"}, and a seat's ${SEAT_CAPABILITIES.join(", ")}`
            : allowed.join(", ") || "empty";
        const note = extra.some((cap) => SEAT_CAPABILITIES.includes(capName(cap))) ? seat.note : NO_SEAT.note;
        report(
            `${where}: ${fields.adds} adds ${extra.join(", ")}, outside the allow-list (${list})${note.why}; fix: remove ${extra.join(", ")} from ${fields.adds}, or list it under allowedCapabilities of the capabilities-dropped policy in a --policy-pack-config file${note.fix}`,
        );
    }
}

export const capabilitiesDropped: ResourceValidationPolicy = {
    name: "capabilities-dropped",
    description: "Every capability dropped (ALL), with at most an explicit allow-list added back.",
    configSchema: {
        properties: {
            allowedCapabilities: {
                type: "array",
                items: { type: "string" },
                default: DEFAULT_ALLOWED_CAPABILITIES,
                description: "Capabilities a container or service may add back after dropping ALL.",
            },
        },
    },
    validateResource: [
        forType(TYPES.container, (c, report) => {
            if (isUnknown(c.props.capabilities)) return;
            const caps = c.props.capabilities ?? {};
            const seat = judgeSeat(c);
            checkCapabilities(
                describe(c),
                caps.drops,
                caps.adds,
                { drops: "capabilities.drops", adds: "capabilities.adds" },
                allowedCapabilities(c.config),
                report,
                { allowed: seatAllowed(seat), note: seatNote(seat) },
            );
        }),
        forType(TYPES.service, (s, report) => {
            const spec = containerSpecOf(s.props);
            checkCapabilities(
                describe(s),
                spec.capDrops,
                spec.capAdds,
                { drops: "taskSpec.containerSpec.capDrops", adds: "taskSpec.containerSpec.capAdds" },
                allowedCapabilities(s.config),
                report,
            );
        }),
    ],
};

/** `no-new-privileges`, `no-new-privileges:true` or `no-new-privileges=true`. */
const NO_NEW_PRIVILEGES = /^no-new-privileges(?:[:=]true)?$/;

export const noNewPrivileges: ResourceValidationPolicy = {
    name: "no-new-privileges",
    description: "Every container runs with no-new-privileges, so no setuid binary can raise its privileges.",
    validateResource: forType(TYPES.container, (c, report) => {
        const opts = c.props.securityOpts;
        if (isUnknown(opts)) return;
        if (!(Array.isArray(opts) && opts.some((o) => typeof o === "string" && NO_NEW_PRIVILEGES.test(o)))) {
            // A seat's dockerd runs setuid programs in its containers (seat.ts).
            const seat = judgeSeat(c);
            if (seatAllowed(seat)) return;
            const note = seatNote(seat);
            report(
                `${describe(c)}: securityOpts lacks no-new-privileges${note.why}; fix: add "no-new-privileges:true" to securityOpts${note.fix}`,
            );
        }
    }),
};

export const readOnlyRootFilesystem: ResourceValidationPolicy = {
    name: "read-only-root-filesystem",
    description: "Every container and service runs on a read-only root filesystem (writable paths as tmpfs or volumes).",
    validateResource: [
        forType(TYPES.container, (c, report) => {
            if (c.props.readOnly !== true && !isUnknown(c.props.readOnly)) {
                // A seat's dockerd writes its root filesystem (seat.ts).
                const seat = judgeSeat(c);
                if (seatAllowed(seat)) return;
                const note = seatNote(seat);
                report(
                    `${describe(c)}: readOnly is ${c.props.readOnly ?? "not set"}, so the root filesystem is writable${note.why}; fix: set readOnly to true and mount the paths it writes as tmpfs (e.g. tmpfs {"/tmp": "rw,noexec,nosuid,size=16m"}) or as a named volume${note.fix}`,
                );
            }
        }),
        forType(TYPES.service, (s, report) => {
            const readOnly = containerSpecOf(s.props).readOnly;
            if (readOnly !== true && !isUnknown(readOnly)) {
                report(
                    `${describe(s)}: taskSpec.containerSpec.readOnly is ${readOnly ?? "not set"}, so the root filesystem is writable; fix: set it to true and mount the paths it writes (tmpfs or volume mounts)`,
                );
            }
        }),
    ],
};
