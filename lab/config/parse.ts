import * as net from "node:net";
import { parse as parseYaml } from "yaml";
import { classPortPlan, classPortProblem, parseStudents } from "../classroom";
import { MODES } from "../modes";
import { seatSubnetsProblem } from "../modes/seats/subnets";
import {
    CONFIG_KEYS,
    type ConfigKeySchema,
    type ConfigSchema,
    LAB_MODES,
    type LabConfig,
    LabConfigError,
    LIMITS,
    PLAIN_TEXT_PASSWORD_PROBLEM,
    PUBLISH_MODES,
    REGISTRY_PASSWORD_KEY,
} from "./keys";

/** Reading and validating the lab's config: every key, then the relations between them. */

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

/** The typed readers of raw values: each falls back to the schema's default and records a problem for a bad value. */
function readers(raw: Partial<Record<string, unknown>>, schema: ConfigSchema, problems: string[]) {
    const value = (key: keyof LabConfig): unknown => (raw[key] === undefined ? schema[key].default : raw[key]);
    const text = (key: keyof LabConfig): string => {
        const v = value(key);
        if (typeof v !== "string") {
            problems.push(`${key} = ${JSON.stringify(v)}: must be a string`);
            return "";
        }
        return v.trim();
    };
    return {
        value,
        text,
        integer(key: keyof LabConfig, min: number, max: number): number {
            const v = value(key);
            const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
            if (!Number.isInteger(n) || n < min || n > max) {
                problems.push(
                    `${key} = ${JSON.stringify(v)}: must be a whole number from ${min} to ${max} (npm run config -- set ${key} <${min}..${max}>)`,
                );
                return min;
            }
            return n;
        },
        flag(key: keyof LabConfig): boolean {
            const v = value(key);
            if (typeof v === "boolean") return v;
            if (v === "true" || v === "false") return v === "true";
            problems.push(`${key} = ${JSON.stringify(v)}: must be true or false (npm run config -- set ${key} true)`);
            return false;
        },
        choice<T extends string>(key: keyof LabConfig, allowed: readonly T[]): T {
            const v = text(key);
            if (!(allowed as readonly string[]).includes(v)) {
                problems.push(
                    `${key} = ${JSON.stringify(v)}: must be ${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]} (npm run config -- set ${key} ${allowed[0]})`,
                );
                return schema[key].default as T;
            }
            return v as T;
        },
    };
}

/** Every key read from raw values over the schema's defaults; a bad value is a problem and gives a placeholder. */
function readConfig(raw: Partial<Record<string, unknown>>, schema: ConfigSchema, problems: string[]): LabConfig {
    const read = readers(raw, schema, problems);
    return {
        replicas: read.integer("replicas", LIMITS.replicas.min, LIMITS.replicas.max),
        appPort: read.integer("appPort", LIMITS.port.min, LIMITS.port.max),
        registryPort: read.integer("registryPort", LIMITS.port.min, LIMITS.port.max),
        bindAddress: read.text("bindAddress"),
        baseImage: read.text("baseImage"),
        registryImage: read.text("registryImage"),
        appImageName: read.text("appImageName"),
        appImageTag: read.text("appImageTag"),
        memoryLimitMb: read.integer("memoryLimitMb", LIMITS.memoryLimitMb.min, LIMITS.memoryLimitMb.max),
        dockerHost: read.text("dockerHost"),
        students: [],
        mode: read.choice("mode", LAB_MODES),
        publishMode: read.choice("publishMode", PUBLISH_MODES),
        registryAddress: read.text("registryAddress"),
        registryAuth: read.flag("registryAuth"),
        registryUser: read.text("registryUser"),
        seatImage: read.text("seatImage"),
        seatSubnets: read.text("seatSubnets"),
        portalPort: read.integer("portalPort", LIMITS.port.min, LIMITS.port.max),
    };
}

