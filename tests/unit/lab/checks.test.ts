import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    buildLabSpec,
    describeExpectation,
    type Expectation,
    FAIL_MARKER,
    IMAGE_DIGEST_PLACEHOLDER,
    IMAGE_REF_PLACEHOLDER,
    type LessonCheck,
    NOTES_SECTIONS,
    PASS_MARKER,
    renderCheckScript,
    resolveCheck,
    type SpecContext,
    t,
} from "../../../lab";
import { labConfig } from "../../../tools/stack";
import { describeWithNotes, NOTES } from "../../helpers/notes";
import { replicasOf } from "../../helpers/specs";

const ctx: SpecContext = { project: "docker-lab", stack: "dev", appDir: "app" };
const spec = buildLabSpec(labConfig(), ctx);
const threeReplicas = buildLabSpec(labConfig({ replicas: "3" }), ctx);

/** Heading texts of the notes (after the #'s), ignoring `#` comment lines inside fenced code blocks. */
function notesHeadings(notes: string): string[] {
    const headings: string[] = [];
    let inFence = false;
    for (const line of notes.split(/\r?\n/)) {
        if (/^\s*```/.test(line)) {
            inFence = !inFence;
            continue;
        }
        const m = /^#{1,6}\s+(.+?)\s*$/.exec(line);
        if (!inFence && m) headings.push(m[1]);
    }
    return headings;
}

const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
const imageRef = `${spec.image.repository}@${digest}`;

describe("lessonChecks", () => {
    test("check ids are unique", () => {
        for (const s of [spec, threeReplicas]) {
            const ids = s.checks.map((c) => c.id);
            expect(ids.length).toBeGreaterThan(0);
            expect(new Set(ids).size).toBe(ids.length);
        }
    });

    test("every check's section is a notes section, with that section's heading", () => {
        for (const check of spec.checks) {
            expect(Object.keys(NOTES_SECTIONS)).toContain(check.section);
            expect({ id: check.id, heading: check.heading }).toEqual({ id: check.id, heading: NOTES_SECTIONS[check.section] });
            expect(check.heading.startsWith(`${check.section} `)).toBe(true);
        }
    });

    test("every check has a title, what it proves and a command", () => {
        for (const check of spec.checks) {
            for (const [field, text] of [
                ["title", check.title.en],
                ["titleZh", check.title.zh],
                ["proves", check.proves.en],
                ["provesZh", check.proves.zh],
                ["command", check.command],
            ]) {
                expect({ id: check.id, field, empty: text.trim() === "" }).toEqual({ id: check.id, field, empty: false });
            }
        }
    });

    test("sections 00, 01.01, 01.02, 01.03, 01.04 and 02 each have at least one check", () => {
        const sections = new Set(spec.checks.map((c) => c.section));
        for (const section of ["00", "01.01", "01.02", "01.03", "01.04", "02"]) expect(sections).toContain(section);
    });

    test("there is one 02-http-<i> check per replica, against that replica's URL and hostname", () => {
        const http = threeReplicas.checks.filter((c) => c.id.startsWith("02-http-"));
        expect(http.map((c) => c.id)).toEqual(replicasOf(threeReplicas).map((_, i) => `02-http-${i}`));
        http.forEach((check, i) => {
            expect(check.command).toContain(threeReplicas.appUrls[i]);
            expect(check.expect.kind).toBe("containsAll");
            if (check.expect.kind === "containsAll") {
                expect(check.expect.values).toContain(`"hostname":"${replicasOf(threeReplicas)[i].hostname}"`);
                expect(check.expect.values).toContain(`"lab":"${threeReplicas.instance}"`);
            }
        });
    });

    test("the cgroup check expects the configured memory limit in bytes", () => {
        const c = labConfig({ memoryLimitMb: "200" });
        const check = buildLabSpec(c, ctx).checks.find((x) => x.id === "00-cgroup-memory");
        expect(check?.expect).toEqual({ kind: "equals", value: String(c.memoryLimitMb * 1024 * 1024) });
    });
});

describeWithNotes()("lessonChecks against the notes themselves", () => {
    test("every notes section's heading, and so every check's, appears verbatim in the notes", () => {
        const headings = notesHeadings(NOTES ?? "");
        for (const heading of Object.values(NOTES_SECTIONS)) expect(headings).toContain(heading);
    });
});

describe("resolveCheck", () => {
    test("fills @IMAGE_REF@ and @IMAGE_DIGEST@ in every lesson check's command, expectation and cleanup", () => {
        const withPlaceholders = spec.checks.filter((c) => JSON.stringify(c).includes("@IMAGE_"));
        expect(withPlaceholders.length).toBeGreaterThan(0);
        for (const check of spec.checks) {
            const resolved = resolveCheck(check, { imageRef });
            const text = JSON.stringify(resolved);
            expect(text).not.toContain(IMAGE_REF_PLACEHOLDER);
            expect(text).not.toContain(IMAGE_DIGEST_PLACEHOLDER);
            expect(resolved.id).toBe(check.id);
        }
        const roundTrip = resolveCheck(spec.checks.find((c) => c.id === "01.01-tag-push-pull") as LessonCheck, { imageRef });
        expect(roundTrip.command).toContain(`docker tag ${imageRef} `);
        expect(roundTrip.expect).toEqual({ kind: "containsAll", values: [`Digest: ${digest}`] });
    });

    const R = IMAGE_REF_PLACEHOLDER;
    const D = IMAGE_DIGEST_PLACEHOLDER;
    test.each<[string, Expectation, Expectation]>([
        ["equals", { kind: "equals", value: `${R} ${D}` }, { kind: "equals", value: `${imageRef} ${digest}` }],
        [
            "containsAll",
            { kind: "containsAll", values: [R, `x${D}x${D}`] },
            { kind: "containsAll", values: [imageRef, `x${digest}x${digest}`] },
        ],
        ["matchesAll", { kind: "matchesAll", patterns: [`^${D}$`] }, { kind: "matchesAll", patterns: [`^${digest}$`] }],
        ["sameOutputAs", { kind: "sameOutputAs", command: `echo ${R}` }, { kind: "sameOutputAs", command: `echo ${imageRef}` }],
    ])("replaces every occurrence in a hand-made %s check", (_kind, expect_, wanted) => {
        const check: LessonCheck = {
            id: "t",
            section: "00",
            heading: NOTES_SECTIONS["00"],
            title: t("t", "t"),
            proves: t("t", "t"),
            teaches: [],
            command: `echo ${R} ${D} ${R}`,
            expect: expect_,
            cleanup: `echo ${D} ${R}`,
        };
        const resolved = resolveCheck(check, { imageRef });
        expect(resolved.command).toBe(`echo ${imageRef} ${digest} ${imageRef}`);
        expect(resolved.cleanup).toBe(`echo ${digest} ${imageRef}`);
        expect(resolved.expect).toEqual(wanted);
    });

    test.each([
        "localhost:5000/docker-lab-dev/hellodocker:1.0.0",
        `localhost:5000/x@${digest}'`,
        `localhost:5000/x@${digest}"`,
        `localhost:5000/x@${digest} y`,
        `localhost:5000/x@${digest};rm -rf /`,
    ])("rejects the image reference %j", (ref) => {
        const check = spec.checks[0];
        expect(() => resolveCheck(check, { imageRef: ref })).toThrow(JSON.stringify(ref));
    });
});

