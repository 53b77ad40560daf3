import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import * as policySdk from "@pulumi/policy";

/** What the proxy throws on reading an unknown value; exported at run time, but its declaration is stripped (@internal). */
const { UnknownValueError } = policySdk as unknown as { UnknownValueError: new (...args: never[]) => Error };

/**
 * What every policy of the pack shares: the full type tokens it matches, the lab's labels, and
 * `plain`, which turns the properties the engine sends (behind @pulumi/policy's unknown-checking
 * proxy) into plain data with UNKNOWN where a value is not known yet (during a preview).
 * The pack is self-contained (it runs from its own node_modules); tests pin these values to the lab's.
 */

/**
 * Full type tokens, as the engine sends them in `args.type`. The CLI *displays* the short form
 * (docker:index:Container); a policy comparing `args.type` with that would match nothing.
 */
export const TYPES = {
    container: "docker:index/container:Container",
    service: "docker:index/service:Service",
    volume: "docker:index/volume:Volume",
    network: "docker:index/network:Network",
    command: "command:local:Command",
} as const;

/** The label that says what a lab object is, and its values the pack relies on. */
export const ROLE_LABEL = "docker-lab.role";
export const ROLE = { registry: "registry", app: "app", network: "network", seat: "seat" } as const;

/** Marks a value the engine does not know yet: computed from another resource during a preview. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

/**
 * A deep, plain copy of proxied properties: every value read through the proxy, each unknown
 * value replaced by UNKNOWN (the proxy throws UnknownValueError on reading one). Policies then
 * judge what is known and leave the rest to the update, where every input is known.
 */
export function plain(value: unknown): any {
    if (!(value instanceof Object)) return value;
    const read = (key: string | number) => {
        try {
            return plain((value as any)[key]);
        } catch (err) {
            if (err instanceof UnknownValueError) return UNKNOWN;
            throw err;
        }
    };
    if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => read(i));
    return Object.fromEntries(Object.keys(value).map((key) => [key, read(key)]));
}

export const isUnknown = (value: unknown): value is Unknown => value === UNKNOWN;

/** Pulumi policy config of one policy (from --policy-pack-config), defaults applied by the caller. */
export type PolicyConfig = Record<string, unknown>;

/** One resource as a policy sees it: type, Pulumi name and plain properties. */
export interface Subject {
    type: string;
    name: string;
    props: any;
    config: PolicyConfig;
}

/**
 * A validation of resources of one type (full token): the others are skipped. The properties come
 * plain (see `plain`); `report` takes one message per finding.
 */
export function forType(type: string, check: (subject: Subject, report: (message: string) => void) => void): ResourceValidation {
    return (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        if (args.type !== type) return;
        const subject: Subject = { type: args.type, name: args.name, props: plain(args.props), config: args.getConfig<PolicyConfig>() };
        check(subject, (message) => reportViolation(message));
    };
}

/** How a message names a resource: kind, Pulumi name and Docker name, e.g. `container lab-app-0 (docker-lab-dev-app-0)`. */
export function describe(subject: Subject): string {
    const kind = subject.type === TYPES.service ? "service" : subject.type === TYPES.volume ? "volume" : "container";
    const dockerName = typeof subject.props.name === "string" && subject.props.name !== subject.name ? ` (${subject.props.name})` : "";
    return `${kind} ${subject.name}${dockerName}`;
}

/** Labels of a container or service ([{label, value}]) as a record; unknown ones left out. */
export function labelsOf(props: any): Record<string, string> {
    const list = Array.isArray(props.labels) ? props.labels : [];
    return Object.fromEntries(
        list
            .filter((l: any) => l instanceof Object && typeof l.label === "string" && typeof l.value === "string")
            .map((l: any) => [l.label, l.value]),
    );
}

export const roleOf = (props: any): string | undefined => labelsOf(props)[ROLE_LABEL];

/** The container spec of a service (taskSpec.containerSpec), or an empty object. */
export const containerSpecOf = (props: any): any => (props.taskSpec instanceof Object && props.taskSpec.containerSpec) || {};

/** Addresses that mean "every interface" to Docker; an empty or missing `ip` is 0.0.0.0 too. */
export function isWildcard(address: unknown): boolean {
    return address === undefined || address === null || address === "" || address === "0.0.0.0" || address === "::" || address === "[::]";
}

/** Loopback addresses: 127.0.0.0/8 and ::1 (the name localhost is not a bind address Docker accepts). */
export function isLoopback(address: unknown): boolean {
    return typeof address === "string" && (/^127(\.\d{1,3}){3}$/.test(address) || address === "::1" || address === "[::1]");
}

/** Entries of a list property that are objects (unknown entries left out). */
export const entries = (list: unknown): any[] => (Array.isArray(list) ? list.filter((e) => e instanceof Object) : []);

/** CAP_NET_RAW and NET_RAW are the same capability; compare without the prefix, in capitals. */
export const capName = (cap: string) => cap.toUpperCase().replace(/^CAP_/, "");

/** Whether a list of strings holds `value`, case-insensitively. */
export const hasString = (list: unknown, value: string): boolean =>
    Array.isArray(list) && list.some((v) => typeof v === "string" && v.toUpperCase() === value.toUpperCase());

/** Whether a container runs until stopped (not a one-shot `attach`/`rm` run or a container never started). */
export function isLongRunning(props: any): boolean {
    return props.attach !== true && props.rm !== true && props.start !== false;
}
