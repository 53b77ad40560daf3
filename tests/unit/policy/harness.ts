import "./installed";
import type {
    EnforcementLevel,
    Policies,
    PolicyPackConfig,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
} from "../../../policy/node_modules/@pulumi/policy";
import { fakeDigest, type ProgramRun } from "../helpers/program";
import { deserializeProperties, Struct, UnknownValueError, unknownCheckingProxy, unknownStringValue } from "./sdk";

/**
 * Runs the policy pack without the CLI, the way the policy server of @pulumi/policy does
 * (policy/node_modules/@pulumi/policy/server.js, makeAnalyzeRpcFun and makeAnalyzeStackRpcFun):
 * properties go through a protobuf Struct and the SDK's deserializeProperties, then behind its
 * unknown-checking proxy; a policy that reads an unknown value gets UnknownValueError, which the
 * server turns into an advisory "can't run ... during preview" finding, and so does this harness.
 * `tests/unit/policy/engine.test.ts` checks that it agrees with the server's own functions.
 */

/** The string the engine sends for a value not known yet (a computed output during a preview). */
export const UNKNOWN = unknownStringValue;

/** One resource as the engine describes it to the pack. */
export interface TestResource {
    type: string;
    name: string;
    props: Record<string, any>;
    /** Names of the resources it depends on (stack policies only). */
    dependencies?: string[];
    /** Property name → names of the resources that property's value comes from (stack policies only). */
    propertyDependencies?: Record<string, string[]>;
    /** Name of its parent (a component), if any (stack policies only). */
    parent?: string;
}

/** One finding: the policy, its level, the resource (by name, when known) and the message. */
export interface Finding {
    policy: string;
    level: EnforcementLevel;
    resource?: string;
    message: string;
}

export const urnOf = (r: { type: string; name: string }) => `urn:pulumi:dev::docker-lab::${r.type}::${r.name}`;

/** Properties exactly as the engine delivers them: Struct-encoded, deserialized by the SDK, behind its unknown-checking proxy. */
export function engineProps(props: Record<string, any>): Record<string, any> {
    const struct = Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));
    return unknownCheckingProxy(deserializeProperties(struct, false));
}

/** The resource options the engine hands a policy for a resource declared with none. */
function defaultOpts() {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
    };
}

function levelOf(policy: Policies[number], config: PolicyPackConfig): EnforcementLevel {
    const configured = config[policy.name];
    const fromConfig = typeof configured === "string" ? configured : configured?.enforcementLevel;
    return fromConfig ?? policy.enforcementLevel ?? "mandatory";
}

function configOf(policy: Policies[number], config: PolicyPackConfig): any {
    const configured = config[policy.name];
    if (!configured || typeof configured === "string") return {};
    const { enforcementLevel: _, ...properties } = configured;
    return properties;
}

class NotApplicable extends Error {}

/** Runs a validation the way the server does: unknown values give one advisory finding, anything else thrown fails the test. */
function run(policy: Policies[number], level: EnforcementLevel, findings: Finding[], validate: (report: ReportViolation) => unknown) {
    const report: ReportViolation = (message, urn) =>
        findings.push({ policy: policy.name, level, resource: urn ? urn.slice(urn.lastIndexOf("::") + 2) : undefined, message });
    try {
        validate(report);
    } catch (err) {
        if (err instanceof UnknownValueError) {
            findings.push({
                policy: policy.name,
                level: "advisory",
                message: `can't run policy '${policy.name}' during preview: ${err.message}`,
            });
        } else if (!(err instanceof NotApplicable)) {
            throw err;
        }
    }
}

/** Every resource policy of `policies` on one resource; findings name the resource. */
export function analyze(policies: Policies, resource: TestResource, config: PolicyPackConfig = {}): Finding[] {
    const findings: Finding[] = [];
    for (const policy of policies) {
        const level = levelOf(policy, config);
        if (level === "disabled" || !("validateResource" in policy) || !policy.validateResource) continue;
        const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
        for (const validation of validations) {
            const props = engineProps(resource.props);
            const args: ResourceValidationArgs = {
                type: resource.type,
                props,
                urn: urnOf(resource),
                name: resource.name,
                opts: defaultOpts(),
                stackTags: new Map(),
                isType: (cls: any) => cls?.__pulumiType === resource.type,
                asType: (cls: any) => (cls?.__pulumiType === resource.type ? (props as any) : undefined),
                getConfig: <T extends object>() => configOf(policy, config) as T,
                notApplicable: (reason?: string): never => {
                    throw new NotApplicable(reason);
                },
            };
            const before = findings.length;
            run(policy, level, findings, (report) => validation(args, report));
            for (const f of findings.slice(before)) f.resource ??= resource.name;
        }
    }
    return findings;
}