/** The problems of keys whose value has a form: addresses, image references, names and tags. */
function formProblems(config: LabConfig, schema: ConfigSchema): string[] {
    const problems: string[] = [];
    if (net.isIP(config.bindAddress) === 0) {
        problems.push(
            `bindAddress = ${JSON.stringify(config.bindAddress)}: must be an IPv4 or IPv6 address such as 127.0.0.1 (loopback only) or 0.0.0.0 (all interfaces)`,
        );
    }
    for (const key of ["baseImage", "registryImage", "seatImage"] as const) {
        if (!isImageReference(config[key])) {
            problems.push(`${key} = ${JSON.stringify(config[key])}: must be an image reference such as ${schema[key].default}`);
        }
    }
    // The range's form, in every mode; whether it holds the class's seats is seats mode's to say.
    const subnets = seatSubnetsProblem(config.seatSubnets, 0);
    if (subnets) problems.push(subnets);
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
    return problems;
}

/** The registry login's problems: its user name, a class (no login yet), a password in plain text. */
function authProblems(config: LabConfig, raw: Partial<Record<string, unknown>>): string[] {
    const problems: string[] = [];
    if (config.registryAuth && !REGISTRY_USER.test(config.registryUser)) {
        problems.push(
            `registryUser = ${JSON.stringify(config.registryUser)}: must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (npm run config -- set registryUser lab)`,
        );
    }
    if (config.registryAuth && config.students.length > 0) {
        problems.push(
            "registryAuth = true with students: a class's registry has no login yet (each student's image copy would need it); use one of them: npm run config -- set registryAuth false, or npm run config -- rm students",
        );
    }
    if (typeof raw[REGISTRY_PASSWORD_KEY] === "string") problems.push(PLAIN_TEXT_PASSWORD_PROBLEM);
    return problems;
}

/** Where the app ports go: a class's blocks around the registry port, or the one lab's ports as its mode publishes them. */
function portProblems(config: LabConfig): string[] {
    const mode = MODES[config.mode];
    const perLab = mode.appPortCount(config);
    const portal = portalPortProblem(config, perLab);
    if (config.students.length === 0) return [...mode.portProblems(config), ...(portal ? [portal] : [])];
    const problem = classPortProblem(config.appPort, perLab, config.registryPort, config.students.length);
    return [...(problem ? [problem] : []), ...(portal ? [portal] : [])];
}

/** The portal listens beside the lab on bindAddress: never on the registry's port or in the lab's app ports. */
function portalPortProblem(config: LabConfig, perLab: number): string | undefined {
    const students = Math.max(config.students.length, 1);
    const last = classPortPlan(config.appPort, perLab, config.registryPort, students).last;
    const clash =
        config.portalPort === config.registryPort
            ? "the registry's port (registryPort)"
            : config.portalPort >= config.appPort && config.portalPort <= last
              ? `one of the lab's app ports (${config.appPort} to ${last})`
              : undefined;
    if (clash === undefined) return undefined;
    const free = [8070, 7070, 9070].find((p) => p !== config.registryPort && (p < config.appPort || p > last)) ?? config.appPort - 1;
    return `portalPort = ${config.portalPort}: it is ${clash}; the portal needs a port of its own (npm run config -- set portalPort ${free})`;
}

/**
 * Merges raw config values (strings from `pulumi config`, or typed values) over the schema's
 * defaults, validates every key and the relations between them, and returns the lab config.
 * Throws one LabConfigError listing every problem, each naming the key, the value and the fix.
 */
export function parseLabConfig(raw: Partial<Record<string, unknown>>, schema: ConfigSchema): LabConfig {
    const problems: string[] = [];
    const config = readConfig(raw, schema, problems);
    const numbersValid = problems.length === 0;
    const students = parseStudents(readers(raw, schema, []).value("students"));
    config.students = students.students;
    problems.push(...students.problems, ...formProblems(config, schema), ...authProblems(config, raw));
    if (numbersValid) problems.push(...portProblems(config));
    problems.push(...(MODES[config.mode].configProblems?.(config) ?? []));
    if (problems.length > 0) throw new LabConfigError(problems);
    return config;
}
