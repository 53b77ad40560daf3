import { execFileSync } from "node:child_process";
import { PORTAL_SECRET_COMMAND, PORTAL_TOKEN_PATTERN, portalTokens } from "../../../lab";
import { TokenTable } from "../../../tools/portal";

describe("the portal's tokens", () => {
    const secret = "a".repeat(64);

    test("one per role, each of the documented form, all different, and the same from the same secret", () => {
        const tokens = portalTokens(secret, ["alice", "bob"]);
        const all = [tokens.teacher, ...Object.values(tokens.students)];
        for (const token of all) expect(token).toMatch(PORTAL_TOKEN_PATTERN);
        expect(new Set(all).size).toBe(3);
        expect(tokens.learner).toBeUndefined();
        expect(portalTokens(secret, ["alice", "bob"])).toEqual(tokens);
        // A student's token does not change when others join or leave.
        expect(portalTokens(secret, ["bob", "carol"]).students.bob).toBe(tokens.students.bob);
        expect(portalTokens("b".repeat(64), ["alice"]).students.alice).not.toBe(tokens.students.alice);
    });

    test("a lab without students has the one learner's token", () => {
        const tokens = portalTokens(secret, []);
        expect(tokens.students).toEqual({});
        expect(tokens.learner).toMatch(PORTAL_TOKEN_PATTERN);
        expect(tokens.learner).not.toBe(tokens.teacher);
    });

    test("an empty secret is refused with the fix", () => {
        expect(() => portalTokens(" \n", ["alice"])).toThrow(/the portal's secret is empty: replace it/);
    });

    test("the secret command prints 256 random bits as hex, different each run", () => {
        const run = () => execFileSync("/bin/sh", ["-c", PORTAL_SECRET_COMMAND], { encoding: "utf8" });
        const [a, b] = [run(), run()];
        expect(a).toMatch(/^[0-9a-f]{64}$/);
        expect(b).not.toBe(a);
    });
});

describe("TokenTable", () => {
    const tokens = portalTokens("s".repeat(64), ["alice", "bob"]);
    const table = new TokenTable(tokens);

    test("finds the teacher and each student, and nobody for anything else", () => {
        expect(table.find(tokens.teacher)).toEqual({ kind: "teacher" });
        expect(table.find(tokens.students.alice)).toEqual({ kind: "learner", student: "alice" });
        expect(table.find(tokens.students.bob)).toEqual({ kind: "learner", student: "bob" });
        for (const wrong of ["", "x", tokens.teacher.slice(0, -1), `${tokens.teacher}x`, tokens.teacher.toUpperCase(), "alice"]) {
            expect(table.find(wrong)).toBeUndefined();
        }
    });

    test("the one learner's token opens the learner without a name", () => {
        const one = portalTokens("s".repeat(64), []);
        expect(new TokenTable(one).find(one.learner as string)).toEqual({ kind: "learner" });
        expect(new TokenTable(one).learnerToken()).toBe(one.learner);
        expect(table.learnerToken("bob")).toBe(tokens.students.bob);
        expect(table.learnerToken("carol")).toBeUndefined();
    });

    test("compares in constant time: every candidate is hashed to one length before any comparison", () => {
        // timingSafeEqual throws on buffers of different lengths: a table that compared raw tokens would throw here.
        expect(() => table.find("short")).not.toThrow();
        expect(() => table.find("x".repeat(10_000))).not.toThrow();
    });
});
