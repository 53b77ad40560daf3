import * as net from "node:net";
import { parse as parseYaml } from "yaml";
import { classPortProblem, parseStudents } from "./classroom";

/** One config key as Pulumi.yaml declares it. */
export interface ConfigKeySchema {
    type: "integer" | "string" | "boolean" | "array";
    /** Type of the items of an array key. */
    items?: { type: "string" };
    default: string | number | boolean | string[];
    description: string;
}

/** Every key the lab accepts, with its declared type, default and description. */
export type ConfigSchema = Record<keyof LabConfig, ConfigKeySchema>;

/** The validated lab configuration. Each field's default is declared in Pulumi.yaml and nowhere else. */
export interface LabConfig {
    /** Number of app containers (1..20). */
    replicas: number;
    /** Host port of the first app replica; replica i is published on appPort + i. */
    appPort: number;
    /** Host port of the local registry. */
    registryPort: number;
    /** Host address every published port binds to. */
    bindAddress: string;
    /** Base image of the app build (BASE_IMAGE build arg). */
    baseImage: string;
    /** Image the local registry runs. */
    registryImage: string;
    /** Repository name of the app image. */
    appImageName: string;
    /** Tag of the app image. */
    appImageTag: string;
    /** Memory limit of each app container, in MiB. */
    memoryLimitMb: number;
    /** Docker engine address; empty means DOCKER_HOST or the platform default. */
    dockerHost: string;
    /**
     * A classroom: one isolated lab per student name, each position a seat with its own port block
     * ("" is a free seat); empty for the one-learner lab.
     */
    students: string[];
    /** How the app runs: one container per replica, or one Docker Swarm service. */
    mode: LabMode;
    /** Swarm mode: how services publish their ports (the ingress routing mesh, or each node's own port). */
    publishMode: PublishMode;
    /** Registry host[:port] images are tagged with and swarm nodes pull from; empty means the default for the mode. */
    registryAddress: string;
    /** The registry requires a login (htpasswd, bcrypt); the password is the secret `registryPassword` or a generated one. */
    registryAuth: boolean;
    /** User name of the registry login (with registryAuth). */
    registryUser: string;
}

/** How the app runs: `containers` (one container per replica) or `swarm` (one Docker Swarm service). */
export const LAB_MODES = ["containers", "swarm"] as const;
export type LabMode = (typeof LAB_MODES)[number];
/** How a swarm service publishes a port: through the ingress routing mesh, or on the node that runs the task. */
export const PUBLISH_MODES = ["ingress", "host"] as const;
export type PublishMode = (typeof PUBLISH_MODES)[number];

export const CONFIG_KEYS: readonly (keyof LabConfig)[] = [
    "replicas",
    "appPort",
    "registryPort",
    "bindAddress",
    "baseImage",
    "registryImage",
    "appImageName",
    "appImageTag",
    "memoryLimitMb",
    "dockerHost",
    "students",
    "mode",
    "publishMode",
    "registryAddress",
    "registryAuth",
    "registryUser",
];

/**
 * The registry password's config key. It is no LabConfig field: its value is a Pulumi secret that
 * reaches the program as an Output and never the spec. It is not declared in Pulumi.yaml: the CLI
 * makes a declared key without a default required, and refuses a `secret: true` key's default as not
 * encrypted (both measured with CLI v3.274), while the key is optional (unset: a generated password).
 */
export const REGISTRY_PASSWORD_KEY = "registryPassword";

/**
 * What `raw[REGISTRY_PASSWORD_KEY]` holds for parseLabConfig: undefined when unset, a string when set in
 * plain text (an error), and this marker (or the `{ secure: ... }` object Pulumi.<stack>.yaml holds)
 * when set as a secret.
 */
export const SECRET_CONFIG_VALUE = Object.freeze({ secret: true });

/** One line for a registry password set in plain text: names the key and the fix. */
export const PLAIN_TEXT_PASSWORD_PROBLEM =
    "registryPassword is set in plain text, but a password must be a Pulumi secret; fix: pulumi config rm registryPassword && pulumi config set --secret registryPassword <password> (or leave it unset for a generated one)";

/** Tags of the air-gapped images that scripts/offline-images.sh builds from Debian packages. */
export const OFFLINE_IMAGES = {
    baseImage: "docker-lab-offline/node:bookworm",
    registryImage: "docker-lab-offline/registry:2",
} as const;

export const LIMITS = {
    replicas: { min: 1, max: 20 },
    port: { min: 1, max: 65535 },
    memoryLimitMb: { min: 32, max: 4096 },
} as const;

