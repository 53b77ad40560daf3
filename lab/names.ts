import { createHash } from "node:crypto";
import type { LabConfig } from "./config/keys";
import { LAB_RESOURCE_NAME } from "./constants";

/** How the lab names things: instance ids, addresses and URLs, containers and their hostnames. Pure. */

/** Turns project and stack into an id valid as a container name and as a registry path component. */
export function instanceId(project: string, stack: string): string {
    const id = `${project}-${stack}`.toLowerCase();
    if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(id)) {
        throw new Error(
            `Stack name ${JSON.stringify(stack)} gives the lab id ${JSON.stringify(id)}, which Docker cannot use in names and repositories; ` +
                "use a stack name of letters and digits separated by single '-', '_' or '.' (LAB_STACK=dev npm run up)",
        );
    }
    return id;
}

/** `address:port`, with an IPv6 address in brackets (`[::1]:5000`). */
export function hostPort(address: string, port: number): string {
    return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** URL a client on this machine uses to reach a port published on `bindAddress`. */
export function hostUrl(bindAddress: string, port: number): string {
    const wildcard: Record<string, string> = { "0.0.0.0": "127.0.0.1", "::": "::1" };
    return `http://${hostPort(wildcard[bindAddress] ?? bindAddress, port)}`;
}

/**
 * Registry host as the engine sees it. Loopback and wildcard binds are reached as `localhost`,
 * which Docker trusts over plain HTTP; any other address must be in the engine's insecure-registries.
 */
export function registryServer(bindAddress: string, port: number): string {
    const loopback = ["127.0.0.1", "0.0.0.0", "::", "::1"].includes(bindAddress);
    return loopback ? `localhost:${port}` : hostPort(bindAddress, port);
}

/** Host port of replica `index` (0-based). */
export function replicaPort(config: Pick<LabConfig, "appPort">, index: number): number {
    return config.appPort + index;
}

/** Name of replica `index`. */
export function replicaName(instance: string, index: number): string {
    return `${instance}-app-${index}`;
}

/** Name of student `student`'s replica `index` in lab `instance`. */
export function studentReplicaName(instance: string, student: string, index: number): string {
    return replicaName(`${instance}-${student}`, index);
}

/**
 * `name` when it is at most `max` characters, else its first characters and a hash of the whole
 * name: long stack or student names still fit, and different names stay different.
 */
export function fitWithHash(name: string, max: number): string {
    if (name.length <= max) return name;
    const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
    return `${name.slice(0, max - hash.length - 1).replace(/[-.]+$/, "")}-${hash}`;
}

/** Longest hostname the kernel accepts is 64; a DNS label is at most 63 characters. */
export const HOSTNAME_MAX = 63;

/** The hostname of a container named `name`: a DNS label (runc refuses a hostname over 64 characters), distinct per name. */
export function hostnameFor(name: string): string {
    return fitWithHash(name, HOSTNAME_MAX);
}

/*
 * How exercise objects are told apart from the lab's own: every container and image an exercise
 * makes is named `<instance>-ex-<purpose>` and carries the label `docker-lab.exercise=<instance>`.
 * The lab's objects (`pulumi up`) carry `docker-lab.managed=true` and never these.
 */

/** Label key of every object an exercise creates; its value is the lab instance id. */
export const EXERCISE_LABEL = "docker-lab.exercise";

/** `docker-lab.exercise=<instance>`. */
export function exerciseLabel(instance: string): string {
    return `${EXERCISE_LABEL}=${instance}`;
}

/** Prefix of the names of exercise containers and images: `<instance>-ex-`. */
export function exercisePrefix(instance: string): string {
    return `${instance}-ex-`;
}

/** Name of the exercise object for one purpose, e.g. `docker-lab-dev-ex-kernel`. */
export function exerciseObjectName(instance: string, purpose: string): string {
    return `${exercisePrefix(instance)}${purpose}`;
}

/** Where the learner's files for a stack's exercises go, relative to the project root (git-ignored). */
export function exerciseWorkDir(stack: string): string {
    return `.docker-lab/exercises/${stack}`;
}

/**
 * The progress file of a stack's exercises, relative to the project root (git-ignored): the one
 * learner's, or in a class one per student, in a folder of the stack's own.
 */
export function exerciseProgressFile(stack: string, student?: string): string {
    return student === undefined ? `.docker-lab/progress-${stack}.json` : `.docker-lab/progress-${stack}/${student}.json`;
}

/**
 * The resource name of a lab's lesson check `checkId` in the program: `lab-check-<id>`, or in a class
 * `lab-<student>-check-<id>` (the root component, the student's lab, their checks).
 */
export function checkResourceName(student: string | undefined, checkId: string): string {
    return `${student === undefined ? LAB_RESOURCE_NAME : `${LAB_RESOURCE_NAME}-${student}`}-check-${checkId}`;
}
