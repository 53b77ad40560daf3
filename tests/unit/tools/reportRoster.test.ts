import type { CheckResult } from "../../../engine";
import { buildClassSpec, buildLabSpec, labImageRef, labsOf, PASS_MARKER, type Spec } from "../../../lab";
import { renderReportHtml, renderReportMarkdown, type VerifyReport } from "../../../tools/report";
import { reportRoster } from "../../../tools/report/model";
import { labConfig } from "../../../tools/stack";

// The lab report of a class: a roster section (one row per student: result, URLs, containers,
// repository), each check named with its student, its command run against the student's own
// repository. A one-learner report has no roster.

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

/** A report of a class verified on made-up results: every check passes but `failing` (student/id). */
function classReport(spec: Spec, failing: string[] = []): VerifyReport {
    const classRef = `${spec.image.repository}@${DIGEST}`;
    const checks = labsOf(spec).flatMap((lab) =>
        lab.checks.map((check) => {
            const passed = !failing.includes(`${check.student}/${check.id}`);
            const result: CheckResult = {
                id: check.id,
                section: check.section,
                title: check.title.en,
                passed,
                status: passed ? 0 : 1,
                stdout: passed ? `${PASS_MARKER} ${check.id} for student ${check.student}\nok\n` : "",
                stderr: passed ? "" : `failure of ${check.student}/${check.id}\n`,
                durationMs: 10,
            };
            // As verify runs them: each student's checks against the class digest in the student's own repository.
            return { check, result, imageRef: labImageRef(lab, classRef) };
        }),
    );
    const passed = checks.filter((c) => c.result.passed).length;
    return {
        instance: spec.instance,
        startedAt: "2025-11-28T03:57:12.345Z",
        engine: "test engine",
        imageRef: classRef,
        passed,
        failed: checks.length - passed,
        durationMs: 1000,
        checks,
        spec,
    };
}

const spec = buildClassSpec(labConfig({ students: ["alice", "bob"], appPort: 9000, registryPort: 5000 }), {
    project: "docker-lab",
    stack: "dev",
    appDir: "app",
});
const report = classReport(spec, ["bob/02-http-1"]);

test("the roster has one row per student: result, URLs, containers, repository and the digest in their repository", () => {
    const n = spec.students[0].checks.length;
    expect(reportRoster(report)).toEqual([
        {
            student: "alice",
            urls: ["http://127.0.0.1:9000", "http://127.0.0.1:9001"],
            containers: ["docker-lab-dev-alice-app-0", "docker-lab-dev-alice-app-1"],
            repository: "localhost:5000/docker-lab-dev/alice/hellodocker",
            imageRef: `localhost:5000/docker-lab-dev/alice/hellodocker@${DIGEST}`,
            passed: n,
            failed: 0,
        },
        {
            student: "bob",
            urls: ["http://127.0.0.1:9002", "http://127.0.0.1:9003"],
            containers: ["docker-lab-dev-bob-app-0", "docker-lab-dev-bob-app-1"],
            repository: "localhost:5000/docker-lab-dev/bob/hellodocker",
            imageRef: `localhost:5000/docker-lab-dev/bob/hellodocker@${DIGEST}`,
            passed: n - 1,
            failed: 1,
        },
    ]);
});

test("a report of one student (verify --student) has that student's row only", () => {
    const bobOnly = { ...report, checks: report.checks.filter((v) => v.check.student === "bob") };
    expect(reportRoster(bobOnly).map((r) => r.student)).toEqual(["bob"]);
});

test("Markdown: a roster table, each check headed by its student, commands with the student's repository", () => {
    const md = renderReportMarkdown(report);
    expect(md).toContain("## Roster");
    expect(md).toContain("| student | result | app URLs | containers | repository |");
    const n = spec.students[0].checks.length;
    expect(md).toContain(
        `| bob | ✗ ${n - 1} of ${n} passed, 1 failed | \`http://127.0.0.1:9002\` \`http://127.0.0.1:9003\` | \`docker-lab-dev-bob-app-0\` \`docker-lab-dev-bob-app-1\` | \`localhost:5000/docker-lab-dev/bob/hellodocker\` |`,
    );
    expect(md).toContain("### ✗ bob: Replica 1 answers HTTP on its published port");
    expect(md).toContain(`docker history --no-trunc --format '{{.CreatedBy}}' localhost:5000/docker-lab-dev/alice/hellodocker@${DIGEST}`);
    expect(md).toContain("| App URLs | `http://127.0.0.1:9000` `http://127.0.0.1:9001` `http://127.0.0.1:9002` `http://127.0.0.1:9003` |");
});

test("HTML: a roster table, and each student's check with an id of its own", () => {
    const html = renderReportHtml(report);
    expect(html).toContain('<h2 id="roster-heading">Roster</h2>');
    expect(html).toContain('<tr data-student="bob" data-result="fail"><th scope="row">bob</th>');
    expect(html).toContain('<tr data-student="alice" data-result="pass">');
    expect(html).toContain('id="check-bob-02-http-1" data-check="02-http-1" data-student="bob" data-result="fail"');
    const ids = [...html.matchAll(/<article [^>]*id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(report.checks.length);
    expect(new Set(ids).size).toBe(ids.length);
});

test("a one-learner report has no roster", () => {
    const one = buildLabSpec(labConfig({}), { project: "docker-lab", stack: "dev", appDir: "app" });
    const r = classReport(one);
    expect(reportRoster(r)).toEqual([]);
    expect(renderReportMarkdown(r)).not.toContain("## Roster");
    expect(renderReportHtml(r)).not.toContain("roster-heading");
});
