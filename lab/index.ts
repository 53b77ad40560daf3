// lab/: the pure model (config, spec, modes, docker argument mapping, shell quoting, lesson checks); no Pulumi resources, no docker calls, no files read.
export * from "./build";
export * from "./classroom";
export * from "./commands";
export * from "./config";
export * from "./constants";
export * from "./dockerArgs";
export * from "./exercises";
export * from "./hardening";
export * from "./modes";
export * from "./names";
export * from "./notes";
export * from "./registry";
export * from "./registryAuth";
export * from "./roster";
export * from "./shell";
export * from "./spec";
export * from "./types";
