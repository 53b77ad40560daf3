import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { docker, PROJECT_ROOT } from "../../engine";
import { exerciseCleanupCommand, exerciseLabel, exerciseProgressFile, exerciseWorkDir } from "../../lab";
import { type LiveLab, leftovers, provisionLab, removeLeftovers, teardownLab, waitHealthy } from "../../rig";
import { verifyLab } from "../../tools";
import { EXERCISE_EXIT, type ExerciseIo, exerciseCommand, exerciseLab } from "../../tools/exercise";
import { labSpec, replicasOf } from "../helpers/specs";
import { describeLive, liveImages } from "./engine";

// Every exercise on a real lab, through `npm run exercise`'s own code: its check fails before the
// reference solution, passes after it, and its reset leaves the engine as it was (no container,
// tag or file left; the lab still verifies). Then what a learner can break: a stopped replica and
// a deleted image tag are named by `check` and `verify` with their fix. Last, `reset` and the
// destroy-time cleanup remove every exercise object. Ports 47080-47081 and 47000, stack test-exercises.

const STACK = "test-exercises";

/** Runs a shell command in the project root and returns its status and output. */
function sh(command: string, env: Record<string, string> = {}): Promise<{ status: number; output: string }> {
    return new Promise((resolve) => {
        execFile("/bin/sh", ["-c", command], { cwd: PROJECT_ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
            resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
        );
    });
}

describeLive("exercises on a real lab", () => {
    const config = { ...liveImages(), appPort: "47080", registryPort: "47000" };
    const spec = labSpec(config, STACK);
    const lab = exerciseLab(STACK, config);
    const workDir = path.join(PROJECT_ROOT, exerciseWorkDir(STACK));
    const progressFile = path.join(PROJECT_ROOT, exerciseProgressFile(STACK));
    const args = ["--stack", STACK, "--config", JSON.stringify(config)];
    let live: LiveLab;

    /** `npm run exercise -- ARGV` in-process, with its output captured (no colours: not a terminal). */
    async function exercise(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
        let out = "";
        let err = "";
        const io: Partial<ExerciseIo> = {
            out: (t) => {
                out += t;
            },
            err: (t) => {
                err += t;
            },
            color: false,
            env: { LANG: "C.UTF-8" },
        };
        const code = await exerciseCommand([...argv, ...args], io);
        return { code, out, err };
    }

    /** Everything of this lab and its exercises on the engine and in the work folder. */
    async function snapshot(): Promise<Record<string, string[]>> {
        const lines = async (argv: string[]) => (await docker(argv)).stdout.split("\n").filter(Boolean).sort();
        const mine = (list: string[]) => list.filter((line) => line.includes(spec.instance));
        return {
            containers: mine(await lines(["ps", "--all", "--format", "{{.Names}} {{.State}} {{.Image}}"])),
            exerciseLabelled: await lines(["ps", "--all", "--quiet", "--filter", `label=${exerciseLabel(spec.instance)}`]),
            fromTheImage: await lines(["ps", "--all", "--filter", `ancestor=${live.imageRef}`, "--format", "{{.Names}} {{.State}}"]),
            images: mine(await lines(["image", "ls", "--all", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"])),
            exerciseImages: await lines(["image", "ls", "--all", "--quiet", "--filter", `label=${exerciseLabel(spec.instance)}`]),
            networks: mine(await lines(["network", "ls", "--format", "{{.Name}}"])),
            volumes: mine(await lines(["volume", "ls", "--format", "{{.Name}}"])),
            files: fs.existsSync(workDir) ? fs.readdirSync(workDir).sort() : [],
        };
    }

    const cleanFiles = () => {
        fs.rmSync(workDir, { recursive: true, force: true });
        fs.rmSync(progressFile, { force: true });
    };

    beforeAll(async () => {
        await sh(exerciseCleanupCommand(spec.instance));
        await removeLeftovers([spec]);
        cleanFiles();
        live = await provisionLab(spec);
        expect(lab.spec).toEqual(spec);
    });

    afterAll(async () => {
        await sh(exerciseCleanupCommand(spec.instance));
        await removeLeftovers([spec]);
        cleanFiles();
    });

    test.each(lab.exercises.map((e) => [e.id]))(
        "%s: fails before the solution, passes after it, and its reset leaves nothing",
        async (id) => {
            const before = await snapshot();

            const first = await exercise("check", id);
            expect(first.code).toBe(EXERCISE_EXIT.failed);
            expect(first.out).toMatch(new RegExp(`^✗ ${id.replace(/\./g, "\\.")} `));
            expect(first.out).toContain("\n  expected: ");
            expect(first.out).toContain("\n  seen: ");
            expect(first.out).toContain("\n  hint 1/");

            const solved = await exercise("solve", id);
            expect({ code: solved.code, out: solved.out }).toEqual({ code: EXERCISE_EXIT.ok, out: expect.stringContaining(`✓ ${id} `) });
            for (const step of lab.exercises.find((e) => e.id === id)!.solution) expect(solved.out).toContain(`$ ${step.command}\n`);

            const again = await exercise("check", id);
            expect({ code: again.code, out: again.out }).toEqual({ code: EXERCISE_EXIT.ok, out: expect.stringContaining(`✓ ${id} `) });
            expect((await exercise("list")).out).toMatch(new RegExp(`^ {2}✓ ${id.replace(/\./g, "\\.")} +done `, "m"));

            const reset = await exercise("reset", id);
            expect(reset.code).toBe(EXERCISE_EXIT.ok);
            expect(await snapshot()).toEqual(before);
            expect((await exercise("check", id)).code).toBe(EXERCISE_EXIT.failed);
            expect((await exercise("list")).out).toMatch(new RegExp(`^ {2}✗ ${id.replace(/\./g, "\\.")} +todo `, "m"));
        },
    );

    test("after every exercise was done and reset, the lab still verifies", async () => {
        const report = await verifyLab(spec, live.imageRef, { cwd: PROJECT_ROOT, engine: "live test engine" });
        expect(report.checks.filter((c) => !c.result.passed).map((c) => `${c.check.id}\n${c.result.stderr}`)).toEqual([]);
    });

    /** `npm run verify` on this lab, as a learner runs it. */
    function verifyScript(): { status: number | null; stdout: string; stderr: string } {
        return spawnSync(
            process.execPath,
            [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/verify.ts", ...args, "--no-report"],
            { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 240_000 },
        );
    }

    test("a stopped replica: check and verify name it and the one command that heals it; a docker start restores the lab too", async () => {
        const replica = replicasOf(spec)[1];
        await docker(["stop", "--time", "1", replica.name]);
        try {
            const check = await exercise("check", "02-head-tail");
            expect(check.code).toBe(EXERCISE_EXIT.labBroken);
            expect(check.out).toContain(`  - replica ${replica.name} is stopped (exited): restore it with LAB_STACK=${STACK} npm run up\n`);
            const zh = await exercise("check", "02-head-tail", "--lang", "zh");
            expect(zh.out).toContain(`副本容器 ${replica.name} 已停止（exited）：运行 LAB_STACK=${STACK} npm run up 恢复它\n`);
            const verify = verifyScript();
            expect(verify.status).toBe(1);
            expect(verify.stdout).toContain(`✗ the lab ${spec.instance} is broken`);
            expect(verify.stdout).toContain(
                `  - replica ${replica.name} is stopped (exited): restore it with LAB_STACK=${STACK} npm run up\n`,
            );
        } finally {
            await docker(["start", replica.name]);
            await waitHealthy(replica, spec.commandEnv);
        }
        expect((await exercise("check", "02-head-tail")).code).toBe(EXERCISE_EXIT.failed);
    });

    test("a deleted image tag: check and verify name it and the one command that heals it; a docker pull restores it too", async () => {
        expect((await docker(["image", "rm", "--force", spec.image.name])).status).toBe(0);
        try {
            const check = await exercise("check", "00-layers");
            expect(check.code).toBe(EXERCISE_EXIT.labBroken);
            expect(check.out).toContain(
                `  - the image tag ${spec.image.name} was deleted: get it back from the local registry with LAB_STACK=${STACK} npm run up\n`,
            );
            const verify = verifyScript();
            expect(verify.status).toBe(2);
            expect(verify.stdout).toContain(
                `  - the image tag ${spec.image.name} was deleted: get it back from the local registry with LAB_STACK=${STACK} npm run up\n`,
            );
        } finally {
            expect((await docker(["pull", spec.image.name])).status).toBe(0);
        }
        const report = await verifyLab(spec, live.imageRef, { cwd: PROJECT_ROOT, engine: "live test engine" });
        expect(report.failed).toBe(0);
    });

    test("reset with no id removes what several exercises left, and every exercise is todo again", async () => {
        const before = await snapshot();
        for (const id of ["00-kernel", "01.01-tag-push", "02-build", "02-run-port", "01.02-ps-file"]) {
            expect((await exercise("solve", id)).code).toBe(EXERCISE_EXIT.ok);
        }
        // A learner's docker run without --rm, from the lab's image.
        expect((await docker(["run", spec.image.name, "true"])).status).toBe(0);
        expect(await snapshot()).not.toEqual(before);
        const reset = await exercise("reset");
        expect(reset.code).toBe(EXERCISE_EXIT.ok);
        expect(reset.out).toContain("✓ reset every exercise");
        expect(await snapshot()).toEqual({ ...before, files: [] });
        expect(fs.readdirSync(workDir)).toEqual([]);
        expect((await exercise("list")).out).toContain(`· 0/${lab.exercises.length} done`);
    });

    test("down removes the exercise objects too: the exercise cleanup, then the lab's own image removal", async () => {
        const imageId = (await docker(["image", "inspect", "--format", "{{.Id}}", spec.image.name])).stdout.trim();
        for (const id of ["02-run-port", "02-build", "00-kernel"]) expect((await exercise("solve", id)).code).toBe(EXERCISE_EXIT.ok);
        // What pulumi destroy does: it deletes its own containers, network and volume (by id, not by label:
        // exercise containers carry docker-lab.instance too, from the image's labels); then the image command runs.
        const own = [spec.registry.container.name, ...replicasOf(spec).map((r) => r.name)];
        expect((await docker(["rm", "--force", "--volumes", ...own])).status).toBe(0);
        expect((await docker(["network", "rm", spec.network.name])).status).toBe(0);
        expect((await docker(["volume", "rm", spec.volume.name])).status).toBe(0);
        // An exercise container still runs from the lab's image: destroy's image command removes it first.
        expect((await snapshot()).exerciseLabelled).toHaveLength(2);
        expect((await docker(["image", "inspect", imageId])).status).toBe(0);
        expect(spec.image.removeCommand.startsWith(exerciseCleanupCommand(spec.instance))).toBe(true);
        const destroyed = await sh(spec.image.removeCommand, spec.commandEnv);
        expect(destroyed.status === 0 ? "exit 0" : destroyed.output).toBe("exit 0");
        expect(await leftovers(spec)).toEqual({ containers: [], networks: [], volumes: [], images: [], tags: [] });
        const s = await snapshot();
        expect({
            containers: s.containers,
            exerciseLabelled: s.exerciseLabelled,
            images: s.images,
            exerciseImages: s.exerciseImages,
        }).toEqual({
            containers: [],
            exerciseLabelled: [],
            images: [],
            exerciseImages: [],
        });
        await teardownLab(spec);
    });
});
