import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
    containerSpecOf,
    describe,
    entries,
    forType,
    isLoopback,
    isUnknown,
    isWildcard,
    ROLE,
    roleOf,
    type Subject,
    TYPES,
} from "./common";

/**
 * What the lab exposes: published ports stay on the bind address (never every interface unless
 * the policy config allows it), and the registry stays on loopback unless it requires a login.
 */

/** `ip` of a published port as a message shows it (Docker binds a missing one to 0.0.0.0). */
const shownIp = (ip: unknown) => (ip === undefined || ip === null || ip === "" ? "not set (Docker binds 0.0.0.0)" : String(ip));

/** The published ports of a container whose address is known: index, address and host port. */
function knownPorts(props: any): { index: number; ip: unknown; external: unknown }[] {
    if (isUnknown(props.ports) || !Array.isArray(props.ports)) return [];
    return props.ports
        .map((p: any, index: number) => ({
            index,
            ip: p instanceof Object ? p.ip : p,
            external: p instanceof Object ? p.external : undefined,
        }))
        .filter((p: { ip: unknown }) => !isUnknown(p.ip));
}

const ALLOW_HINT =
    "or, to expose the lab to your network on purpose, allow every interface with --policy-pack-config policy/allow-all-interfaces.json";

export const publishedPortsOnBindAddress: ResourceValidationPolicy = {
    name: "published-ports-on-bind-address",
    description:
        "Published ports bind to the lab's bind address (127.0.0.1 by default), never to every interface (0.0.0.0 or ::) unless the policy config sets allowAllInterfaces.",
    configSchema: {
        properties: {
            allowAllInterfaces: {
                type: "boolean",
                default: false,
                description:
                    "Allow ports published on every interface (bindAddress 0.0.0.0 or ::): the lab is then reachable from your network.",
            },
        },
    },
    validateResource: [
        forType(TYPES.container, (c, report) => {
            if (c.config.allowAllInterfaces === true) return;
            if (c.props.publishAllPorts === true) {
                report(
                    `${describe(c)}: publishAllPorts is true, which publishes every exposed port on every interface; fix: remove publishAllPorts and list the ports with ip set to the bind address, ${ALLOW_HINT}`,
                );
            }
            for (const port of knownPorts(c.props).filter((p) => isWildcard(p.ip))) {
                report(
                    `${describe(c)}: ports[${port.index}].ip is ${shownIp(port.ip)}, which publishes port ${port.external ?? "?"} on every interface; fix: set ip to a specific address (for the lab: pulumi config set bindAddress 127.0.0.1), ${ALLOW_HINT}`,
                );
            }
        }),
        // Swarm publishes a service's ports on every interface of every node: there is no address to bind to.
        forType(TYPES.service, (s, report) => {
            if (s.config.allowAllInterfaces === true) return;
            entries(s.props.endpointSpec?.ports).forEach((port, i) => {
                report(
                    `${describe(s)}: endpointSpec.ports[${i}] (target ${port.targetPort ?? "?"}) is published by swarm on every interface; fix: remove the published port and reach the service over its overlay network (or through a container published on the bind address), ${ALLOW_HINT}`,
                );
            });
        }),
    ],
};

/** Whether a registry requires a login: REGISTRY_AUTH=htpasswd (undefined when that is unknown). */
function registryAuth(env: unknown): boolean | undefined {
    if (isUnknown(env)) return undefined;
    if (Array.isArray(env)) {
        if (env.some(isUnknown)) return env.includes("REGISTRY_AUTH=htpasswd") ? true : undefined;
        return env.includes("REGISTRY_AUTH=htpasswd");
    }
    if (env instanceof Object) {
        const auth = (env as Record<string, unknown>).REGISTRY_AUTH;
        return isUnknown(auth) ? undefined : auth === "htpasswd";
    }
    return false;
}

const REGISTRY_FIX =
    "fix: publish the registry on loopback only (for the lab: pulumi config set bindAddress 127.0.0.1), or require a login (REGISTRY_AUTH=htpasswd with an htpasswd file)";

function checkRegistryContainer(c: Subject, report: (message: string) => void) {
    if (roleOf(c.props) !== ROLE.registry || registryAuth(c.props.envs) !== false) return;
    if (c.props.publishAllPorts === true) {
        report(
            `${describe(c)}: publishAllPorts is true, which publishes the registry on every interface without authentication; ${REGISTRY_FIX}`,
        );
    }
    for (const port of knownPorts(c.props).filter((p) => !isLoopback(p.ip))) {
        report(
            `${describe(c)}: ports[${port.index}].ip is ${shownIp(port.ip)}, which publishes the registry (port ${port.external ?? "?"}) beyond loopback, and envs has no REGISTRY_AUTH=htpasswd; ${REGISTRY_FIX}`,
        );
    }
}

export const registryLoopbackOrAuth: ResourceValidationPolicy = {
    name: "registry-loopback-or-auth",
    description: `The registry (label docker-lab.role=${ROLE.registry}) is never published beyond loopback without authentication (REGISTRY_AUTH=htpasswd).`,
    validateResource: [
        forType(TYPES.container, checkRegistryContainer),
        forType(TYPES.service, (s, report) => {
            if (roleOf(s.props) !== ROLE.registry || registryAuth(containerSpecOf(s.props).env) !== false) return;
            entries(s.props.endpointSpec?.ports).forEach((_, i) => {
                report(
                    `${describe(s)}: endpointSpec.ports[${i}] publishes the registry on every interface (swarm has no loopback binding), and taskSpec.containerSpec.env has no REGISTRY_AUTH=htpasswd; fix: remove the published port, or require a login (REGISTRY_AUTH=htpasswd)`,
                );
            });
        }),
    ],
};
