import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT, runCheck } from "../../../engine";
import {
    EXERCISE_LABEL,
    exerciseCleanupCommand,
    exerciseWorkDir,
    LABEL,
    labExercises,
    NOTES_SECTIONS,
    renderCheckScript,
    resolveCheck,
} from "../../../lab";
import { classSpec, labSpec, replicasOf } from "../../helpers/specs";
import { fakeDocker } from "./fakeDocker";

// The exercises as data: every notes section covered, both languages, a check the lab's own engine
// renders, a solution and a reset that touch only the exercises' own objects.

const stack = "unit-exercises";
const spec = labSpec({ appPort: "47080", registryPort: "47000" }, stack);
const exercises = labExercises(spec, stack);
const imageRef = `${spec.image.repository}@sha256:${"ab".repeat(32)}`;
const HAN = /[\u4e00-\u9fff]/;

describe("the exercises", () => {
    test("at least 12, with unique ids that start with their section, in the notes' order", () => {
        expect(exercises.length).toBeGreaterThanOrEqual(12);
        const ids = exercises.map((e) => e.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const e of exercises) expect(e.id.startsWith(`${e.section}-`)).toBe(true);
        const order = Object.keys(NOTES_SECTIONS);
        const sections = exercises.map((e) => order.indexOf(e.section));
        expect(sections).toEqual([...sections].sort((a, b) => a - b));
    });

    test("cover every section of the notes", () => {
        for (const section of Object.keys(NOTES_SECTIONS)) {
            expect({ section, count: exercises.filter((e) => e.section === section).length }).toEqual({
                section,
                count: expect.any(Number),
            });
            expect(exercises.some((e) => e.section === section)).toBe(true);
        }
    });

    test.each(exercises.map((e) => [e.id, e] as const))("%s: texts in Chinese and English, hints, a solution and a reset", (_id, e) => {
        for (const text of [e.title, e.instructions, e.expected, ...e.solution.map((s) => s.explain)]) {
            expect(text.zh).toMatch(HAN);
            expect(text.en).not.toMatch(HAN);
            expect(text.en.length).toBeGreaterThan(5);
        }
        // A hint is words in each language, or the same command in both.
        for (const hint of e.hints) {
            expect(hint.en).not.toMatch(HAN);
            if (!HAN.test(hint.zh)) expect(hint.zh).toBe(hint.en);
        }
        expect(HAN.test(e.hints[0].zh)).toBe(true);
        expect(e.heading).toBe(NOTES_SECTIONS[e.section]);
        expect(e.hints.length).toBeGreaterThanOrEqual(1);
        expect(e.solution.length).toBeGreaterThanOrEqual(1);
        expect(e.reset.length).toBeGreaterThanOrEqual(1);
        for (const file of e.files) expect(file.startsWith(`${exerciseWorkDir(stack)}/`)).toBe(true);
    });

    test.each(exercises.map((e) => [e.id, e] as const))(
        "%s: its check is a LessonCheck the lab's renderer turns into a script",
        (_id, e) => {
            expect(e.check.id).toBe(e.id);
            expect(e.check.section).toBe(e.section);
            expect(e.check.title.zh).toMatch(HAN);
            const script = renderCheckScript(resolveCheck(e.check, { imageRef }));
            expect(script).toContain(`# docker-lab lesson check ${e.id} (notes section ${e.section})`);
            expect(spawnSync("/bin/sh", ["-n", "-c", script]).status).toBe(0);
        },
    );

    test.each(exercises.map((e) => [e.id, e] as const))("%s: solution and reset commands are valid shell", (_id, e) => {
        for (const command of [...e.solution.map((s) => s.command), ...e.reset]) {
            expect({ command, status: spawnSync("/bin/sh", ["-n", "-c", command]).status }).toEqual({ command, status: 0 });
        }
    });

    test("resets and solutions never remove or stop what pulumi up manages", () => {
        const managed = [spec.registry.container.name, ...replicasOf(spec).map((r) => r.name), spec.network.name, spec.volume.name];
        const destructive = /docker (rm|rmi|stop|kill|image rm|container rm|network rm|volume rm|system prune)\b/;
        for (const e of exercises) {
            for (const command of [...e.reset, ...e.solution.map((s) => s.command)]) {
                if (!destructive.test(command)) continue;
                for (const name of managed) expect({ command, names: command.includes(name) }).toEqual({ command, names: false });
                expect({
                    command,
                    image: new RegExp(`docker (rmi|image rm) [^|;&]*${spec.image.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( |$)`).test(
                        command,
                    ),
                }).toEqual({
                    command,
                    image: false,
                });
            }
        }
    });

    test("exercise objects are named <instance>-ex-… and labelled docker-lab.exercise=<instance>", () => {
        const all = exercises.flatMap((e) => [e.instructions.en, ...e.solution.map((s) => s.command)]).join("\n");
        const names = [...all.matchAll(/--name '?([^ ']+)/g)].map((m) => m[1]);
        expect(names.length).toBeGreaterThanOrEqual(3);
        for (const name of names) expect(name.startsWith(`${spec.instance}-ex-`)).toBe(true);
        for (const e of exercises) {
            for (const s of e.solution) {
                if (/docker (run|build|create)\b/.test(s.command) && !s.command.includes("--rm")) {
                    expect(s.command).toContain(`--label ${EXERCISE_LABEL}=${spec.instance}`);
                }
            }
        }
    });

    test("two stacks' exercises share no object name, label, tag or file", () => {
        const other = labExercises(labSpec({ appPort: "47180", registryPort: "47100" }, "unit-other"), "unit-other");
        const words = (list: typeof exercises) =>
            new Set(
                list
                    .flatMap((e) => [...e.reset, ...e.files].join(" ").split(/[\s'"]+/))
                    .filter((w) => w.includes("docker-lab-") || w.startsWith(".docker-lab/")),
            );
        const mine = words(exercises);
        for (const w of words(other)) expect(mine.has(w)).toBe(false);
    });

    test("a class without --student, a wrong student, a one-learner lab with one and a lab of services are each refused with one clear line", () => {
        const seats = classSpec({ appPort: "47080", registryPort: "47000", mode: "seats", students: ["alice", "bob"] }, stack);
        expect(() => labExercises(seats, stack)).toThrow(
            `Lab ${seats.instance} is a class of 2 students: name whose exercises these are (--student alice)`,
        );
        expect(() => labExercises(seats, stack, "mallory")).toThrow(
            `There is no student "mallory" in the class ${seats.instance}; its students are: alice, bob`,
        );
        expect(() => labExercises(spec, stack, "alice")).toThrow(
            `The lab ${spec.instance} has no students, so there is no student "alice": leave out --student to do the exercises on this lab`,
        );
        const swarm = labSpec({ appPort: "47080", registryPort: "47000", mode: "swarm" }, stack);
        const services = `runs its app as swarm services, with no containers of its own: exercises run on a lab in mode containers or seats (npm run config -- set mode containers)`;
        expect(() => labExercises(swarm, stack)).toThrow(`Lab ${swarm.instance} ${services}`);
        const swarmClass = classSpec({ appPort: "47080", registryPort: "47000", mode: "swarm", students: ["alice"] }, stack);
        expect(() => labExercises(swarmClass, stack, "alice")).toThrow(`Lab ${swarmClass.instance} ${services}`);
    });

    test("a class sharing one engine: each student's exercises on this machine, in a folder of their own, their objects named for them", () => {
        const shared = classSpec({ appPort: "47080", registryPort: "47000", students: ["alice", "bob"] }, stack);
        const [alice, bob] = ["alice", "bob"].map((s) => labExercises(shared, stack, s));
        const words = (list: typeof exercises) => list.flatMap((e) => [...e.reset, ...e.files, e.check.command]).join(" ");
        expect(alice.map((e) => e.id)).toEqual(exercises.map((e) => e.id));
        for (const e of alice) for (const f of e.files) expect(f.startsWith(`${exerciseWorkDir(stack)}/alice/`)).toBe(true);
        expect(words(alice)).toContain(`${shared.instance}-alice-ex-`);
        expect(words(alice)).not.toContain(`${shared.instance}-bob-ex-`);
        expect(words(alice)).not.toContain(`${shared.instance}-ex-`);
        expect(words(bob)).toContain(`${shared.instance}-bob-ex-`);
        // The one check that looks for stray containers counts only those run from the student's own image by name.
        const runHead = alice.find((e) => e.id === "01.01-run-head");
        const aliceImage = shared.students[0].image.name;
        expect(runHead?.check.command).toContain(`-v own=${aliceImage} `);
        expect(exercises.find((e) => e.id === "01.01-run-head")?.check.command).not.toContain("-v own=");
    });

    test("a student's clean-up on a shared engine removes only what is named for them, never by the class's label", () => {
        const mine = exerciseCleanupCommand("docker-lab-x", "docker-lab-x-alice");
        expect(mine).toContain("awk -v p=docker-lab-x-alice-ex- ");
        expect(mine).not.toContain(`label=${EXERCISE_LABEL}`);
        expect(exerciseCleanupCommand("docker-lab-x")).toContain(`--filter label=${EXERCISE_LABEL}=docker-lab-x`);
    });
});

describe("a host-only exercise end to end (no engine needed): 02-head-tail", () => {
    const e = exercises.find((x) => x.id === "02-head-tail")!;
    const work = path.join(PROJECT_ROOT, exerciseWorkDir(stack));
    afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

    test("fails before the solution, passes after it, and its reset leaves no file", async () => {
        fs.mkdirSync(work, { recursive: true });
        const before = await runCheck(e.check, { imageRef }, { cwd: PROJECT_ROOT });
        expect(before.passed).toBe(false);
        for (const step of e.solution) expect(spawnSync("/bin/sh", ["-c", step.command], { cwd: PROJECT_ROOT }).status).toBe(0);
        const after = await runCheck(e.check, { imageRef }, { cwd: PROJECT_ROOT });
        expect(after.stderr).toBe("");
        expect(after.passed).toBe(true);
        for (const command of e.reset) expect(spawnSync("/bin/sh", ["-c", command], { cwd: PROJECT_ROOT }).status).toBe(0);
        expect(fs.readdirSync(work)).toEqual([]);
        expect((await runCheck(e.check, { imageRef }, { cwd: PROJECT_ROOT })).passed).toBe(false);
    });
});

describe("exerciseCleanupCommand (what pulumi destroy runs for the exercises)", () => {
    test("removes the containers labelled or named for this lab's exercises, then untags their names and removes labelled images", () => {
        const label = `label=${EXERCISE_LABEL}=docker-lab-dev`;
        const docker = fakeDocker([
            { pattern: `"ps -aq --filter ${label}"`, stdout: "c1\n" },
            {
                pattern: '"ps -a --format {{.ID}} {{.Names}}"',
                stdout: "c1 docker-lab-dev-ex-kernel\nc2 docker-lab-dev-app-0\nc3 docker-lab-devx-ex-web\nc4 docker-lab-dev-ex-web\nc5 other-docker-lab-dev-ex-x\n",
            },
            {
                pattern: '"image ls --format {{.Repository}}:{{.Tag}}"',
                stdout: "docker-lab-dev-ex-hellodocker:latest\nlocalhost:5000/docker-lab-dev/hellodocker:1.0.0\ndocker-lab-dev-ex-old:<none>\nnode:20\n",
            },
            { pattern: `"image ls -q --filter ${label}"`, stdout: "i1\ni1\n" },
        ]);
        try {
            const r = spawnSync("/bin/sh", ["-c", exerciseCleanupCommand("docker-lab-dev")], { encoding: "utf8", env: process.env });
            expect(r.stderr).toBe("");
            expect(r.status).toBe(0);
            const removals = docker.calls().filter((c) => c.startsWith("rm ") || c.startsWith("image rm "));
            expect(removals).toEqual(["rm -f -v c1 c4", "image rm docker-lab-dev-ex-hellodocker:latest", "image rm -f i1"]);
        } finally {
            docker.restore();
        }
    });

    test("does nothing, successfully, when there is nothing to remove", () => {
        const docker = fakeDocker([]);
        try {
            const r = spawnSync("/bin/sh", ["-c", exerciseCleanupCommand("docker-lab-dev")], { encoding: "utf8", env: process.env });
            expect(r.status).toBe(0);
            expect(docker.calls()).toHaveLength(4);
            expect(docker.calls().filter((c) => / rm |^rm /.test(c))).toEqual([]);
        } finally {
            docker.restore();
        }
    });

    test("never matches the lab's own managed label", () => {
        expect(exerciseCleanupCommand("docker-lab-dev")).not.toContain(LABEL.managed);
        expect(exerciseCleanupCommand("docker-lab-dev")).not.toContain(`${LABEL.instance}=`);
    });
});
