import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { entries, isUnknown, plain, ROLE, roleOf, TYPES } from "./common";

/**
 * The whole lab, checked once the engine knows every resource: every replica (container or service
 * labelled docker-lab.role=app) is on its lab network (a network labelled docker-lab.role=network),
 * and every lesson check (a command:local:Command named *-check-*) depends on every replica of its
 * lab, so no check runs before those replicas are up and healthy.
 *
 * "Its lab" follows the component tree: the nearest ancestor that holds any lab network (for a
 * replica) or any replica (for a check). One learner's lab is the whole DockerLab; in a classroom
 * each StudentLab is one, with its own network, replicas and checks.
 */

interface Item {
    resource: PolicyResource;
    props: any;
    /** URNs of its ancestors, nearest first. */
    ancestors: string[];
}

/**
 * Stands for a network a service joins by id: the provider asks for `taskSpec.networksAdvanceds[].id`
 * (a name there is deprecated and replaces the service on every update), and a stack policy sees no
 * resource ids, so such a reference counts, like an unknown name, when the property comes from a lab network.
 */
const BY_ID = Symbol("network joined by id");

/** Network names a replica joins (BY_ID for an id), and the property that holds them (for propertyDependencies). */
function networksOf(item: Item): { names: unknown[]; property: string; field: string } {
    if (item.resource.type === TYPES.service) {
        // The engine hands the policy an empty name beside the id (seen with the real CLI): an empty name is no name.
        const names = entries(item.props.taskSpec?.networksAdvanceds).map((n) =>
            n.name !== undefined && n.name !== "" ? n.name : n.id === undefined ? undefined : BY_ID,
        );
        return { names, property: "taskSpec", field: "taskSpec.networksAdvanceds" };
    }
    return { names: entries(item.props.networksAdvanced).map((n) => n.name), property: "networksAdvanced", field: "networksAdvanced" };
}

function ancestorsOf(resource: PolicyResource): string[] {
    const chain: string[] = [];
    for (let p = resource.parent; p && !chain.includes(p.urn); p = p.parent) chain.push(p.urn);
    return chain;
}

/** The members of `pool` in the lab of `item`: under its nearest ancestor that holds any (the whole stack when none does). */
function sameLab(item: Item, pool: Item[]): { members: Item[]; lab?: string } {
    for (const ancestor of item.ancestors) {
        const members = pool.filter((p) => p.ancestors.includes(ancestor));
        if (members.length > 0) return { members, lab: ancestor.slice(ancestor.lastIndexOf("::") + 2) };
    }
    return { members: pool };
}

const CHECK_NAME = /-check-/;

export const labWiring: StackValidationPolicy = {
    name: "lab-wiring",
    description:
        "Every replica is on its lab network, and every lesson check (command:local:Command named *-check-*) depends on every replica of its lab.",
    validateStack: (args, reportViolation) => {
        const items: Item[] = args.resources.map((resource) => ({
            resource,
            props: plain(resource.props),
            ancestors: ancestorsOf(resource),
        }));
        const replicas = items.filter(
            (i) => (i.resource.type === TYPES.container || i.resource.type === TYPES.service) && roleOf(i.props) === ROLE.app,
        );
        if (replicas.length === 0) return;
        const labNetworks = items.filter((i) => i.resource.type === TYPES.network && roleOf(i.props) === ROLE.network);
        if (labNetworks.length === 0) {
            reportViolation(
                `the lab has ${replicas.length} replica(s) but no lab network (a ${TYPES.network} labelled docker-lab.role=${ROLE.network}); fix: create the lab network and attach every replica to it`,
            );
            return;
        }

        for (const replica of replicas) {
            const { members: networks, lab } = sameLab(replica, labNetworks);
            const names: unknown[] = networks.map((n) => n.props.name).filter((name) => typeof name === "string");
            const { names: joined, property, field } = networksOf(replica);
            // A name not known yet (preview), or an id, counts when the property's value comes from one of those networks.
            const fromLabNetwork = (replica.resource.propertyDependencies[property] ?? []).some((dep) =>
                networks.some((n) => n.resource.urn === dep.urn),
            );
            if (!joined.some((name) => (isUnknown(name) || name === BY_ID ? fromLabNetwork : names.includes(name)))) {
                reportViolation(
                    `replica ${replica.resource.name} is not on ${lab ? `the lab network of ${lab}` : "the lab network"} (${names.join(", ") || "name unknown"}): its ${field} names ${JSON.stringify(joined.filter((n) => !isUnknown(n) && n !== BY_ID))}; fix: attach it with ${field} ${replica.resource.type === TYPES.service ? "[{ id: <that network's id> }]" : "[{ name: <that network's name> }]"}`,
                    replica.resource.urn,
                );
            }
        }

        const checks = items.filter((i) => i.resource.type === TYPES.command && CHECK_NAME.test(i.resource.name));
        for (const check of checks) {
            const { members, lab } = sameLab(check, replicas);
            const deps = new Set(check.resource.dependencies.map((d) => d.urn));
            const missing = members.filter((r) => !deps.has(r.resource.urn)).map((r) => r.resource.name);
            if (missing.length > 0) {
                reportViolation(
                    `check ${check.resource.name} does not depend on replica(s) ${missing.join(", ")}${lab ? ` of ${lab}` : ""}, so it may run before they are up; fix: put every replica container of its lab in the check's dependsOn`,
                    check.resource.urn,
                );
            }
        }
    },
};
