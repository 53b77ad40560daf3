// tools/: the user-facing commands (doctor, verify, report, the Pulumi CLI driver), built on engine/ and lab/; no Pulumi resources, no docker CLI wrappers (engine/).
export {
    type ArgsSpec,
    ArgumentError,
    type OptionSpecs,
    optionsHint,
    type ParsedArgs,
    type ParsedOptions,
    parseArgs,
    parseConfigOption,
    stackAndConfig,
} from "./args";
export {
    type DirEntry,
    DOCTOR_EXIT_CODES,
    type DoctorArgs,
    type DoctorClass,
    type DoctorFinding,
    type DoctorOptions,
    type DoctorProbes,
    type DoctorResult,
    doctorCommand,
    formatFindings,
    MIN_FREE_BYTES,
    type PortState,
    parseDoctorArgs,
    preflight,
    publishedHostPorts,
    realProbes,
    runDoctor,
    type StateBackend,
    stateBackend,
} from "./doctor";
export { labCommand, POLICY_PACK_EXIT_CODE } from "./labCommand";
export { damageHeading, describeDamage, type LabDamage, type LabObjectRole, labDamage } from "./labGuard";
export { copyProject, PROJECT_COPY_ENTRIES, removeProjectCopy } from "./projectCopy";
export { COPY_CLEARED_VARIABLES, COPY_QUIET_VARIABLES, copyEnv, copyPulumiEnv, forgetWorkspace, workspaceFile } from "./projectCopyEnv";
export {
    DEFAULT_PASSPHRASE,
    DEFAULT_STACK,
    type Invocation,
    type LabCommand,
    labStack,
    PROJECT_ROOT,
    planInvocation,
    pulumiEnv,
    STATE_DIR,
} from "./pulumiCli";
export { type PasswordLookup, probeRegistryLogin, registryPassword } from "./registryLogin";
export {
    checkOutput,
    escapeHtml,
    formatDuration,
    renderLabSvg,
    renderReportHtml,
    renderReportMarkdown,
    trimOutput,
    type VerifiedCheck,
    type VerifyReport,
    writeLabReport,
} from "./report";
export { runMain } from "./runMain";
export { labConfig, loadConfigSchema, readStackConfig, specFor, specForStack } from "./stack";
export {
    findPulumi,
    findToolchain,
    type PulumiCommand,
    type PulumiToolchain,
    REQUIRED_BINARIES,
    realToolchainProbe,
    TOOLCHAIN_HINT,
    type ToolchainProbe,
    toolchainDir,
} from "./toolchain";
export {
    formatCheckLine,
    parseVerifyArgs,
    VERIFY_CONCURRENCY,
    type VerifyArgs,
    type VerifyOptions,
    verifyCommand,
    verifyHeading,
    verifyLab,
} from "./verify";
