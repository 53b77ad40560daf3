// lab/: the pure model (config, spec, docker argument mapping, shell quoting, lesson checks); no Pulumi resources, no docker calls.
export * from "./build";
export * from "./classroom";
export * from "./commands";
export * from "./config";
export * from "./constants";
export * from "./dockerArgs";
export * from "./hardening";
export * from "./lessons";
export * from "./names";
export * from "./registry";
export * from "./registryAuth";
export * from "./serviceArgs";
export * from "./shell";
export * from "./spec";
export * from "./swarm";
export * from "./types";
