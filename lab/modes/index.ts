// lab/modes/: how a lab runs its app and registry, one model per mode (types.ts says what a mode decides).
import type { LabMode } from "../config/keys";
import { containersMode } from "./containers";
import { swarmMode } from "./swarm";
import type { LabModeModel } from "./types";

/** Every mode, by the name the `mode` config key gives it. A new mode registers here with one line. */
export const MODES: { readonly [M in LabMode]: LabModeModel } = {
    containers: containersMode,
    swarm: swarmMode,
};

export { type ContainersApp, containersApp, containersMode } from "./containers";
export { REGISTRY_SWARM_HTPASSWD_PATH, swarmApp, swarmMode, swarmRegistry } from "./swarm";
export { swarmContainerListingChecks, swarmHttpChecks } from "./swarm/checks";
export { nodeUrls, parseSwarmNodes, SWARM_NODES_COMMAND, type SwarmNodeStatus } from "./swarm/nodes";
export { type ServiceExtras, secretFileMount, serviceArgs, servicePlatforms, tmpfsMounts } from "./swarm/serviceArgs";
export {
    appServiceName,
    CONVERGE_POLL_SECONDS,
    inexpressibleSettings,
    LAB_NANO_CPUS,
    MANAGER_CONSTRAINT,
    monitorSeconds,
    SERVICE_NAME_LABEL,
    type ServiceRolloutSpec,
    type ServiceSpec,
    type SwarmApp,
    type SwarmRegistryRun,
    swarmAppService,
    swarmRegistryService,
    TASK_STOP_GRACE_SECONDS,
    taskHostname,
    taskHostnameBase,
    taskHostnameTemplate,
} from "./swarm/services";
export type { AppInput, AppPort, GuardedObject, LabModeModel, LabObjectRole } from "./types";
