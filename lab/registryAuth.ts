import { createHmac } from "node:crypto";
import * as bcrypt from "bcryptjs";
import { shellQuote } from "./shell";
import type { ContainerSpec, RegistryAuthSpec } from "./types";

/**
 * Registry authentication (`registryAuth: true`): the htpasswd line the registry checks logins
 * against, and the environment the lab's own docker and curl calls read the password from. Pure:
 * no docker calls, no randomness (the password itself comes from config or from the program).
 */

/** Environment variable the check scripts read the registry password from (never from their text). */
export const REGISTRY_PASSWORD_ENV = "LAB_REGISTRY_PASSWORD";
/** Environment variable holding base64(user:password), the HTTP basic credentials curl sends in a header. */
export const REGISTRY_BASIC_AUTH_ENV = "LAB_REGISTRY_BASIC_AUTH";
/** bcrypt cost of the htpasswd line: 2^10 rounds, htpasswd -B's default (about 0.1 s in bcryptjs). */
export const HTPASSWD_BCRYPT_COST = 10;
/** bcrypt reads at most 72 bytes of a password; a longer one would be cut without a word. */
export const REGISTRY_PASSWORD_MAX_BYTES = 72;
/**
 * Prints 64 random hex digits: the generated registry password. `od` and `tr` are POSIX, so it runs
 * on Linux, macOS and WSL alike. Run once, by a command resource whose stdout is a secret.
 */
export const GENERATE_PASSWORD_COMMAND = "head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n'";

/** What is wrong with a registry password (without repeating it), or undefined when it can be used. */
export function registryPasswordProblem(password: string): string | undefined {
    if (password.length === 0) return "registryPassword is empty";
    if (Buffer.byteLength(password, "utf8") > REGISTRY_PASSWORD_MAX_BYTES) {
        return `registryPassword is longer than ${REGISTRY_PASSWORD_MAX_BYTES} bytes, which bcrypt would cut short`;
    }
    // docker login --password-stdin trims surrounding whitespace; a line break would split the htpasswd file.
    const control = [...password].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
    if (control || password.trim() !== password) {
        return "registryPassword has a control character or surrounding whitespace";
    }
    return undefined;
}

/**
 * The bcrypt salt of the htpasswd line, derived from the password and the lab: HMAC-SHA256 keyed by
 * the password over the instance and user, its first 16 bytes in bcrypt's own base64 alphabet.
 *
 * Why not a random salt: the line is an input of the registry container (its upload), so a new
 * salt on every `up` would make a new line, a replaced registry and re-run checks each time, and a
 * second `up` with nothing changed would no longer be a no-op. Derived this way the line is the same
 * for the same password in the same lab, different across labs and passwords, and the salt reveals
 * nothing a verifier of the hash does not already have (it is computed from the password itself).
 */
export function htpasswdSalt(password: string, instance: string, user: string, cost = HTPASSWD_BCRYPT_COST): string {
    const digest = createHmac("sha256", password).update(`docker-lab htpasswd salt\0${instance}\0${user}`).digest();
    const encoded = bcrypt.encodeBase64(Array.from(digest.subarray(0, 16)), 16);
    return `$2b$${String(cost).padStart(2, "0")}$${encoded}`;
}

/** `user:bcrypt-hash` plus a newline: the registry's htpasswd file, the same for the same input. */
export function htpasswdLine(user: string, password: string, instance: string): string {
    const problem = registryPasswordProblem(password);
    if (problem) throw new Error(`${problem}; fix: npm run config -- set --secret registryPassword <password>`);
    return `${user}:${bcrypt.hashSync(password, htpasswdSalt(password, instance, user))}\n`;
}

/** The environment the lab's check scripts log in with: the password, and base64(user:password) for curl. */
export function registryAuthEnv(user: string, password: string): Record<string, string> {
    return {
        [REGISTRY_PASSWORD_ENV]: password,
        [REGISTRY_BASIC_AUTH_ENV]: Buffer.from(`${user}:${password}`, "utf8").toString("base64"),
    };
}

/** Environment variable the htpasswd-writing command reads the htpasswd line from. */
export const HTPASSWD_ENV = "LAB_REGISTRY_HTPASSWD";

/**
 * Shell command that writes the htpasswd line (from $LAB_REGISTRY_HTPASSWD, never the command text)
 * onto the registry's volume, before the registry starts, and restarts a registry already running so
 * it reads a changed file. docker.Container's `uploads` cannot do it: the provider extracts every
 * upload at the container's root, which a read-only root filesystem refuses ("container rootfs is
 * marked read-only"). So a throw-away container of the registry image
 * itself (its /bin/sh), as locked down as the registry and without a network, writes the file.
 */
export function writeHtpasswdCommand(registry: ContainerSpec, image: string, auth: RegistryAuthSpec): string {
    const q = shellQuote;
    const volume = registry.volumes[0];
    const user = registry.user === undefined ? [] : ["--user", registry.user];
    const run = [
        "docker",
        "run",
        "--rm",
        "-i",
        "--network",
        "none",
        "--read-only",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges:true",
        ...user,
        "--label",
        `${Object.entries(registry.labels).map(([k, v]) => `${k}=${v}`)[0]}`,
        "--volume",
        `${volume.volumeName}:${volume.containerPath}`,
        "--entrypoint",
        "/bin/sh",
        image,
        "-c",
        `cat > ${auth.htpasswdPath}`,
    ]
        .map(q)
        .join(" ");
    return `printf '%s' "$${HTPASSWD_ENV}" | ${run} && { ! docker inspect ${q(registry.name)} >/dev/null 2>&1 || docker restart ${q(registry.name)} >/dev/null; }`;
}
