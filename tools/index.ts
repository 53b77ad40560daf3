// tools/: the user-facing commands (doctor, verify, report, the Pulumi CLI driver), built on engine/ and lab/; no Pulumi resources, no docker CLI wrappers (engine/).
export * from "./doctor";
export * from "./labCommand";
export * from "./projectCopy";
export * from "./projectCopyEnv";
export * from "./pulumiCli";
export * from "./registryLogin";
export * from "./report";
export * from "./runMain";
export * from "./toolchain";
export * from "./verify";
