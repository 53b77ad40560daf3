import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type CheckResult, docker, PROJECT_ROOT } from "../../engine";
import { exerciseWorkDir, FAIL_MARKER, LABEL, PASS_MARKER } from "../../lab";
import { type LiveLab, leftovers, provisionLab, removeLeftovers, teardownLab } from "../../rig";
import { type VerifyReport, verifyLab } from "../../tools";
import {
    checkImage,
    type ExerciseLab,
    exerciseLab,
    findExercise,
    resetCommands,
    runCommands,
    runExerciseCheck,
} from "../../tools/exercise";
import { classSpec, replicasOf } from "../helpers/specs";
import { describeLive, liveImages } from "./engine";

// A class of three on the real engine, from the same spec the Pulumi program uses: one registry and
// one image build, and per student an isolated lab (network, repository, replicas, ports, checks).
// Stack test-class: app ports 19300.., registry 19299.

const STUDENTS = ["alice", "bob", "carol"];

/** Runs scripts/verify.ts as `npm run verify -- ARGS --json` does and parses its report. */
function runVerifyScript(args: string[]): { status: number | null; report: VerifyReport; stdout: string; stderr: string } {
    const out = spawnSync(
        process.execPath,
        [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/verify.ts", ...args, "--json", "--no-report"],
        { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 240_000 },
    );
    if (!out.stdout.trim().startsWith("{")) throw new Error(`verify printed no report (exit ${out.status}):\n${out.stderr}`);
    return { status: out.status, report: JSON.parse(out.stdout), stdout: out.stdout, stderr: out.stderr };
}

describeLive("a class of three provisioned from the spec on a real engine", () => {
    const config = { ...liveImages(), students: JSON.stringify(STUDENTS), appPort: "19300", registryPort: "19299" };
    const spec = classSpec(config, "test-class");
    let lab: LiveLab;
    const results: Record<string, CheckResult[]> = {};

    beforeAll(async () => {
        await removeLeftovers([spec]);
        lab = await provisionLab(spec);
        // Every student's checks at once, as pulumi up runs them: no student's checks may disturb another's.
        const reports = await Promise.all(
            lab.students.map((s) => verifyLab(s.spec, s.imageRef, { cwd: PROJECT_ROOT, engine: "live test engine" })),
        );
        for (const [i, report] of reports.entries()) results[STUDENTS[i]] = report.checks.map((c) => c.result);
    });

    afterAll(async () => {
        await removeLeftovers([spec]);
    });

    test("every replica of every student is running and healthy", async () => {
        const replicas = spec.students.flatMap((s) => replicasOf(s));
        expect(replicas).toHaveLength(STUDENTS.length * 2);
        for (const r of replicas) {
            const out = await docker(["inspect", "--format", "{{.State.Status}} {{.State.Health.Status}}", r.name]);
            expect({ name: r.name, state: out.stdout.trim() }).toEqual({ name: r.name, state: "running healthy" });
        }
    });

    test.each(STUDENTS)("every lesson check passes on %s's lab, each naming the student", (student) => {
        const own = results[student] ?? [];
        expect(own.filter((r) => !r.passed).map((r) => `${r.id}\n${r.stderr}`)).toEqual([]);
        expect(own).toHaveLength(spec.students[STUDENTS.indexOf(student)].checks.length);
        for (const r of own) expect(r.stdout.startsWith(`${PASS_MARKER} ${r.id} for student ${student}\n`)).toBe(true);
    });

    test("the image was built once: every student's repository holds the class digest", async () => {
        const digest = lab.imageRef.slice(lab.imageRef.indexOf("@"));
        expect(lab.students.map((s) => s.imageRef)).toEqual(spec.students.map((s) => `${s.image.repository}${digest}`));
        const catalog = (await (await fetch(`${spec.registry.url}/v2/_catalog`)).json()) as { repositories: string[] };
        expect(catalog.repositories).toEqual(expect.arrayContaining(spec.students.map((s) => s.image.registryPath)));
        for (const s of spec.students) {
            const image = await docker(["inspect", "--format", "{{.Config.Image}}", replicasOf(s)[0].name]);
            expect(image.stdout.trim()).toBe(`${s.image.repository}${digest}`);
        }
    });

    test("each student's objects carry their label, and only theirs", async () => {
        for (const s of spec.students) {
            const student = s.student?.name as string;
            const filters = ["--filter", `label=${LABEL.instance}=${spec.instance}`, "--filter", `label=${LABEL.student}=${student}`];
            const containers = await docker(["ps", "--all", ...filters, "--format", "{{.Names}}"]);
            expect(containers.stdout.split("\n").filter(Boolean).sort()).toEqual(
                replicasOf(s)
                    .map((r) => r.name)
                    .sort(),
            );
            const networks = await docker(["network", "ls", ...filters, "--format", "{{.Name}}"]);
            expect(networks.stdout.split("\n").filter(Boolean)).toEqual([s.network.name]);
            for (const r of replicasOf(s)) {
                const joined = await docker([
                    "inspect",
                    "--format",
                    "{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}",
                    r.name,
                ]);
                expect(joined.stdout.trim()).toBe(s.network.name);
            }
        }
    });

    test("each replica answers on its student's own ports with its own hostname", async () => {
        for (const s of spec.students) {
            for (const [i, url] of s.appUrls.entries()) {
                const body = (await (await fetch(`${url}/`)).json()) as Record<string, string>;
                expect(body).toMatchObject({ app: "hellodocker", lab: spec.instance, hostname: replicasOf(s)[i].hostname });
            }
        }
        const ports = spec.students.flatMap((s) => s.appUrls);
        expect(ports).toEqual([19300, 19301, 19302, 19303, 19304, 19305].map((p) => `http://127.0.0.1:${p}`));
    });

    test("students' networks are isolated: alice's replica reaches her other replica, not bob's", async () => {
        const [alice, bob] = spec.students;
        const ipOf = async (name: string) =>
            (await docker(["inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name])).stdout.trim();
        const reach = async (from: string, ip: string) =>
            (
                await docker([
                    "exec",
                    from,
                    "node",
                    "-e",
                    // A process-wide timer: a connect that is dropped never times out on its own for minutes.
                    `setTimeout(()=>{console.log('no answer: timeout');process.exit(0)},3000);require('http').get('http://${ip}:8080/healthz',r=>{console.log('reached '+r.statusCode);process.exit(0)}).on('error',e=>{console.log('no answer: '+e.code);process.exit(0)})`,
                ])
            ).stdout.trim();
        expect(await reach(replicasOf(alice)[0].name, await ipOf(replicasOf(alice)[1].name))).toBe("reached 200");
        expect(await reach(replicasOf(alice)[0].name, await ipOf(replicasOf(bob)[0].name))).toMatch(/^no answer/);
    });

    test("exercises on the shared engine are each student's own: alice's reset leaves bob's, and bob's stray container is not alice's", async () => {
        const [alice, bob] = ["alice", "bob"].map((student) => exerciseLab("test-class", config, PROJECT_ROOT, student));
        const check = async (lab: ExerciseLab, id: string) => {
            const image = await checkImage(lab);
            if (!("imageRef" in image)) throw new Error(`${lab.student}'s lab is not whole: ${JSON.stringify(image.damage)}`);
            return (await runExerciseCheck(lab, findExercise(lab, id), image.imageRef)).passed;
        };
        const solve = async (lab: ExerciseLab, id: string) => {
            const exercise = findExercise(lab, id);
            expect((await runCommands(lab, exercise.reset)).ok).toBe(true);
            const run = await runCommands(
                lab,
                exercise.solution.map((step) => step.command),
            );
            expect(run.results.map((r) => `${r.status} ${r.output}`).filter((r) => !r.startsWith("0 "))).toEqual([]);
        };
        try {
            for (const lab of [alice, bob]) await solve(lab, "00-kernel");
            expect([await check(alice, "00-kernel"), await check(bob, "00-kernel")]).toEqual([true, true]);
            expect((await runCommands(alice, resetCommands(alice))).ok).toBe(true);
            expect([await check(alice, "00-kernel"), await check(bob, "00-kernel")]).toEqual([false, true]);
            // Bob leaves a stopped container of his image behind; alice's one-shot exercise does not see it, bob's does.
            expect((await docker(["run", "--label", `${LABEL.student}=bob`, bob.lab.image.name, "true"])).status).toBe(0);
            for (const lab of [alice, bob]) await solve(lab, "01.01-run-head");
            expect((await docker(["run", "--label", `${LABEL.student}=bob`, bob.lab.image.name, "true"])).status).toBe(0);
            expect([await check(alice, "01.01-run-head"), await check(bob, "01.01-run-head")]).toEqual([true, false]);
        } finally {
            for (const lab of [alice, bob]) await runCommands(lab, resetCommands(lab));
            fs.rmSync(path.join(PROJECT_ROOT, exerciseWorkDir("test-class")), { recursive: true, force: true });
        }
        const strays = await docker([
            "ps",
            "-a",
            "--filter",
            `ancestor=${bob.lab.image.name}`,
            "--filter",
            "status=exited",
            "--format",
            "{{.Names}}",
        ]);
        expect(strays.stdout.trim()).toBe("");
    });

    test("npm run verify -- --student bob checks bob's lab only; a stopped replica of bob fails only bob's checks, naming him", async () => {
        const args = ["--stack", "test-class", "--config", JSON.stringify(config)];
        const bob = spec.students[1];
        const ok = runVerifyScript([...args, "--student", "bob"]);
        expect(ok.status).toBe(0);
        expect(new Set(ok.report.checks.map((c) => c.check.student))).toEqual(new Set(["bob"]));
        expect(ok.report.checks).toHaveLength(bob.checks.length);

        await docker(["stop", "--time", "1", replicasOf(bob)[1].name]);
        const all = runVerifyScript(args);
        expect(all.status).toBe(1);
        const failed = all.report.checks.filter((c) => !c.result.passed);
        expect(failed.map((c) => `${c.check.student}/${c.check.id}`).sort()).toEqual([
            "bob/01.02-container-ls",
            "bob/01.02-ps",
            "bob/02-http-1",
        ]);
        const ps = failed.find((c) => c.check.id === "01.02-ps");
        expect(ps?.result.stderr).toContain(
            `${FAIL_MARKER} 01.02-ps for student bob (notes section 01.02: docker ps lists every replica running and healthy)`,
        );
        // Every other check, alice's and carol's included, still passes.
        expect(all.report.passed).toBe(spec.students.reduce((n, s) => n + s.checks.length, 0) - 3);
    });

    test("teardown leaves no container, network, volume or image tag of the class", async () => {
        await teardownLab(spec);
        expect(await leftovers(spec)).toEqual({ containers: [], networks: [], volumes: [], images: [], tags: [] });
    });
});
