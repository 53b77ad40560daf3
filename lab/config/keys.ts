/** The lab's config keys: their types, limits and the values they may take. */

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
    /** Seats mode: the Docker-in-Docker image each student's engine (seat) runs. */
    seatImage: string;
    /** Seats mode: the private IPv4 range the seats' own networks come from, a /28 per seat in class order. */
    seatSubnets: string;
    /** Port of the class portal (`npm run portal`), on bindAddress. */
    portalPort: number;
}

/**
 * How the app runs: `containers` (one container per replica), `swarm` (one Docker Swarm service) or
 * `seats` (a class whose students each get a Docker engine of their own, their lab in it as containers).
 */
export const LAB_MODES = ["containers", "swarm", "seats"] as const;
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
    "seatImage",
    "seatSubnets",
    "portalPort",
];

/**
 * The registry password's config key. It is no LabConfig field: its value is a Pulumi secret that
 * reaches the program as an Output and never the spec. It is not declared in Pulumi.yaml: the CLI
 * makes a declared key without a default required, and refuses a `secret: true` key's default as not
 * encrypted, while the key is optional (unset: a generated password).
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
    "registryPassword is set in plain text, but a password must be a Pulumi secret; fix: npm run config -- rm registryPassword && npm run config -- set --secret registryPassword <password> (or leave it unset for a generated one)";

/** Tags of the air-gapped images that scripts/offline-images.sh builds from Debian packages. */
export const OFFLINE_IMAGES = {
    baseImage: "docker-lab-offline/node:bookworm",
    registryImage: "docker-lab-offline/registry:2",
    seatImage: "docker-lab-offline/dind:sid",
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
