// engine/: talking to a Docker engine (docker CLI, error explanations, check runner, live harness); no Pulumi resources, no user-facing commands.
export * from "./checkRunner";
export * from "./dockerCli";
export * from "./dockerErrors";
export * from "./harness";
export * from "./project";
export * from "./swarmLab";
export * from "./swarmNodes";
export * from "./swarmService";
