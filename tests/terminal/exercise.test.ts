import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../engine";
import { exerciseCleanupCommand, exerciseProgressFile, exerciseWorkDir, labExercises } from "../../lab";
import { provisionLab, removeLeftovers } from "../../rig";
import { labSpec, replicasOf } from "../helpers/specs";
import { gate } from "../helpers/suiteGate";
import { ENGINE_VERSION, liveImages } from "../live/engine";
import { Tmux } from "./tmux";

// `npm run exercise` as a learner uses it, in a real pseudo-terminal (Debian's tmux): list the
// exercises, read one in Chinese, fail its check (a red ✗ and a hint), solve it by typing the
// commands, pass it (a green ✓), and see the progress marks move. Without colours (NO_COLOR, or
// output into a pipe) not one escape code. The lab: stack test-exercises-tty, ports 47082 and 47001.

const TMUX = Tmux.available();
const describeTerminal = gate(
    "terminal suite",
    TMUX && Boolean(ENGINE_VERSION),
    TMUX ? `no Docker engine answers at ${process.env.DOCKER_HOST || "the default socket"}` : "tmux is missing",
    TMUX ? "start one: bash scripts/engine.sh up" : "install Debian's tmux: apt-get install tmux",
);

const STACK = "test-exercises-tty";
/** The escape character: every colour code starts with it and `[`. */
const E = String.fromCharCode(27);
const ESC = `${E}[`;
/** An SGR colour code right before `text` (tmux writes `ESC[32m` for green, `ESC[31m` for red). */
const colored = (code: number, text: string) => new RegExp(`${E}\\[(?:[0-9;]*;)?${code}m${text}`);
/** The screen without escape codes. */
const plain = (screen: string) => screen.replace(new RegExp(`${E}\\[[0-9;]*m`, "g"), "");