/** Raised for invalid config; lists every problem found, one per line. */
export class LabConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(
            `Invalid docker-lab config (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was created:\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "LabConfigError";
    }
}

/**
 * The config schema (types, defaults, descriptions) from the text of Pulumi.yaml, the single place
 * defaults are declared. The Pulumi CLI applies these defaults itself; the program applies them
 * again so that mocks, the live harness and the benchmark see the same values. `source` names the
 * file in the error.
 */
export function parseConfigSchema(projectYaml: string, source = "Pulumi.yaml"): ConfigSchema {
    const project = parseYaml(projectYaml) as { config?: Record<string, ConfigKeySchema> } | null;
    const declared = project?.config ?? {};
    const missing = CONFIG_KEYS.filter((key) => !declared[key] || declared[key].default === undefined);
    if (missing.length > 0) {
        throw new Error(`${source} declares no type and default for config key(s): ${missing.join(", ")}`);
    }
    return Object.fromEntries(CONFIG_KEYS.map((key) => [key, declared[key]])) as ConfigSchema;
}

/** The defaults the schema declares, as a LabConfig. */
export function defaultConfig(schema: ConfigSchema): LabConfig {
    return parseLabConfig({}, schema);
}

// Docker's reference grammar (distribution/reference), without the digest-only form.
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN =
    "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?";
const TAG = "[\\w][\\w.-]{0,127}";
const IMAGE_REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@sha256:[a-f0-9]{64})?$`);
const REPOSITORY_NAME = new RegExp(`^${PATH_COMPONENT}$`);
const TAG_ONLY = new RegExp(`^${TAG}$`);
const DOCKER_HOST = /^(unix|tcp|ssh|npipe):\/\/\S+$/;
const REGISTRY_ADDRESS = new RegExp(`^${DOMAIN}$`);
/** An htpasswd user name: no ':' (the file's separator), nothing a shell or the registry treats specially. */
const REGISTRY_USER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** True when `value` is a valid image reference such as `node:24-alpine` or `registry:2`. */
export function isImageReference(value: string): boolean {
    return value.length <= 255 && IMAGE_REFERENCE.test(value);
}

/**
 * Merges raw config values (strings from `pulumi config`, or typed values) over the schema's
 * defaults, validates every key and the relations between them, and returns the lab config.
 * Throws one LabConfigError listing every problem, each naming the key, the value and the fix.
 */
