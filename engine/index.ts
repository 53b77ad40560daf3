// engine/: talking to a Docker engine (docker CLI, error explanations, check runner); no Pulumi resources, no user-facing commands. The live harness is rig/.
export * from "./checkRunner";
export * from "./dockerCli";
export * from "./dockerErrors";
export * from "./project";
export * from "./shell";
