import type { ResourceValidationPolicy } from "@pulumi/policy";
import { containerSpecOf, describe, forType, isUnknown, ROLE, roleOf, type Subject, TYPES } from "./common";

/**
 * Images by digest: every container and service except the registry names its image as
 * repository@sha256:<64 hex>, so what runs is exactly what was built and pushed. The registry
 * (label docker-lab.role=registry) runs the image of the registryImage config, by name.
 */

export const DIGEST_REFERENCE = /@sha256:[0-9a-f]{64}$/;

function checkImage(subject: Subject, image: unknown, field: string, report: (message: string) => void) {
    if (roleOf(subject.props) === ROLE.registry || isUnknown(image)) return;
    if (typeof image !== "string" || !DIGEST_REFERENCE.test(image)) {
        report(
            `${describe(subject)}: ${field} is ${JSON.stringify(image ?? null)}, a reference that can move to other content; fix: reference the image by digest (repository@sha256:...), e.g. the pushed image's repoDigest output`,
        );
    }
}

export const imagesByDigest: ResourceValidationPolicy = {
    name: "images-by-digest",
    description: `App containers and services (every one but the registry, label docker-lab.role=${ROLE.registry}) reference their image by digest (repository@sha256:...).`,
    validateResource: [
        forType(TYPES.container, (c, report) => checkImage(c, c.props.image, "image", report)),
        forType(TYPES.service, (s, report) => checkImage(s, containerSpecOf(s.props).image, "taskSpec.containerSpec.image", report)),
    ],
};
