// engine/: talking to a Docker engine (docker CLI, error explanations, check runner); no Pulumi resources, no user-facing commands. The live harness is rig/.
export { type CheckResult, mapInOrder, type RunCheckOptions, runCheck, runChecks } from "./checkRunner";
export {
    type ContainerState,
    containerState,
    type EngineEndpoint,
    type ExecTty,
    endpointFromEnv,
    execTty,
    resolveEndpoint,
} from "./dockerApi";
export { DockerCommandError, type DockerResult, docker, dockerOk, repoDigestOf } from "./dockerCli";
export { type DockerErrorContext, explainDockerError } from "./dockerErrors";
export { PROJECT_FILE, PROJECT_ROOT } from "./project";
export { type ProcessOptions, type ProcessRun, runProcess, runScript, runShellCommand, stdoutOf } from "./shell";
