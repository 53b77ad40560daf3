import { createHmac } from "node:crypto";

/**
 * The class portal's tokens (`npm run portal`): one secret made once per stack, and from it, by HMAC,
 * the teacher's token and one per learner. A learner's link keeps working while students come and go,
 * and no token tells anything about another.
 */

/** The tokens of a stack's portal: the `portal` stack output (a secret). */
export interface PortalTokens {
    /** Opens the teacher's page: the roster, the actions and every student's link. */
    teacher: string;
    /** Per student of a class, the token of their page. */
    students: Record<string, string>;
    /** The one learner's page, in a lab without students. */
    learner?: string;
}

/** Makes the stack's portal secret once (256 random bits as hex), with nothing but POSIX tools. */
export const PORTAL_SECRET_COMMAND = "od -An -tx1 -N32 /dev/urandom | tr -d ' \\n'";

/** A token's form: 32 characters of base64url (192 bits of an HMAC-SHA256). */
export const PORTAL_TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

function derive(secret: string, role: string): string {
    return createHmac("sha256", secret).update(`docker-lab-portal:${role}`).digest("base64url").slice(0, 32);
}

/** Pure: the portal's tokens from the stack's secret, for a class's students (none: the one learner). */
export function portalTokens(secret: string, students: readonly string[]): PortalTokens {
    if (secret.trim() === "") throw new Error("the portal's secret is empty: replace it with npm run up -- --replace <its URN>");
    const teacher = derive(secret, "teacher");
    if (students.length === 0) return { teacher, students: {}, learner: derive(secret, "learner") };
    return { teacher, students: Object.fromEntries(students.map((s) => [s, derive(secret, `student:${s}`)])) };
}
