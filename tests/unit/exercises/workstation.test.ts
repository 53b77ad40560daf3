import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../../engine";
import {
    APP_CONTAINER_PORT,
    type ClassSpec,
    exerciseProgressFile,
    exerciseSheet,
    exerciseSite,
    hostWorkplace,
    labExercises,
    seatsApp,
} from "../../../lab";
import {
    EXERCISE_EXIT,
    type ExerciseIo,
    exerciseCommand,
    exerciseLab,
    loadProgress,
    resetCommands,
    runCommands,
    runExerciseCheck,
    saveProgress,
} from "../../../tools/exercise";
import { labDamage } from "../../../tools/labGuard";
import { classSpec, labSpec } from "../../helpers/specs";
import { fakeDocker } from "./fakeDocker";

// A student's exercises in a class of seats are done in their workstation: the exercises name its
// paths and addresses (the work folder in the home, the app's source there, the registry by its name
// on the seat's network, ports published on the seat's address), and the tool runs every check,
// solution and reset there with `docker exec`, as the student, through the same check engine.
// Here a stand-in `docker` runs what `docker exec` is given in a temporary home, so a whole exercise
// runs for real without an engine.

const stack = "unit-seat-exercises";
const config = { mode: "seats", appPort: "47280", registryPort: "47200", students: ["alice", "bob"] };
const cls: ClassSpec = classSpec(config, stack);
const aliceLab = cls.students[0];
const { seat, workstation } = seatsApp(aliceLab.app);
const alice = exerciseSite(cls, stack, "alice");
const byId = (id: string) => {
    const found = alice.exercises.find((e) => e.id === id);
    if (!found) throw new Error(`no exercise ${id}`);
    return found;
};

describe("a student's workplace in a class of seats", () => {
    test("is their workstation, as the student, from their home: the work folder and the app there, the registry and ports as the seat network has them", () => {
        expect(alice.lab).toBe(aliceLab);
        expect(alice.place).toEqual({
            workDir: "work",
            appDir: "app",
            registryUrl: `http://${seat.registryServer}`,
            publishAddress: seat.address,
            container: { name: workstation.name, user: "1000:1000", home: "/home/student" },
        });
        expect(`${alice.place.container?.home}/${alice.place.workDir}`).toBe(workstation.workDir);
        expect(`${alice.place.container?.home}/${alice.place.appDir}`).toBe(workstation.appDir);
    });

    test("the same exercises as the one learner's, with every file in the workstation's work folder and nothing of this machine's", () => {
        const one = labExercises(labSpec({ appPort: "47280", registryPort: "47200" }, stack), stack);
        expect(alice.exercises.map((e) => e.id)).toEqual(one.map((e) => e.id));
        for (const e of alice.exercises) for (const file of e.files) expect(file).toMatch(/^work\/[\w.-]+$/);
        const text = JSON.stringify(alice.exercises);
        expect(text).not.toContain(".docker-lab/");
        expect(text).not.toContain("127.0.0.1");
        expect(text).not.toContain(cls.registry.url);
    });

    test("its image names, registry URL, build context and published address are the seat's", () => {
        expect(byId("01.01-run-head").instructions.en).toContain(aliceLab.image.name);
        expect(byId("01.03-catalog").solution[0].command).toBe(`curl -s http://${seat.registryServer}/v2/_catalog > work/registry.txt`);
        expect(aliceLab.image.name.startsWith(`${seat.registryServer}/`)).toBe(true);
        expect(byId("01.01-tag-push").check.command).toContain(
            ` http://${seat.registryServer}/v2/${aliceLab.image.registryPath}/manifests/v2 `,
        );
        expect(
            byId("02-build").solution[0].command.startsWith(`cd app && docker build --build-arg BASE_IMAGE=${seat.registryServer}/`),
        ).toBe(true);
        expect(byId("02-build").solution[0].command).toContain(` BASE_IMAGE=${aliceLab.image.buildArgs.BASE_IMAGE} `);
        expect(byId("02-run-port").solution[0].command).toContain(` -p ${seat.address}::${APP_CONTAINER_PORT} `);
        expect(byId("02-head-tail").check.expect).toEqual({
            kind: "sameOutputAs",
            command: "head -n 2 app/package.json && tail -n 2 app/package.json",
        });
    });

    test("bob's are his: his workstation and seat address, the same folders", () => {
        const bob = exerciseSite(cls, stack, "bob");
        const bobApp = seatsApp(cls.students[1].app);
        expect(bob.place.container?.name).toBe(bobApp.workstation.name);
        expect(bob.place.publishAddress).toBe(bobApp.seat.address);
        expect(bob.place.container?.name).not.toBe(workstation.name);
        expect(bob.place.publishAddress).not.toBe(seat.address);
    });

    test("her workstation's EXERCISES.md: every exercise as she does it there, in both languages, with no hint given away", () => {
        const sheet = exerciseSheet("alice", alice.exercises);
        expect(sheet.startsWith("# docker-lab: alice's exercises\n")).toBe(true);
        expect(sheet).toContain("check it with: npm run exercise -- check ID --student alice\n");
        for (const e of alice.exercises) {
            expect(sheet).toContain(`\n### ${e.id}: ${e.title.zh} / ${e.title.en}\n\n${e.instructions.zh}\n\n${e.instructions.en}\n`);
            expect(sheet).toContain(`\n- expected: ${e.expected.en}\n`);
            expect(sheet).not.toContain(e.hints[e.hints.length - 1].en);
        }
        for (const heading of new Set(alice.exercises.map((e) => e.heading))) expect(sheet).toContain(`\n## ${heading}\n`);
        expect(sheet).toContain(` -p ${seat.address}::${APP_CONTAINER_PORT} `);
    });

    test("the one learner's workplace stays this machine's project root", () => {
        const lab = labSpec({ appPort: "47280", registryPort: "47200" }, stack);
        expect(hostWorkplace(lab, stack)).toEqual({
            workDir: `.docker-lab/exercises/${stack}`,
            appDir: "app",
            registryUrl: lab.registry.url,
            publishAddress: "127.0.0.1",
        });
        expect(exerciseSite(lab, stack).place.container).toBeUndefined();
    });
});

