import { createHash, timingSafeEqual } from "node:crypto";
import type { PortalTokens } from "../../lab";

/** Who a token lets in: the teacher, or one learner (a class's student by name; the one learner without one). */
export type PortalRole = { kind: "teacher" } | { kind: "learner"; student?: string };

/**
 * The portal's tokens, looked up in constant time: every candidate is hashed and compared with every
 * token, whatever its length or where it matches, so the time taken tells nothing about any token.
 */
export class TokenTable {
    private readonly entries: { digest: Buffer; role: PortalRole }[];

    constructor(readonly tokens: PortalTokens) {
        const roles: [string, PortalRole][] = [
            [tokens.teacher, { kind: "teacher" }],
            ...Object.entries(tokens.students).map(([student, token]): [string, PortalRole] => [token, { kind: "learner", student }]),
            ...(tokens.learner === undefined ? [] : [[tokens.learner, { kind: "learner" }] as [string, PortalRole]]),
        ];
        this.entries = roles.map(([token, role]) => ({ digest: sha256(token), role }));
    }

    /** The role `token` opens, or undefined for a wrong one. */
    find(token: string): PortalRole | undefined {
        const candidate = sha256(token);
        let found: PortalRole | undefined;
        for (const entry of this.entries) {
            if (timingSafeEqual(candidate, entry.digest)) found = entry.role;
        }
        return found;
    }

    /** The token of a learner's page: a student's, or (no student) the one learner's. */
    learnerToken(student?: string): string | undefined {
        return student === undefined ? this.tokens.learner : this.tokens.students[student];
    }
}

function sha256(text: string): Buffer {
    return createHash("sha256").update(text, "utf8").digest();
}
