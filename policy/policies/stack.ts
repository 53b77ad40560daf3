import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { entries, isUnknown, plain, ROLE, roleOf, TYPES } from "./common";

/**
 * The whole lab, checked once all resources are known to the engine: every replica (container or
 * service labelled docker-lab.role=app) is on the lab network (the network labelled
 * docker-lab.role=network), and every lesson check (a command:local:Command named *-check-*)
 * depends on every replica, so no check runs before the replicas are up and healthy.
 */

interface Item {
    resource: PolicyResource;
    props: any;
}

/** Network names a replica joins, and the property that holds them (for propertyDependencies). */
function networksOf(item: Item): { names: unknown[]; property: string } {
    if (item.resource.type === TYPES.service) {
        return { names: entries(item.props.taskSpec?.networksAdvanceds).map((n) => n.name), property: "taskSpec" };
    }
    return { names: entries(item.props.networksAdvanced).map((n) => n.name), property: "networksAdvanced" };
}

const CHECK_NAME = /-check-/;

export const labWiring: StackValidationPolicy = {
    name: "lab-wiring",
    description:
        "Every replica is on the lab network, and every lesson check (command:local:Command named *-check-*) depends on every replica.",
    validateStack: (args, reportViolation) => {
        const items: Item[] = args.resources.map((resource) => ({ resource, props: plain(resource.props) }));
        const replicas = items.filter(
            (i) => (i.resource.type === TYPES.container || i.resource.type === TYPES.service) && roleOf(i.props) === ROLE.app,
        );
        if (replicas.length === 0) return;
        const labNetworks = items.filter((i) => i.resource.type === TYPES.network && roleOf(i.props) === ROLE.network);
        const labNames: unknown[] = labNetworks.map((n) => n.props.name).filter((name) => typeof name === "string");
        if (labNetworks.length === 0) {
            reportViolation(
                `the lab has ${replicas.length} replica(s) but no lab network (a ${TYPES.network} labelled docker-lab.role=${ROLE.network}); fix: create the lab network and attach every replica to it`,
            );
        }

        for (const replica of replicas) {
            const { names, property } = networksOf(replica);
            // A name not known yet (preview) counts when the property comes from the lab network itself.
            const fromLabNetwork = (replica.resource.propertyDependencies[property] ?? []).some((dep) =>
                labNetworks.some((n) => n.resource.urn === dep.urn),
            );
            const onLab = names.some((name) => (isUnknown(name) ? fromLabNetwork : labNames.includes(name)));
            if (!onLab && labNetworks.length > 0) {
                const field = property === "taskSpec" ? "taskSpec.networksAdvanceds" : "networksAdvanced";
                reportViolation(
                    `replica ${replica.resource.name} is not on the lab network ${labNames.join(", ") || "(name unknown)"}: its ${field} names ${JSON.stringify(names.filter((n) => !isUnknown(n)))}; fix: attach it with ${field} [{ name: <the lab network's name> }]`,
                    replica.resource.urn,
                );
            }
        }

        const checks = items.filter((i) => i.resource.type === TYPES.command && CHECK_NAME.test(i.resource.name));
        for (const check of checks) {
            const deps = new Set(check.resource.dependencies.map((d) => d.urn));
            const missing = replicas.filter((r) => !deps.has(r.resource.urn)).map((r) => r.resource.name);
            if (missing.length > 0) {
                reportViolation(
                    `check ${check.resource.name} does not depend on replica(s) ${missing.join(", ")}, so it may run before they are up; fix: put every replica container in the check's dependsOn`,
                    check.resource.urn,
                );
            }
        }
    },
};
