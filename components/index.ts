// components/: Pulumi ComponentResources only, one per file, each mapping part of the lab/ spec to resources; no model (lab/), no docker CLI (engine/), no tools.
export * from "./appService";
export * from "./checkCommands";
export * from "./image";
export * from "./lab";
export * from "./registry";
export * from "./replicas";
export * from "./student";
export * from "./swarmRegistry";
