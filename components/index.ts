// components/: Pulumi ComponentResources only, one per file, each mapping part of the lab/ spec to resources; a mode's in components/modes/.
export { type CheckStatus, LessonCheckCommands, type LessonCheckCommandsArgs } from "./checkCommands";
export { AppImage, type AppImageArgs } from "./image";
export { DockerLab, type DockerLabArgs, type RosterRow } from "./lab";
export { buildLabApp, type LabApp, type LabAppArgs } from "./labApp";
export {
    AppReplicas,
    type AppReplicasArgs,
    AppService,
    type AppServiceArgs,
    LocalRegistry,
    type LocalRegistryArgs,
    MODE_COMPONENTS,
    type ModeApp,
    type ModeAppArgs,
    type ModeComponents,
    type ModeRegistry,
    type ModeRegistryArgs,
    type RegistryLogin,
    SwarmRegistry,
    type SwarmRegistryArgs,
} from "./modes";
export { RegistryCredentials, type RegistryCredentialsArgs } from "./registryCredentials";
export { StudentLab, type StudentLabArgs } from "./student";
