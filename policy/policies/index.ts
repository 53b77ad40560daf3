import type { Policies } from "@pulumi/policy";
import { healthcheck, restartPolicy } from "./advisory";
import { imagesByDigest } from "./images";
import { capabilitiesDropped, noHostNamespaces, noNewPrivileges, noPrivileged, readOnlyRootFilesystem } from "./isolation";
import { memorySwapCpuLimits } from "./limits";
import { noHostMounts } from "./mounts";
import { publishedPortsOnBindAddress, registryLoopbackOrAuth } from "./network";
import { labWiring } from "./stack";

// The pack's policies, in the order the README lists them: mandatory resource policies, the
// stack policy, then the advisory ones (their enforcementLevel says so).
export const policies: Policies = [
    noPrivileged,
    noHostNamespaces,
    publishedPortsOnBindAddress,
    memorySwapCpuLimits,
    readOnlyRootFilesystem,
    capabilitiesDropped,
    noNewPrivileges,
    imagesByDigest,
    noHostMounts,
    registryLoopbackOrAuth,
    labWiring,
    restartPolicy,
    healthcheck,
];

export { TYPES } from "./common";