describe("describeExpectation", () => {
    test("words every kind with its values", () => {
        expect(describeExpectation({ kind: "equals", value: 'a "b"' })).toContain(JSON.stringify('a "b"'));
        const contains = describeExpectation({ kind: "containsAll", values: ["one", "two"] });
        expect(contains).toContain('"one"');
        expect(contains).toContain('"two"');
        const matches = describeExpectation({ kind: "matchesAll", patterns: ["^a$", "b+"] });
        expect(matches).toContain("/^a$/");
        expect(matches).toContain("/b+/");
        expect(describeExpectation({ kind: "sameOutputAs", command: "uname -r" })).toContain("`uname -r`");
    });
});

describe("renderCheckScript", () => {
    let dir: string;
    beforeAll(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-checks-"));
    });
    afterAll(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const make = (over: Partial<LessonCheck> & Pick<LessonCheck, "command" | "expect">): LessonCheck => ({
        id: "t-check",
        section: "01.02",
        heading: NOTES_SECTIONS["01.02"],
        title: t("手写的检查", "A hand-made check"),
        proves: t("脚本比较输出", "the script compares output"),
        teaches: [],
        ...over,
    });

    const run = (check: LessonCheck) => {
        const r = spawnSync("/bin/sh", ["-c", renderCheckScript(check)], { encoding: "utf8", timeout: 5000 });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };

    /** Asserts the failure report names everything a reader needs. */
    const expectFailureReport = (check: LessonCheck, r: ReturnType<typeof run>, actual: string) => {
        expect(r.status).toBe(1);
        expect(r.stdout).not.toContain(PASS_MARKER);
        expect(r.stderr).toContain(`${FAIL_MARKER} ${check.id}`);
        expect(r.stderr).toContain(check.section);
        expect(r.stderr).toContain(check.title.en);
        expect(r.stderr).toContain(check.command);
        expect(r.stderr).toContain(describeExpectation(check.expect));
        expect(r.stderr).toContain(actual);
    };

    test("throws when placeholders remain in the command", () => {
        const raw = spec.checks.find((c) => c.command.includes(IMAGE_REF_PLACEHOLDER)) as LessonCheck;
        expect(() => renderCheckScript(raw)).toThrow(raw.id);
        expect(() => renderCheckScript(resolveCheck(raw, { imageRef }))).not.toThrow();
    });

    test("throws when placeholders remain in the expectation or cleanup", () => {
        const inExpect = make({ command: "echo x", expect: { kind: "equals", value: `Digest: ${IMAGE_DIGEST_PLACEHOLDER}` } });
        const inCleanup = make({
            command: "echo x",
            expect: { kind: "equals", value: "x" },
            cleanup: `docker image rm ${IMAGE_REF_PLACEHOLDER}`,
        });
        expect(() => renderCheckScript(inExpect)).toThrow(inExpect.id);
        expect(() => renderCheckScript(inCleanup)).toThrow(inCleanup.id);
    });

    test("every resolved lesson check renders to a script /bin/sh accepts", () => {
        for (const check of threeReplicas.checks) {
            const script = renderCheckScript(resolveCheck(check, { imageRef: `${threeReplicas.image.repository}@${digest}` }));
            const r = spawnSync("/bin/sh", ["-n", "-c", script], { encoding: "utf8" });
            expect({ id: check.id, status: r.status, stderr: r.stderr }).toEqual({ id: check.id, status: 0, stderr: "" });
        }
    });

    test("a passing equals check exits 0 and prints the pass marker, the id, then the output", () => {
        const check = make({ command: "printf 'hello\\nworld\\n'", expect: { kind: "equals", value: "hello\nworld" } });
        const r = run(check);
        expect(r).toEqual({ status: 0, stdout: `${PASS_MARKER} ${check.id}\nhello\nworld\n`, stderr: "" });
    });

    test("a failing equals check exits 1 with a full report on stderr", () => {
        const check = make({ command: "echo goodbye", expect: { kind: "equals", value: "hello" } });
        const r = run(check);
        expectFailureReport(check, r, "goodbye");
        expect(r.stdout).toBe("");
    });

    test("containsAll passes when every string appears and fails when one is missing", () => {
        const command = "echo alpha beta; echo gamma";
        const ok = run(make({ command, expect: { kind: "containsAll", values: ["alpha", "gamma", "a b"] } }));
        expect(ok.status).toBe(0);
        expect(ok.stdout).toBe(`${PASS_MARKER} t-check\nalpha beta\ngamma\n`);
        const bad = make({ command, expect: { kind: "containsAll", values: ["alpha", "delta"] } });
        expectFailureReport(bad, run(bad), "alpha beta");
    });

    test("matchesAll matches each pattern against a line of multi-line output", () => {
        const command = "printf 'first line\\nsecond: 42\\nthird\\n'";
        const ok = run(make({ command, expect: { kind: "matchesAll", patterns: ["^first line$", "^second: [0-9]+$", "^third$"] } }));
        expect(ok.status).toBe(0);
        expect(ok.stdout).toBe(`${PASS_MARKER} t-check\nfirst line\nsecond: 42\nthird\n`);
        // Both words are in the output, but on different lines: a per-line pattern must not match.
        const bad = make({ command, expect: { kind: "matchesAll", patterns: ["^first", "first.*third"] } });
        expectFailureReport(bad, run(bad), "second: 42");
    });

    test("sameOutputAs passes on identical output and fails, showing both, on different output", () => {
        const file = path.join(dir, "same.txt");
        fs.writeFileSync(file, "x\ny\n");
        const ok = run(make({ command: `cat '${file}'`, expect: { kind: "sameOutputAs", command: "printf 'x\\ny\\n'" } }));
        expect(ok).toEqual({ status: 0, stdout: `${PASS_MARKER} t-check\nx\ny\n`, stderr: "" });
        const bad = make({ command: `cat '${file}'`, expect: { kind: "sameOutputAs", command: "printf 'x\\nz\\n'" } });
        const r = run(bad);
        expectFailureReport(bad, r, "    y");
        expect(r.stderr).toContain("    z");
    });

    test("sameOutputAs fails when the reference command fails, even with equal output", () => {
        const check = make({ command: "echo same", expect: { kind: "sameOutputAs", command: "echo same; false" } });
        expect(run(check).status).toBe(1);
    });

    test("a command that prints the right text but exits non-zero fails", () => {
        const check = make({ command: "echo hello; exit 3", expect: { kind: "equals", value: "hello" } });
        const r = run(check);
        expectFailureReport(check, r, "hello");
        expect(r.stderr).toContain("exit status: 3");
    });

    test.each([
        ["passes", "echo ok", "ok", 0],
        ["fails", "echo ok", "not ok", 1],
        ["fails with an error", "false", "ok", 1],
    ])("cleanup runs when the check %s, silently", (label, command, value, status) => {
        const marker = path.join(dir, `cleaned-${label.replace(/\W+/g, "-")}`);
        const check = make({ command, expect: { kind: "equals", value }, cleanup: `echo CLEANUP-NOISE; echo oops >&2; touch '${marker}'` });
        const r = run(check);
        expect(r.status).toBe(status);
        expect(fs.existsSync(marker)).toBe(true);
        expect(r.stdout + r.stderr).not.toContain("CLEANUP-NOISE");
        expect(r.stdout + r.stderr).not.toContain("oops");
    });

    const tricky = `it's "quoted" $HOME \`echo hi\` back\\slash done!`;

    test("values with quotes, $HOME, backticks and backslashes are compared literally", () => {
        const file = path.join(dir, "tricky.txt");
        fs.writeFileSync(file, `${tricky}\n`);
        const command = `cat '${file}'`;
        for (const expect_ of [
            { kind: "equals", value: tricky },
            { kind: "containsAll", values: [tricky, "$HOME", "`echo hi`", "it's", '"quoted"'] },
        ] as Expectation[]) {
            const r = run(make({ command, expect: expect_ }));
            expect({ kind: expect_.kind, status: r.status, stderr: r.stderr }).toEqual({ kind: expect_.kind, status: 0, stderr: "" });
            expect(r.stdout).toBe(`${PASS_MARKER} t-check\n${tricky}\n`);
        }
    });

    test("an expected $HOME is not expanded, and the report shows values literally", () => {
        const home = process.env.HOME ?? "/root";
        const check = make({ command: 'echo "$HOME"', expect: { kind: "equals", value: tricky } });
        const r = run(check);
        expectFailureReport(check, r, home);
        expect(r.stderr).toContain("$HOME");
        expect(r.stderr).toContain("`echo hi`");
        const literal = make({ command: "echo '$HOME'", expect: { kind: "equals", value: "$HOME" } });
        expect(run(literal).status).toBe(0);
    });
});
