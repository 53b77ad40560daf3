import { capName, entries, isUnknown, ROLE, ROLE_LABEL, roleOf, type Subject, UNKNOWN, type Unknown } from "./common";

/**
 * A seat (label docker-lab.role=seat): one student's own Docker engine, dockerd in a container on
 * the class's engine. dockerd needs what every other container is denied: three capabilities added
 * to Docker's default set (so nothing dropped), seccomp, AppArmor and the masked /proc paths
 * unconfined, the host's cgroup tree, a writable root, setuid programs (no no-new-privileges) and
 * its image by name (the seatImage config, as the registry runs registryImage). The pack allows
 * exactly that, and only to a container that
 *   - is labelled docker-lab.role=seat,
 *   - is not privileged and adds no ALL (which would give it every capability, not the seat's),
 *   - runs its engine with TLS and client certificates: --tlsverify and a --tlscacert in its
 *     entrypoints or command, no --tls=false or --tlsverify=false, no tcp host on 2375 (Docker's
 *     plain-text port) and no published port 2375.
 * Its published ports are judged by published-ports-on-bind-address like every container's: on a
 * specific address (the bind address), or on every interface only with that policy's allowAllInterfaces
 * allowance (policy/allow-all-interfaces.json); a seat on every interface without it fails there.
 * Whatever a seat has beyond its needs (another capability, the Docker socket, another host path,
 * label=disable, no memory limit, ...) is judged as for any container.
 */

/** What a seat adds to Docker's default capabilities, without the CAP_ prefix (what runs nested containers). */
export const SEAT_CAPABILITIES = ["NET_ADMIN", "SYS_ADMIN", "SYS_PTRACE"];

/** The confinement a seat turns off for its nested engine (seccomp, AppArmor, masked /proc and /sys paths). */
export const SEAT_SECURITY_OPTS = ["seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"];

/** The host path a seat mounts at the same place: the cgroup tree its nested engine manages. */
export const SEAT_HOST_PATH = "/sys/fs/cgroup";

/** Docker's plain-text engine port: a seat never listens or publishes on it. */
export const PLAIN_ENGINE_PORT = 2375;

/** The TLS engine port of the seat, as the program publishes it. */
export const SEAT_ENGINE_PORT = 2376;

/**
 * How the pack judges a container as a seat:
 * - `none`: not labelled docker-lab.role=seat, judged as any container;
 * - `seat`: a seat that meets every condition, allowed what a seat needs;
 * - `refused`: labelled a seat but missing a condition (`reasons`, each with its `fixes`), judged as any container;
 * - `unknown`: labelled a seat, a condition not known yet (a preview): the update judges it.
 */
export type SeatJudgement =
    | { kind: "none" }
    | { kind: "seat" }
    | { kind: "unknown" }
    | { kind: "refused"; reasons: string[]; fixes: string[] };

/** The words of a container's entrypoints and command (each string split on blanks: a shell script's too); UNKNOWN if any is unknown. */
function engineWords(props: any): string[] | Unknown {
    const lists = [props.entrypoints, props.command];
    if (lists.some(isUnknown)) return UNKNOWN;
    const strings = lists.flatMap((list) => (Array.isArray(list) ? list : []));
    if (strings.some(isUnknown)) return UNKNOWN;
    return strings.filter((s): s is string => typeof s === "string").flatMap((s) => s.split(/\s+/).filter((w) => w !== ""));
}

/** The values of a flag in `words`: `--flag=value`, or `--flag value` when the next word is not a flag. */
function flagValues(words: string[], name: string): string[] {
    return words.flatMap((word, i) => {
        if (word.startsWith(`${name}=`)) return [word.slice(name.length + 1)];
        if (word === name && i + 1 < words.length && !words[i + 1].startsWith("-")) return [words[i + 1]];
        return [];
    });
}

const FALSE = /^(false|0)$/i;