/**
 * A `docker` stand-in: `docker exec --user U --workdir W NAME /bin/sh -c SCRIPT` runs SCRIPT in
 * `<root>W` (a temporary folder standing for the workstation's root). Every call from this process
 * is logged in `calls`, and each docker command that a script run there starts in `inside`.
 */
function fakeWorkstation(): { root: string; home: string; calls: () => string[][]; inside: () => string[][]; restore: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-fake-workstation-"));
    const root = path.join(dir, "root");
    const home = path.join(root, "home", "student");
    fs.mkdirSync(path.join(home, "app"), { recursive: true });
    for (const file of fs.readdirSync(path.join(PROJECT_ROOT, "app"))) {
        fs.copyFileSync(path.join(PROJECT_ROOT, "app", file), path.join(home, "app", file));
    }
    const log = path.join(dir, "calls.log");
    const insideLog = path.join(dir, "inside.log");
    fs.writeFileSync(
        path.join(dir, "docker"),
        [
            "#!/bin/sh",
            `log='${log}'; [ -z "$IN_WORKSTATION" ] || log='${insideLog}'`,
            `for a in "$@"; do printf '%s\\037' "$a"; done >> "$log"; printf '\\036' >> "$log"`,
            '[ -z "$IN_WORKSTATION" ] && [ "$1" = exec ] && [ "$2" = --user ] && [ "$4" = --workdir ] || exit 0',
            "workdir=$5; shift 6",
            `cd '${root}'"$workdir" && IN_WORKSTATION=1 exec "$@"`,
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
    const saved = process.env.PATH;
    process.env.PATH = `${dir}${path.delimiter}${saved}`;
    const read = (file: string) =>
        fs.existsSync(file)
            ? fs
                  .readFileSync(file, "utf8")
                  .split("\x1e")
                  .filter(Boolean)
                  .map((call) => call.split("\x1f").slice(0, -1))
            : [];
    return {
        root,
        home,
        calls: () => read(log),
        inside: () => read(insideLog),
        restore: () => {
            process.env.PATH = saved;
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

describe("the lab guard of a student's exercises", () => {
    test("looks at the class's part and that student's seat and workstation only: bob's stopped workstation stops bob, not alice", async () => {
        const bob = seatsApp(cls.students[1].app);
        const running = [cls.registry.container.name, seat.name, workstation.name, bob.seat.name].map((n) => `${n}\trunning`);
        const docker = fakeDocker([
            { pattern: "ps*", stdout: [...running, `${bob.workstation.name}\texited`].join("\n") },
            { pattern: "network*", stdout: [cls.network.name, seat.network.name, bob.seat.network.name].join("\n") },
            { pattern: "image*", stdout: "sha256:abc\n" },
        ]);
        try {
            expect(await labDamage(cls, [aliceLab])).toEqual([]);
            expect(await labDamage(cls, [cls.students[1]])).toEqual([
                { kind: "stopped", role: "workstation", name: bob.workstation.name, state: "exited" },
            ]);
            expect(await labDamage(cls)).toEqual([{ kind: "stopped", role: "workstation", name: bob.workstation.name, state: "exited" }]);
        } finally {
            docker.restore();
        }
    });
});

describe("an exercise done in alice's workstation, end to end (a stand-in docker exec): 02-head-tail", () => {
    let projectRoot: string;
    let fake: ReturnType<typeof fakeWorkstation>;
    beforeEach(() => {
        projectRoot = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-seat-exercise-"));
        fake = fakeWorkstation();
    });
    afterEach(() => {
        fake.restore();
        fs.rmSync(projectRoot, { recursive: true, force: true });
    });

    test("fails before the solution, passes after it, and a reset empties her work folder; every command ran in her workstation as her", async () => {
        const lab = exerciseLab(stack, config, projectRoot, "alice");
        const e = lab.exercises.find((x) => x.id === "02-head-tail")!;
        const imageRef = `${aliceLab.image.repository}@sha256:${"ab".repeat(32)}`;
        const before = await runExerciseCheck(lab, e, imageRef);
        expect(before.passed).toBe(false);
        expect(before.stderr).toContain("package-ends.txt");

        const solved = await runCommands(
            lab,
            e.solution.map((s) => s.command),
        );
        expect(solved.results.map((r) => r.status)).toEqual(e.solution.map(() => 0));
        const ends = fs.readFileSync(path.join(fake.home, "work", "package-ends.txt"), "utf8").split("\n");
        const pkg = fs
            .readFileSync(path.join(fake.home, "app", "package.json"), "utf8")
            .trimEnd()
            .split("\n");
        expect(ends.slice(0, 4)).toEqual([...pkg.slice(0, 2), ...pkg.slice(-2)]);

        const after = await runExerciseCheck(lab, e, imageRef);
        expect({ passed: after.passed, stderr: after.stderr }).toEqual({ passed: true, stderr: "" });

        const reset = await runCommands(lab, resetCommands(lab));
        expect(reset.ok).toBe(true);
        expect(fs.readdirSync(path.join(fake.home, "work"))).toEqual([]);

        const calls = fake.calls();
        expect(calls.length).toBeGreaterThan(0);
        for (const call of calls) {
            expect(call.slice(0, 8)).toEqual([
                "exec",
                "--user",
                "1000:1000",
                "--workdir",
                "/home/student",
                workstation.name,
                "/bin/sh",
                "-c",
            ]);
        }
        // The resets' own docker commands ran in her workstation, against her seat (the exercise's container, the class's cleanup).
        expect(fake.inside()).toContainEqual(["container", "inspect", `${cls.instance}-ex-kernel`]);
        // Nothing of the exercise on this machine: no work folder in the project.
        expect(fs.readdirSync(projectRoot)).toEqual([]);
    });

    test("npm run exercise -- --student alice: her progress in a file of her own; show names her workstation and repeats --student", async () => {
        let out = "";
        const io: Partial<ExerciseIo> = {
            out: (t) => {
                out += t;
            },
            err: (t) => {
                throw new Error(`unexpected stderr: ${t}`);
            },
            color: false,
            env: { LANG: "C.UTF-8" },
            root: projectRoot,
            now: () => new Date(0),
        };
        const args = ["--stack", stack, "--config", JSON.stringify(config), "--student", "alice"];
        expect(await exerciseCommand(["list", ...args], io)).toBe(EXERCISE_EXIT.ok);
        expect(out.split("\n")[0]).toBe(`docker-lab exercises · lab ${cls.instance} · alice · 0/${alice.exercises.length} done`);
        expect(out).toContain(`next: npm run exercise -- show 00-kernel --stack ${stack} --student alice`);
        expect(fake.calls()).toEqual([]);

        out = "";
        expect(await exerciseCommand(["show", "02-head-tail", ...args], io)).toBe(EXERCISE_EXIT.ok);
        expect(out).toContain("your files go in: work/ (in your workstation: /home/student; npm run seat -- shell alice)\n");
        expect(out).toContain(`check: npm run exercise -- check 02-head-tail --stack ${stack} --student alice\n`);
        // show makes the work folder in her workstation, so her > has somewhere to write.
        expect(fake.calls().map((c) => c.slice(-1)[0])).toEqual(["mkdir -p work"]);
        expect(fs.statSync(path.join(fake.home, "work")).isDirectory()).toBe(true);

        out = "";
        expect(await exerciseCommand(["show", "02-head-tail", ...args, "--lang", "zh"], io)).toBe(EXERCISE_EXIT.ok);
        expect(out).toContain("你的文件放在：work/（在你的工作站里：/home/student；npm run seat -- shell alice）\n");

        const file = path.join(projectRoot, exerciseProgressFile(stack, "alice"));
        expect(file).toBe(path.join(projectRoot, ".docker-lab", `progress-${stack}`, "alice.json"));
        expect(exerciseProgressFile(stack)).toBe(`.docker-lab/progress-${stack}.json`);
    });

    test("a progress file of bob's in alice's place is reported in one line and started afresh as hers", () => {
        const file = path.join(projectRoot, exerciseProgressFile(stack, "alice"));
        saveProgress(file, { version: 1, stack, student: "bob", exercises: {} });
        const loaded = loadProgress(file, stack, "alice");
        expect(loaded.problem).toBe(
            `progress file ${file} was unreadable (it belongs to student "bob"); started a new one (the lab was not touched)`,
        );
        expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ version: 1, stack, student: "alice", exercises: {} });
        saveProgress(file, { version: 1, stack, exercises: {} });
        expect(loadProgress(file, stack, "alice").problem).toContain("(it is not a student's)");
        saveProgress(file, { version: 1, stack, exercises: {} });
        expect(loadProgress(file, stack).problem).toBeUndefined();
    });
});