describeTerminal("npm run exercise in a real terminal", () => {
    const config = { ...liveImages(), replicas: "1", appPort: "47082", registryPort: "47001" };
    const spec = labSpec(config, STACK);
    const total = labExercises(spec, STACK).length;
    const psFile = `${exerciseWorkDir(STACK)}/ps.txt`;
    const tmux = new Tmux(`docker-lab-terminal-${process.pid}`);
    // The learner's shell has the lab's options in $LAB (no spaces inside the JSON).
    const lab = `--stack ${STACK} --config ${JSON.stringify(config)}`;
    const clean = () => {
        spawnSync("/bin/sh", ["-c", exerciseCleanupCommand(spec.instance)], { cwd: PROJECT_ROOT, env: process.env });
        fs.rmSync(path.join(PROJECT_ROOT, exerciseWorkDir(STACK)), { recursive: true, force: true });
        fs.rmSync(path.join(PROJECT_ROOT, exerciseProgressFile(STACK)), { force: true });
    };

    beforeAll(async () => {
        clean();
        await removeLeftovers([spec]);
        await provisionLab(spec);
        const env: NodeJS.ProcessEnv = { ...process.env, LAB: lab, LANG: "C.UTF-8", TERM: "xterm-256color" };
        for (const key of ["NO_COLOR", "FORCE_COLOR", "LC_ALL", "LC_MESSAGES", "LAB_STACK"]) delete env[key];
        tmux.start(PROJECT_ROOT, env);
    });

    afterAll(async () => {
        tmux.kill();
        clean();
        await removeLeftovers([spec]);
    });

    test("the list: every exercise todo (○), the count in the header, the next step", () => {
        const screen = tmux.run("npm run exercise -- $LAB");
        const text = plain(screen);
        expect(text).toContain(`docker-lab exercises · lab ${spec.instance} · 0/${total} done`);
        expect(screen).toMatch(colored(1, "docker-lab exercises"));
        expect(screen).toMatch(colored(2, "○"));
        expect(text).toMatch(/^ {2}○ 01\.02-ps-file +todo {2}Write the output of docker ps to a file with >$/m);
        expect(text.match(/^ {2}○ /gm)).toHaveLength(total);
        expect(text).toContain("next: npm run exercise -- show 00-kernel --stack test-exercises-tty");
    });

    test("show, in Chinese from the locale (LANG=zh_CN.UTF-8)", () => {
        const screen = tmux.run("LANG=zh_CN.UTF-8 npm run exercise -- show 01.02-ps-file $LAB");
        const text = plain(screen);
        expect(text).toContain("01.02-ps-file · 笔记章节 01.02 容器 container");
        expect(text).toContain("用 > 把 docker ps 的输出写入文件");
        expect(text).toContain("状态：待做");
        expect(text).toContain(`用重定向 > 把它的输出写入文件 ${psFile}`);
        expect(text).toContain("检查：npm run exercise -- check 01.02-ps-file --stack test-exercises-tty");
    });

    test("the check fails before the work is done: a red ✗, expected, seen and the first hint", () => {
        const screen = tmux.run("npm run exercise -- check 01.02-ps-file $LAB");
        expect(screen).toMatch(colored(31, "✗"));
        const text = plain(screen);
        expect(text).toContain("✗ 01.02-ps-file  Write the output of docker ps to a file with >");
        expect(text).toContain(`  expected: ${psFile} holding docker ps's table`);
        expect(text).toMatch(/ {2}seen: .*(No such file|cannot open)/);
        expect(text).toContain("  hint 1/2: COMMAND > FILE writes the command's output into the file");
        expect(screen).toMatch(colored(33, "hint 1/2"));
        const list = tmux.run("npm run exercise -- $LAB");
        expect(list).toMatch(colored(31, "✗"));
        expect(plain(list)).toMatch(/^ {2}✗ 01\.02-ps-file +todo /m);
    });

    test("typing the commands solves it: the check passes with a green ✓ and the list shows it done", () => {
        const typed = tmux.run(`docker ps > ${psFile} && cat ${psFile}`);
        expect(typed).toContain("CONTAINER ID");
        expect(typed).toContain(replicasOf(spec)[0].name);
        const screen = tmux.run("npm run exercise -- check 01.02-ps-file $LAB");
        expect(screen).toMatch(colored(32, "✓"));
        expect(plain(screen)).toContain(`✓ 01.02-ps-file  Write the output of docker ps to a file with >  passed (1/${total} done)`);
        const list = tmux.run("npm run exercise -- $LAB");
        expect(plain(list)).toContain(`· 1/${total} done`);
        expect(list).toMatch(colored(32, "✓"));
        expect(list).toMatch(colored(32, "done"));
        expect(plain(list)).toMatch(/^ {2}✓ 01\.02-ps-file +done {2}/m);
        expect(plain(list).match(/^ {2}○ /gm)).toHaveLength(total - 1);
    });

    test("NO_COLOR=1 and a pipe: the same text, not one escape code", () => {
        const noColor = tmux.run("NO_COLOR=1 npm run exercise -- check 01.02-ps-file $LAB");
        expect(noColor).toContain(`✓ 01.02-ps-file  Write the output of docker ps to a file with >  passed (1/${total} done)`);
        expect(noColor).not.toContain(ESC);
        const piped = tmux.run("npm run exercise -- $LAB | cat");
        expect(piped).toContain(`  ✓ 01.02-ps-file  `);
        expect(piped).not.toContain(ESC);
        expect(tmux.run("NO_COLOR=1 npm run exercise -- $LAB")).not.toContain(ESC);
    });

    test("reset returns the exercise to todo and removes the file", () => {
        const screen = tmux.run("npm run exercise -- reset 01.02-ps-file $LAB");
        expect(screen).toMatch(colored(32, "✓"));
        expect(fs.existsSync(path.join(PROJECT_ROOT, psFile))).toBe(false);
        expect(plain(tmux.run("npm run exercise -- $LAB"))).toContain(`· 0/${total} done`);
    });
});
