import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// scripts/lint-dockerfile.sh with stand-in linters (LINT_BIN): it prints each linter's version and
// findings, runs both even when the first finds something, and exits 1 on any finding.

const ROOT = path.join(__dirname, "..", "..");
let bin: string;

/** A stand-in linter: prints its version, records its arguments, and reports $FAKE_<NAME> as a finding. */
function fakeLinter(name: string, version: string): void {
    const variable = `FAKE_${name.toUpperCase()}`;
    const script = [
        "#!/bin/sh",
        `if [ "$1" = --version ]; then echo '${version}'; exit 0; fi`,
        `echo "${name} called with: $*"`,
        `if [ -n "$${variable}" ]; then echo "$${variable}"; exit 1; fi`,
    ].join("\n");
    fs.writeFileSync(path.join(bin, name), `${script}\n`, { mode: 0o755 });
}

beforeAll(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), "lint-dockerfile-test-"));
    fakeLinter("hadolint", "Haskell Dockerfile Linter 9.9.1");
    fakeLinter("checkov", "9.9.2");
});

afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

function lint(findings: { FAKE_HADOLINT?: string; FAKE_CHECKOV?: string } = {}) {
    const env = { PATH: process.env.PATH ?? "", LINT_BIN: bin, ...findings };
    const run = spawnSync("bash", [path.join(ROOT, "scripts", "lint-dockerfile.sh")], { env, encoding: "utf8", timeout: 30_000 });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test("no findings: both versions printed, the exceptions shown, exit 0", () => {
    const run = lint();
    expect(run.stdout).toContain("==> hadolint: Haskell Dockerfile Linter 9.9.1");
    expect(run.stdout).toContain("hadolint called with: --config .hadolint.yaml app/Dockerfile");
    expect(run.stdout).toContain("==> checkov 9.9.2");
    expect(run.stdout).toMatch(/checkov called with: --skip-download --framework dockerfile --file app\/Dockerfile/);
    expect(run.stdout).toMatch(/^app\/Dockerfile:\d+:# checkov:skip=CKV_DOCKER_7/m);
    expect(run.stdout).toContain("==> no findings");
    expect(run.status).toBe(0);
});

test("a hadolint finding fails the run, and Checkov still runs and reports", () => {
    const run = lint({ FAKE_HADOLINT: "app/Dockerfile:3 DL3000 error: use absolute WORKDIR", FAKE_CHECKOV: "CKV_DOCKER_2 FAILED" });
    expect(run.stdout).toContain("DL3000 error: use absolute WORKDIR");
    expect(run.stdout).toContain("CKV_DOCKER_2 FAILED");
    expect(run.stderr).toContain("findings above");
    expect(run.status).toBe(1);
});

test("a Checkov finding alone fails the run", () => {
    const run = lint({ FAKE_CHECKOV: "Check: CKV_DOCKER_3 FAILED for resource: app/Dockerfile" });
    expect(run.stdout).toContain("CKV_DOCKER_3 FAILED");
    expect(run.status).toBe(1);
});
