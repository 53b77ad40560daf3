import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DockerLab } from "./components";
import {
    buildSpec,
    CONFIG_KEYS,
    LAB_RESOURCE_NAME,
    LabConfigError,
    parseConfigSchema,
    parseLabConfig,
    REGISTRY_PASSWORD_KEY,
    registryPasswordProblem,
    SECRET_CONFIG_VALUE,
} from "./lab";

// Config is read and validated here, once; components receive the typed spec.
const pulumiConfig = new pulumi.Config();
const raw: Record<string, unknown> = Object.fromEntries(CONFIG_KEYS.map((key) => [key, pulumiConfig.get(key)]));
// The registry password: validated here, then only ever a secret Output. A value set without --secret
// reaches the validation as the plain string it is, and is refused there.
const passwordValue = pulumiConfig.get(REGISTRY_PASSWORD_KEY);
const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
const passwordIsSecret = isSecret?.(`${pulumi.getProject()}:${REGISTRY_PASSWORD_KEY}`) ?? false;
raw[REGISTRY_PASSWORD_KEY] = passwordValue === undefined ? undefined : passwordIsSecret ? SECRET_CONFIG_VALUE : passwordValue;
const spec = (() => {
    try {
        const projectFile = path.join(__dirname, "Pulumi.yaml");
        const config = parseLabConfig(raw, parseConfigSchema(fs.readFileSync(projectFile, "utf8"), projectFile));
        const passwordProblem = passwordValue === undefined ? undefined : registryPasswordProblem(passwordValue);
        if (config.registryAuth && passwordProblem) {
            throw new LabConfigError([`${passwordProblem}; fix: npm run config -- set --secret ${REGISTRY_PASSWORD_KEY} <password>`]);
        }
        return buildSpec(config, {
            project: pulumi.getProject(),
            stack: pulumi.getStack(),
            appDir: "app",
        });
    } catch (err) {
        // A RunError prints just the message: every problem, with its fix, and no stack trace.
        throw err instanceof Error ? new pulumi.RunError(err.message) : err;
    }
})();

// The SDK records a stack trace with every promise it makes (for its leak report at exit), and through
// ts-node's source maps that costs a big class most of its evaluation. Resources still get their
// source position: the SDK asks for that stack itself, with a limit of its own.
const stackTraceLimit = Error.stackTraceLimit;
Error.stackTraceLimit = 0;
let lab: DockerLab;
try {
    lab = new DockerLab(LAB_RESOURCE_NAME, {
        spec,
        registryPassword: passwordValue === undefined ? undefined : pulumi.secret(passwordValue),
    });
} finally {
    Error.stackTraceLimit = stackTraceLimit;
}

export const appUrls = lab.appUrls;
export const registryUrl = lab.registryUrl;
export const imageRef = lab.imageRef;
export const containerNames = lab.containerNames;
// The app's and the registry's services, and the app's port on every node of the engine's cluster (both empty where the mode runs no service).
export const serviceNames = lab.serviceNames;
export const nodeUrls = lab.nodeUrls;
// Each check's status and a one-line summary; the full outputs stay in `npm run verify` and the lab report.
export const checks = lab.checks;
export const checkSummary = lab.checkSummary;
export const instance = spec.instance;
// A classroom: per student, the URLs, containers and repository. Empty for the one-learner lab (an
// undefined export would make every `up` warn that it is not shown).
export const roster = lab.roster;
// With registryAuth: the registry password, a secret (`npm run -s pulumi -- stack output registryPassword --show-secrets`;
// npm run verify reads it so). Empty without registryAuth.
export const registryPassword = lab.registryPassword;
// In seats mode, per student: their seat's engine and TLS client files, a secret (npm run seat -- env NAME writes them out). Empty else.
export const seatClients = lab.seatClients;
// The class portal's tokens (a secret): the teacher's page and each learner's (npm run portal lists the links).
export const portal = lab.portal;
