import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { exerciseProgressFile, exerciseWorkDir } from "../../../lab";
import { EXERCISE_EXIT, type ExerciseIo, exerciseCommand } from "../../../tools/exercise";
import { describeDamage, labDamage } from "../../../tools/labGuard";
import { labSpec, replicasOf } from "../../helpers/specs";
import { fakeDocker } from "./fakeDocker";

// npm run exercise without an engine: list and show never call docker; a corrupt progress file is
// reported in one line and rebuilt; check refuses a broken lab, naming what is broken and the fix.

const stack = "unit-cli";
const spec = labSpec({}, stack);

describe("exerciseCommand", () => {
    let root: string;
    let out: string;
    let err: string;
    let io: Partial<ExerciseIo>;
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-exercise-cli-"));
        out = "";
        err = "";
        io = {
            out: (t) => {
                out += t;
            },
            err: (t) => {
                err += t;
            },
            color: false,
            env: { LANG: "C.UTF-8" },
            root,
            now: () => new Date(0),
        };
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    test("list and show read only the exercises and the progress file: no docker call", async () => {
        const docker = fakeDocker([]);
        try {
            expect(await exerciseCommand(["--stack", stack], io)).toBe(EXERCISE_EXIT.ok);
            expect(out).toContain(`docker-lab exercises · lab ${spec.instance} · 0/`);
            expect(await exerciseCommand(["show", "02-build", "--stack", stack, "--lang", "zh"], io)).toBe(EXERCISE_EXIT.ok);
            expect(out).toContain("自己用 docker build -t 构建镜像");
            expect(out).toContain(`检查：npm run exercise -- check 02-build --stack ${stack}`);
            expect(docker.calls()).toEqual([]);
            expect(err).toBe("");
            // show makes the work folder, so the learner's > has somewhere to write.
            expect(fs.statSync(path.join(root, exerciseWorkDir(stack))).isDirectory()).toBe(true);
        } finally {
            docker.restore();
        }
    });

    test("a corrupt progress file: one line on stderr, rebuilt on disk, the list still shown, no docker call", async () => {
        const file = path.join(root, exerciseProgressFile(stack));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, '{"version":1,"stack":"unit-cli","exercises":{"00-kernel":{"done":tru');
        const docker = fakeDocker([]);
        try {
            expect(await exerciseCommand(["list", "--stack", stack], io)).toBe(EXERCISE_EXIT.ok);
        } finally {
            docker.restore();
        }
        expect(err.trimEnd().split("\n")).toHaveLength(1);
        expect(err).toMatch(
            /^progress file .*progress-unit-cli\.json was unreadable \(not valid JSON: .*\); started a new one \(the lab was not touched\)\n$/,
        );
        expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ version: 1, stack, exercises: {} });
        expect(out).toContain("○ 00-kernel");
        expect(docker.calls()).toEqual([]);
    });

    test("an unknown exercise is one error naming the id and the ones there are", async () => {
        await expect(exerciseCommand(["show", "01.02", "--stack", stack], io)).rejects.toThrow(
            /^No exercise "01\.02"; did you mean 01\.02-ps-file, 01\.02-exec-tail, 01\.02-rm\? \(npm run exercise lists them: 00-kernel, /,
        );
    });

    test("help prints the usage", async () => {
        expect(await exerciseCommand(["--help"], io)).toBe(EXERCISE_EXIT.ok);
        expect(out).toContain("usage: npm run exercise [-- COMMAND] [--lang zh|en] [--stack NAME] [--student NAME] [--config JSON]");
        expect(out).toContain("--student NAME in a class of seats: that student's exercises, checked in their workstation");
    });

    test("check on a broken lab runs no check: it names what is broken and how to restore it (exit 3)", async () => {
        const [r0, r1] = replicasOf(spec);
        const docker = fakeDocker([
            { pattern: "ps*", stdout: `${spec.registry.container.name}\trunning\n${r0.name}\texited\n` },
            { pattern: "network*", stdout: `${spec.network.name}\n` },
            { pattern: "image*", stderr: `Error: No such image: ${spec.image.name}\n`, status: 1 },
        ]);
        try {
            expect(await exerciseCommand(["check", "00-kernel", "--stack", stack], io)).toBe(EXERCISE_EXIT.labBroken);
        } finally {
            docker.restore();
        }
        expect(out.split("\n")).toEqual([
            `✗ the lab ${spec.instance} is broken: objects that pulumi up manages are not as it left them:`,
            `  - replica ${r0.name} is stopped (exited): restore it with LAB_STACK=${stack} npm run up`,
            `  - replica ${r1.name} was removed: restore it with LAB_STACK=${stack} npm run up`,
            `  - the image tag ${spec.image.name} was deleted: get it back from the local registry with LAB_STACK=${stack} npm run up`,
            "  exercises need the lab whole: restore it, then check again",
            "",
        ]);
        expect(fs.existsSync(path.join(root, exerciseProgressFile(stack)))).toBe(false);
    });
});

describe("the lab guard", () => {
    test("a whole lab has no damage; the engine is asked once for containers and once for the tag", async () => {
        const docker = fakeDocker([
            {
                pattern: "ps*",
                stdout: [spec.registry.container, ...replicasOf(spec)].map((c) => `${c.name}\trunning`).join("\n"),
            },
            { pattern: "network*", stdout: `${spec.network.name}\n` },
            { pattern: "image*", stdout: "sha256:abc\n" },
        ]);
        try {
            expect(await labDamage(spec)).toEqual([]);
            expect(docker.calls()).toEqual([
                `ps --all --filter label=docker-lab.instance=${spec.instance} --format {{.Names}}\t{{.State}}`,
                `network ls --filter label=docker-lab.instance=${spec.instance} --format {{.Name}}`,
                `image inspect --format {{.Id}} ${spec.image.name}`,
            ]);
        } finally {
            docker.restore();
        }
    });

    test("an engine that does not answer is an error, not damage", async () => {
        const docker = fakeDocker([
            {
                pattern: "*",
                stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
                status: 1,
            },
        ]);
        try {
            await expect(labDamage(spec)).rejects.toThrow(/Docker engine not reachable/);
        } finally {
            docker.restore();
        }
    });

    test("each kind of damage in Chinese, with the default stack's plain npm run up", () => {
        const dev = "dev";
        expect(describeDamage({ kind: "stopped", role: "registry", name: "r", state: "exited" }, dev, "zh")).toBe(
            "仓库容器 r 已停止（exited）：运行 npm run up 恢复它",
        );
        expect(describeDamage({ kind: "missing", role: "replica", name: "a" }, dev, "zh")).toBe(
            "副本容器 a 被删除了：运行 npm run up 恢复它",
        );
        expect(describeDamage({ kind: "image-tag-missing", image: "i:1" }, dev, "zh")).toBe(
            "镜像标签 i:1 被删除了：运行 npm run up 从本地仓库取回它",
        );
    });
});