/** Every stack policy of `policies` on the whole set of resources. */
export function analyzeStack(policies: Policies, resources: TestResource[], config: PolicyPackConfig = {}): Finding[] {
    const byName = new Map<string, PolicyResource>();
    const stack: PolicyResource[] = resources.map((r) => {
        const props = engineProps(r.props);
        const resource: PolicyResource = {
            type: r.type,
            props,
            urn: urnOf(r),
            name: r.name,
            opts: defaultOpts(),
            dependencies: [],
            propertyDependencies: {},
            isType: (cls: any) => cls?.__pulumiType === r.type,
            asType: (cls: any) => (cls?.__pulumiType === r.type ? (props as any) : undefined),
        };
        byName.set(r.name, resource);
        return resource;
    });
    resources.forEach((r, i) => {
        const lookUp = (names: string[]) => names.map((n) => byName.get(n)).filter((d): d is PolicyResource => d !== undefined);
        stack[i].dependencies = lookUp(r.dependencies ?? []);
        stack[i].propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, lookUp(v)]));
        if (r.parent) stack[i].parent = byName.get(r.parent);
    });
    const findings: Finding[] = [];
    for (const policy of policies) {
        const level = levelOf(policy, config);
        if (level === "disabled" || !("validateStack" in policy)) continue;
        run(policy, level, findings, (report) =>
            policy.validateStack(
                {
                    resources: stack,
                    stackTags: new Map(),
                    getConfig: <T extends object>() => configOf(policy, config) as T,
                    notApplicable: (reason?: string): never => {
                        throw new NotApplicable(reason);
                    },
                },
                report,
            ),
        );
    }
    return findings;
}

/** Resource and stack policies over a whole set of resources, as a preview or an update runs them. */
export function analyzeAll(policies: Policies, resources: TestResource[], config: PolicyPackConfig = {}): Finding[] {
    return [...resources.flatMap((r) => analyze(policies, r, config)), ...analyzeStack(policies, resources, config)];
}

/** Every resource the program registered under mocks (components and providers too, as the engine sends them). */
export function fromProgram(run: ProgramRun): TestResource[] {
    const names = run.resources.map((r) => r.name);
    return run.resources.map((r) => ({
        type: r.type,
        name: r.name,
        props: r.inputs,
        dependencies: r.dependsOn,
        parent: r.parent,
        propertyDependencies: propertyDependenciesOf(r.inputs, names),
    }));
}

/**
 * Property → names of the resources whose id flowed into it, as the engine records an input that
 * came from another resource's output. The mocks give every resource the id "<name>-id", so the
 * flow is visible in the recorded inputs (e.g. a service joining the lab network by its id).
 */
function propertyDependenciesOf(inputs: Record<string, any>, names: string[]): Record<string, string[]> {
    const strings = (value: unknown): string[] =>
        typeof value === "string" ? [value] : value instanceof Object ? Object.values(value).flatMap(strings) : [];
    const deps: Record<string, string[]> = {};
    for (const [property, value] of Object.entries(inputs)) {
        const found = names.filter((name) => strings(value).includes(`${name}-id`));
        if (found.length > 0) deps[property] = found;
    }
    return deps;
}

/**
 * The same resources as a first preview sends them: whatever comes from another resource's computed
 * output (the pushed image's digest, a command's stdout, a new container's id) is UNKNOWN.
 * The mocks make those values recognisable: fakeDigest(imageName), "mock stdout of …" and "<name>-id".
 */
export function asPreview(resources: TestResource[]): TestResource[] {
    const digests = resources.filter((r) => typeof r.props.imageName === "string").map((r) => fakeDigest(r.props.imageName));
    const ids = new Set(resources.map((r) => `${r.name}-id`));
    const computed = (s: string) => ids.has(s) || s.includes("mock stdout of ") || digests.some((d) => s.includes(d));
    const unknownize = (value: unknown): unknown => {
        if (typeof value === "string") return computed(value) ? UNKNOWN : value;
        if (Array.isArray(value)) return value.map(unknownize);
        if (value instanceof Object) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unknownize(v)]));
        return value;
    };
    return resources.map((r) => ({ ...r, props: unknownize(r.props) as Record<string, any> }));
}

/** Findings as "policy: resource" lines, sorted, for compact expectations. */
export const summary = (findings: Finding[]) => [...new Set(findings.map((f) => `${f.policy}: ${f.resource ?? "(stack)"}`))].sort();
