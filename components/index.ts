// components/: Pulumi ComponentResources, one per file, each mapping part of the lab/ spec to resources; a mode's in components/modes/ (MODE_COMPONENTS).
export { type CheckStatus, LessonCheckCommands, type LessonCheckCommandsArgs } from "./checkCommands";
export { AppImage, type AppImageArgs } from "./image";
export { DockerLab, type DockerLabArgs, type RosterRow } from "./lab";
export { buildLabApp, type LabApp, type LabAppArgs } from "./labApp";
export {
    MODE_COMPONENTS,
    type ModeApp,
    type ModeAppArgs,
    type ModeComponents,
    type ModeRegistry,
    type ModeRegistryArgs,
    type RegistryLogin,
} from "./modes";
export { AppReplicas, type AppReplicasArgs, containersComponents, LocalRegistry, type LocalRegistryArgs } from "./modes/containers";
export { AppService, type AppServiceArgs, SwarmRegistry, type SwarmRegistryArgs, swarmComponents } from "./modes/swarm";
export { PortalTokens, type PortalTokensArgs } from "./portalTokens";
export { RegistryCredentials, type RegistryCredentialsArgs } from "./registryCredentials";
export { StudentLab, type StudentLabArgs } from "./student";
