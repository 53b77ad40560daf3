// lab/: the pure model (config, spec, docker argument mapping, shell quoting, lesson checks); no Pulumi resources, no docker calls.
export * from "./classroom";
export * from "./config";
export * from "./constants";
export * from "./dockerArgs";
export * from "./lessons";
export * from "./registryAuth";
export * from "./serviceArgs";
export * from "./shell";
export * from "./spec";
export * from "./swarm";
export * from "./types";
