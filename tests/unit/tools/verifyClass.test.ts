import type { CheckResult } from "../../../engine";
import { buildClassSpec, buildLabSpec, type ClassSpec, IMAGE_REF_PLACEHOLDER, type LabSpec, type LessonCheck } from "../../../lab";
import { labConfig } from "../../../tools/stack";
import { formatCheckLine, parseVerifyArgs, verifyHeading, verifyLab } from "../../../tools/verify";

// npm run verify on a class: every student's checks (each against the student's own repository),
// or one student's with --student; lines and headings name the student.

const DIGEST = `sha256:${"ab".repeat(32)}`;
const CTX = { project: "docker-lab", stack: "dev", appDir: "app" };
const build = (students: string[]): ClassSpec => buildClassSpec(labConfig({ students, appPort: 9000, registryPort: 5000 }), CTX);

/** The class with each student's checks swapped for two quick ones that print the image they got. */
function quickClass(students: string[]): ClassSpec {
    const spec = build(students);
    const quick = (lab: LabSpec): LessonCheck[] =>
        lab.checks.slice(0, 2).map((check) => ({
            ...check,
            command: `echo ${IMAGE_REF_PLACEHOLDER}`,
            expect: { kind: "equals", value: `${lab.image.repository}@${DIGEST}` },
            cleanup: undefined,
        }));
    return { ...spec, students: spec.students.map((lab) => ({ ...lab, checks: quick(lab) })) };
}

describe("npm run verify -- --student NAME", () => {
    test("--student is parsed; without it every student is verified", () => {
        expect(parseVerifyArgs(["--student", "bob"], {})).toEqual({ stack: "dev", json: false, report: true, student: "bob" });
        expect(parseVerifyArgs([], {}).student).toBeUndefined();
        expect(() => parseVerifyArgs(["--pupil", "bob"], {})).toThrow(/^unknown option "--pupil": use --stack NAME, --student NAME/);
    });

    test("verifyLab runs every student's checks against the class digest in the student's own repository, in class order", async () => {
        const spec = quickClass(["alice", "bob", "carol"]);
        const seen: string[] = [];
        const report = await verifyLab(spec, `${spec.image.repository}@${DIGEST}`, {
            cwd: process.cwd(),
            engine: "test",
            onResult: (v) => seen.push(`${v.check.student}/${v.check.id}`),
        });
        expect(report.checks.map((v) => `${v.check.student}/${v.check.id}`)).toEqual(
            spec.students.flatMap((lab) => lab.checks.map((c) => `${lab.student?.name}/${c.id}`)),
        );
        expect(report.checks.filter((v) => !v.result.passed).map((v) => v.result.stderr)).toEqual([]);
        expect([...seen].sort()).toEqual(report.checks.map((v) => `${v.check.student}/${v.check.id}`).sort());
        expect(report.passed).toBe(6);
    });

    test("with a student, only that student's checks run; an unknown student names the class's students", async () => {
        const spec = quickClass(["alice", "bob"]);
        const ref = `${spec.image.repository}@${DIGEST}`;
        const report = await verifyLab(spec, ref, { cwd: process.cwd(), engine: "test", student: "bob" });
        expect(report.checks.map((v) => v.check.student)).toEqual(["bob", "bob"]);
        await expect(verifyLab(spec, ref, { cwd: process.cwd(), engine: "test", student: "dave" })).rejects.toThrow(
            'There is no student "dave" in the class docker-lab-dev; its students are: alice, bob',
        );
    });

    test("the heading says lab, class or student, with the number of checks and the image", () => {
        const spec = build(["alice", "bob"]);
        const ref = `${spec.image.repository}@${DIGEST}`;
        const n = spec.students[0].checks.length;
        expect(verifyHeading(spec, ref)).toBe(`verifying class docker-lab-dev: 2 students (${2 * n} checks) against ${ref}`);
        expect(verifyHeading(spec, ref, "bob")).toBe(
            `verifying bob's lab in class docker-lab-dev (${n} checks) against localhost:5000/docker-lab-dev/bob/hellodocker@${DIGEST}`,
        );
        const one = buildLabSpec(labConfig({ appPort: 9000, registryPort: 5000 }), CTX);
        expect(verifyHeading(one, ref)).toBe(`verifying lab docker-lab-dev (${one.checks.length} checks) against ${ref}`);
    });

    test("a check's line names its student", () => {
        const check = { section: "02", title: { en: "Replica 1 answers HTTP on its published port" }, student: "bob" } as LessonCheck;
        expect(formatCheckLine({ check, result: { passed: false, durationMs: 30 } as CheckResult, imageRef: "" })).toBe(
            "✗ 02    bob: Replica 1 answers HTTP on its published port (30 ms)",
        );
    });
});