export function parseLabConfig(raw: Partial<Record<string, unknown>>, schema: ConfigSchema): LabConfig {
    const problems: string[] = [];
    const value = (key: keyof LabConfig): unknown => (raw[key] === undefined ? schema[key].default : raw[key]);

    const integer = (key: keyof LabConfig, min: number, max: number): number => {
        const v = value(key);
        const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
        if (!Number.isInteger(n) || n < min || n > max) {
            problems.push(
                `${key} = ${JSON.stringify(v)}: must be a whole number from ${min} to ${max} (pulumi config set ${key} <${min}..${max}>)`,
            );
            return min;
        }
        return n;
    };
    const text = (key: keyof LabConfig): string => {
        const v = value(key);
        if (typeof v !== "string") {
            problems.push(`${key} = ${JSON.stringify(v)}: must be a string`);
            return "";
        }
        return v.trim();
    };
    const flag = (key: keyof LabConfig): boolean => {
        const v = value(key);
        if (typeof v === "boolean") return v;
        if (v === "true" || v === "false") return v === "true";
        problems.push(`${key} = ${JSON.stringify(v)}: must be true or false (pulumi config set ${key} true)`);
        return false;
    };
    const choice = <T extends string>(key: keyof LabConfig, allowed: readonly T[]): T => {
        const v = text(key);
        if (!(allowed as readonly string[]).includes(v)) {
            problems.push(
                `${key} = ${JSON.stringify(v)}: must be ${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]} (pulumi config set ${key} ${allowed[0]})`,
            );
            return schema[key].default as T;
        }
        return v as T;
    };

    const config: LabConfig = {
        replicas: integer("replicas", LIMITS.replicas.min, LIMITS.replicas.max),
        appPort: integer("appPort", LIMITS.port.min, LIMITS.port.max),
        registryPort: integer("registryPort", LIMITS.port.min, LIMITS.port.max),
        bindAddress: text("bindAddress"),
        baseImage: text("baseImage"),
        registryImage: text("registryImage"),
        appImageName: text("appImageName"),
        appImageTag: text("appImageTag"),
        memoryLimitMb: integer("memoryLimitMb", LIMITS.memoryLimitMb.min, LIMITS.memoryLimitMb.max),
        dockerHost: text("dockerHost"),
        students: [],
        mode: choice("mode", LAB_MODES),
        publishMode: choice("publishMode", PUBLISH_MODES),
        registryAddress: text("registryAddress"),
        registryAuth: flag("registryAuth"),
        registryUser: text("registryUser"),
    };
    const numbersValid = problems.length === 0;
    const students = parseStudents(value("students"));
    config.students = students.students;
    problems.push(...students.problems);

    if (net.isIP(config.bindAddress) === 0) {
        problems.push(
            `bindAddress = ${JSON.stringify(config.bindAddress)}: must be an IPv4 or IPv6 address such as 127.0.0.1 (loopback only) or 0.0.0.0 (all interfaces)`,
        );
    }
    for (const key of ["baseImage", "registryImage"] as const) {
        if (!isImageReference(config[key])) {
            problems.push(`${key} = ${JSON.stringify(config[key])}: must be an image reference such as ${schema[key].default}`);
        }
    }
    if (!REPOSITORY_NAME.test(config.appImageName)) {
        problems.push(
            `appImageName = ${JSON.stringify(config.appImageName)}: must be lowercase letters and digits, optionally separated by '.', '_' or '-' (for example hellodocker)`,
        );
    }
    if (!TAG_ONLY.test(config.appImageTag)) {
        problems.push(
            `appImageTag = ${JSON.stringify(config.appImageTag)}: must start with a letter, digit or '_' and use only letters, digits, '.', '_', '-' (at most 128 characters)`,
        );
    }
    if (config.dockerHost !== "" && !DOCKER_HOST.test(config.dockerHost)) {
        problems.push(
            `dockerHost = ${JSON.stringify(config.dockerHost)}: must be empty or an address such as unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host`,
        );
    }

    if (config.registryAddress !== "" && !REGISTRY_ADDRESS.test(config.registryAddress)) {
        problems.push(
            `registryAddress = ${JSON.stringify(config.registryAddress)}: must be empty (the default, localhost:<registryPort>) or the registry's host[:port] as every swarm node reaches it, such as 10.0.0.5:${config.registryPort} (no scheme, no path)`,
        );
    }

    if (config.registryAuth && !REGISTRY_USER.test(config.registryUser)) {
        problems.push(
            `registryUser = ${JSON.stringify(config.registryUser)}: must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (pulumi config set registryUser lab)`,
        );
    }
    if (config.registryAuth && config.students.length > 0) {
        problems.push(
            "registryAuth = true with students: a class's registry has no login yet (each student's image copy would need it); use one of them: pulumi config set registryAuth false, or pulumi config rm students",
        );
    }
    if (typeof raw[REGISTRY_PASSWORD_KEY] === "string") problems.push(PLAIN_TEXT_PASSWORD_PROBLEM);

    // A swarm service publishes one app port (on every node, or on each node that runs a task); containers one per replica.
    const portsPerLab = config.mode === "swarm" ? 1 : config.replicas;
    if (numbersValid && config.students.length > 0) {
        // A class: one block of app ports per student, laid out around the registry port.
        const problem = classPortProblem(config.appPort, portsPerLab, config.registryPort, config.students.length);
        if (problem) problems.push(problem);
    } else if (numbersValid && config.mode === "swarm") {
        if (config.registryPort === config.appPort) {
            problems.push(
                `registryPort = ${config.registryPort}: equals appPort, the port the app service publishes; choose another registryPort (pulumi config set registryPort ${config.appPort === LIMITS.port.max ? config.appPort - 1 : config.appPort + 1})`,
            );
        }
    } else if (numbersValid) {
        const lastAppPort = config.appPort + config.replicas - 1;
        if (lastAppPort > LIMITS.port.max) {
            problems.push(
                `appPort = ${config.appPort} with replicas = ${config.replicas}: the app ports ${config.appPort}..${lastAppPort} go past 65535; choose appPort <= ${LIMITS.port.max - config.replicas + 1}`,
            );
        }
        if (config.registryPort >= config.appPort && config.registryPort <= lastAppPort) {
            problems.push(
                `registryPort = ${config.registryPort}: overlaps the app ports ${config.appPort}..${lastAppPort}; choose a registryPort outside that range`,
            );
        }
    }

    if (problems.length > 0) {
        throw new LabConfigError(problems);
    }
    return config;
}
