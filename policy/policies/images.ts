import type { ResourceValidationPolicy } from "@pulumi/policy";
import { containerSpecOf, describe, forType, isUnknown, ROLE, roleOf, type Subject, TYPES } from "./common";
import { judgeSeat, seatAllowed, seatNote } from "./seat";

/**
 * Images by digest: every container and service except the registry and the seats names its image
 * as repository@sha256:<64 hex>, so what runs is exactly what was built and pushed. The registry
 * (label docker-lab.role=registry) runs the image of the registryImage config, by name, and a seat
 * (label docker-lab.role=seat, meeting its conditions: seat.ts) the image of the seatImage config.
 */

export const DIGEST_REFERENCE = /@sha256:[0-9a-f]{64}$/;

function checkImage(subject: Subject, image: unknown, field: string, report: (message: string) => void) {
    if (roleOf(subject.props) === ROLE.registry || isUnknown(image)) return;
    if (typeof image !== "string" || !DIGEST_REFERENCE.test(image)) {
        const seat = subject.type === TYPES.container ? judgeSeat(subject) : ({ kind: "none" } as const);
        if (seatAllowed(seat)) return;
        const note = seatNote(seat);
        report(
            `${describe(subject)}: ${field} is ${JSON.stringify(image ?? null)}, a reference that can move to other content${note.why}; fix: reference the image by digest (repository@sha256:...), e.g. the pushed image's repoDigest output${note.fix}`,
        );
    }
}

export const imagesByDigest: ResourceValidationPolicy = {
    name: "images-by-digest",
    description: `App containers and services (every one but the registry, label docker-lab.role=${ROLE.registry}, and a seat, label docker-lab.role=${ROLE.seat} with TLS) reference their image by digest (repository@sha256:...).`,
    validateResource: [
        forType(TYPES.container, (c, report) => checkImage(c, c.props.image, "image", report)),
        forType(TYPES.service, (s, report) => checkImage(s, containerSpecOf(s.props).image, "taskSpec.containerSpec.image", report)),
    ],
};