/** Why a seat's engine is not TLS-only (with the fix for each), from the words of its entrypoints and command. */
function tlsProblems(words: string[]): { reasons: string[]; fixes: string[] } {
    const reasons: string[] = [];
    const fixes: string[] = [];
    const verify = words.includes("--tlsverify") || flagValues(words, "--tlsverify").some((v) => !FALSE.test(v));
    if (!verify) {
        reasons.push("its command has no --tlsverify");
        fixes.push("start dockerd with --tlsverify");
    }
    if (!flagValues(words, "--tlscacert").some((v) => v !== "")) {
        reasons.push("its command has no --tlscacert");
        fixes.push("give dockerd --tlscacert=<the CA of the clients' certificates>");
    }
    const off = words.filter((w) => /^--tls(verify)?=/.test(w) && FALSE.test(w.slice(w.indexOf("=") + 1)));
    if (off.length > 0) {
        reasons.push(`its command turns TLS off (${off.join(", ")})`);
        fixes.push(`remove ${off.join(", ")}`);
    }
    // A tcp host on the plain-text port, as a -H/--host value or anywhere else (DOCKER_HOST=tcp://..., a script).
    const plain = [...new Set(words.flatMap((w) => w.match(/tcp:\/\/[^\s"']*:2375(?![0-9])/g) ?? []))];
    if (plain.length > 0) {
        reasons.push(`its command listens on ${plain.join(", ")}, the plain-text engine port`);
        fixes.push(`listen on tcp with TLS only (--host=tcp://0.0.0.0:${SEAT_ENGINE_PORT})`);
    }
    return { reasons, fixes };
}

/** How the pack judges `subject` (a container) as a seat; see SeatJudgement. */
export function judgeSeat(subject: Subject): SeatJudgement {
    const { props } = subject;
    if (roleOf(props) !== ROLE.seat) return { kind: "none" };
    const reasons: string[] = [];
    const fixes: string[] = [];
    let unknown = false;

    if (isUnknown(props.privileged)) unknown = true;
    else if (props.privileged === true) {
        reasons.push("it is privileged");
        fixes.push("remove privileged");
    }

    const adds = isUnknown(props.capabilities) ? UNKNOWN : props.capabilities?.adds;
    if (isUnknown(adds) || (Array.isArray(adds) && adds.some(isUnknown))) unknown = true;
    if (Array.isArray(adds) && adds.some((c) => typeof c === "string" && capName(c) === "ALL")) {
        reasons.push("its capabilities.adds adds ALL");
        fixes.push(`add back only ${SEAT_CAPABILITIES.join(", ")}`);
    }

    const words = engineWords(props);
    if (isUnknown(words)) unknown = true;
    else {
        const tls = tlsProblems(words);
        reasons.push(...tls.reasons);
        fixes.push(...tls.fixes);
    }

    if (isUnknown(props.ports)) unknown = true;
    entries(props.ports).forEach((p, i) => {
        if (isUnknown(p.internal)) unknown = true;
        else if (p.internal === PLAIN_ENGINE_PORT) {
            reasons.push(`its ports[${i}] publishes port ${PLAIN_ENGINE_PORT}, the plain-text engine port`);
            fixes.push(`publish the TLS engine port ${SEAT_ENGINE_PORT} instead`);
        }
    });

    if (reasons.length > 0) return { kind: "refused", reasons, fixes };
    return unknown ? { kind: "unknown" } : { kind: "seat" };
}

/**
 * What a finding on a container adds when the seat's allowance would have covered it: for a container
 * labelled a seat that misses a condition, why the allowance does not apply (`why`, before "; fix:")
 * and how to meet it (`fix`, after the policy's own fix). Empty for any other container.
 */
export function seatNote(judgement: SeatJudgement): { why: string; fix: string } {
    if (judgement.kind !== "refused") return { why: "", fix: "" };
    return {
        why: ` (a seat's allowance does not apply: ${judgement.reasons.join(" and ")})`,
        fix: `, or, to keep the allowance of a seat (label ${ROLE_LABEL}=${ROLE.seat}), ${judgement.fixes.join(" and ")}`,
    };
}

/** Whether the seat's allowance covers a finding: a seat that meets every condition, or one not known yet (a preview). */
export const seatAllowed = (judgement: SeatJudgement): boolean => judgement.kind === "seat" || judgement.kind === "unknown";

/** Whether a host path is the cgroup tree a seat may mount (at the same path inside). */
export function isSeatHostPath(hostPath: unknown, containerPath: unknown): boolean {
    const trim = (p: unknown) => (typeof p === "string" ? p.replace(/\/+$/, "") : p);
    return trim(hostPath) === SEAT_HOST_PATH && trim(containerPath) === SEAT_HOST_PATH;
}

/** Security options that turn confinement off (what privileged mode also turns off), in the forms Docker accepts. */
export const UNCONFINED_OPT = /^(?:(?:seccomp|apparmor|systempaths)[=:]unconfined|label[=:]disable)$/i;

/** Whether an unconfining security option is one a seat may set: seccomp, apparmor or systempaths unconfined. */
export const isSeatSecurityOpt = (opt: string): boolean => SEAT_SECURITY_OPTS.includes(opt.toLowerCase().replace(":", "="));
