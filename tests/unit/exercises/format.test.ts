import { spawnSync } from "node:child_process";
import { labExercises, NOTES_SECTIONS, renderCheckScript, resolveCheck } from "../../../lab";
import {
    colorEnabled,
    displayWidth,
    emptyProgress,
    hintFor,
    palette,
    recordCheck,
    renderCheckResult,
    renderList,
    renderShow,
    seenOutput,
} from "../../../tools/exercise";
import { labSpec } from "../../helpers/specs";

// What npm run exercise prints: marks, states, expected/seen/hint, colours only when asked for.

const stack = "unit-format";
const spec = labSpec({}, stack);
const exercises = labExercises(spec, stack);
const ESC = "\x1b[";
const byId = (id: string) => exercises.find((e) => e.id === id)!;

describe("colours", () => {
    test.each([
        [{ isTTY: true }, {}, true],
        [{ isTTY: false }, {}, false],
        [{}, {}, false],
        [{ isTTY: true }, { NO_COLOR: "1" }, false],
        [{ isTTY: true }, { NO_COLOR: "" }, true],
        [{ isTTY: true }, { TERM: "dumb" }, false],
    ])("stream %j, env %j → %s", (stream, env, on) => {
        expect(colorEnabled(stream, env)).toBe(on);
    });

    test("the palette colours ✓ green and ✗ red, or leaves text plain", () => {
        expect(palette(true).green("✓")).toBe("\x1b[32m✓\x1b[0m");
        expect(palette(true).red("✗")).toBe("\x1b[31m✗\x1b[0m");
        expect(palette(false).green("✓")).toBe("✓");
    });
});

describe("renderList", () => {
    const progress = recordCheck(recordCheck(emptyProgress(stack), "00-kernel", true, new Date(0)), "00-pid1", false, new Date(0));
    const options = { lang: "en" as const, lab: spec.instance, labArgs: "" };

    test("one line per exercise under its notes section, with mark and state, and the count", () => {
        const text = renderList(exercises, progress, { ...options, palette: palette(false) });
        expect(text).not.toContain(ESC);
        expect(text.split("\n")[0]).toBe(`docker-lab exercises · lab ${spec.instance} · 1/${exercises.length} done`);
        expect(text).toMatch(/^ {2}✓ 00-kernel +done {2}Show that a container runs on the host's kernel$/m);
        expect(text).toMatch(/^ {2}✗ 00-pid1 +todo {2}Find PID 1 inside a replica$/m);
        expect(text).toMatch(/^ {2}○ 00-layers +todo {2}/m);
        for (const heading of Object.values(NOTES_SECTIONS)) expect(text).toContain(`\n${heading}\n`);
        expect(text.trimEnd().split("\n").pop()).toBe("next: npm run exercise -- show 00-pid1");
    });

    test("in Chinese, with colours: green ✓, red ✗", () => {
        const text = renderList(exercises, progress, { ...options, lang: "zh", palette: palette(true) });
        expect(text).toContain("docker-lab 练习");
        expect(text).toContain(`已完成 1/${exercises.length}`);
        expect(text).toContain("\x1b[32m✓\x1b[0m 00-kernel");
        expect(text).toContain("\x1b[31m✗\x1b[0m 00-pid1");
        expect(text).toContain("证明容器使用宿主机的内核");
    });

    test("a non-default stack and a student are repeated in the commands it suggests", () => {
        const text = renderList(exercises, emptyProgress(stack), {
            ...options,
            palette: palette(false),
            labArgs: " --stack class --student alice",
        });
        expect(text).toContain("next: npm run exercise -- show 00-kernel --stack class --student alice");
    });

    test("all done: the command that starts over, with the lab's arguments", () => {
        const all = exercises.reduce((p, e) => recordCheck(p, e.id, true, new Date(0)), emptyProgress(stack));
        const en = renderList(exercises, all, { ...options, palette: palette(false), labArgs: " --student alice" });
        expect(en.trimEnd().split("\n").pop()).toBe("all done; this starts over: npm run exercise -- reset --student alice");
        const zh = renderList(exercises, all, { ...options, lang: "zh", palette: palette(false), labArgs: "" });
        expect(zh.trimEnd().split("\n").pop()).toBe("全部完成；从头再来：npm run exercise -- reset");
    });
});

describe("renderShow", () => {
    test("the instructions, where files go and how to check, in the chosen language", () => {
        const e = byId("01.02-ps-file");
        const options = { palette: palette(false), workFolder: ".docker-lab/exercises/x/ (/p)", labArgs: "" };
        const zh = renderShow(e, { done: false, failedChecks: 0 }, { ...options, lang: "zh" });
        expect(zh).toContain("用 > 把 docker ps 的输出写入文件");
        expect(zh).toContain(e.instructions.zh);
        expect(zh).toContain("状态：待做");
        expect(zh).toContain("你的文件放在：.docker-lab/exercises/x/ (/p)");
        expect(zh).toContain("检查：npm run exercise -- check 01.02-ps-file");
        const en = renderShow(e, { done: true, failedChecks: 0 }, { ...options, lang: "en" });
        expect(en).toContain("✓ 01.02-ps-file · notes section 01.02 容器 container");
        expect(en).toContain("state: done");
        expect(en).not.toContain("状态");
    });
});

describe("check results", () => {
    /** A real failure report, from the lab's renderer run under /bin/sh. */
    const failure = (command: string) => {
        const e = byId("01.04-versions");
        const check = { ...e.check, command, expect: { kind: "equals" as const, value: "never" } };
        const script = renderCheckScript(resolveCheck(check, { imageRef: `${spec.image.repository}@sha256:${"0".repeat(64)}` }));
        const r = spawnSync("/bin/sh", ["-c", script], { encoding: "utf8" });
        return { passed: r.status === 0, status: r.status, stderr: r.stderr };
    };

    test("seenOutput is the got: block of the renderer's failure report", () => {
        expect(seenOutput(failure("printf 'one\\n  two\\n'"))).toEqual({ lines: ["one", "  two"], status: 0 });
        expect(seenOutput(failure("echo oops >&2; exit 3"))).toEqual({ lines: ["oops"], status: 3 });
        expect(seenOutput(failure("true"))).toEqual({ lines: [], status: 0 });
    });

    test("✗ with expected, seen and the hint for this failure; the hints advance, then stay at the last", () => {
        const e = byId("01.04-versions");
        const result = failure("echo 'cat: x: No such file or directory' >&2; exit 1");
        const options = { lang: "en" as const, palette: palette(false), count: "0/17 done" };
        const first = renderCheckResult(e, result, { done: false, failedChecks: 1 }, options);
        expect(first.split("\n")).toEqual([
            `✗ 01.04-versions  ${e.title.en}`,
            `  expected: ${e.expected.en}`,
            "  seen: cat: x: No such file or directory",
            "  exit status: 1",
            `  hint 1/2: ${e.hints[0].en}`,
            "",
        ]);
        expect(renderCheckResult(e, result, { done: false, failedChecks: 2 }, options)).toContain(`  hint 2/2: ${e.hints[1].en}`);
        expect(renderCheckResult(e, result, { done: false, failedChecks: 7 }, options)).toContain("  hint 2/2: ");
        expect(hintFor(e, 1)).toEqual({ index: 0, count: 2 });
        expect(hintFor(e, 0)).toEqual({ index: 0, count: 2 });
    });

    test("in Chinese the labels line up under full-width text; colours only with the palette", () => {
        const e = byId("01.04-versions");
        const result = failure("printf 'a\\nb\\n'");
        const zh = renderCheckResult(e, result, { done: false, failedChecks: 1 }, { lang: "zh", palette: palette(true), count: "" });
        expect(zh).toContain("\x1b[31m✗\x1b[0m");
        const lines = zh.split("\n");
        expect(lines[2]).toBe("  实际：a");
        expect(lines[3]).toBe(`${" ".repeat(displayWidth("  实际："))}b`);
        expect(displayWidth("  实际：")).toBe(8);
        expect(lines.find((l) => l.includes("提示"))).toContain("\x1b[33m提示 1/2\x1b[0m：");
    });

    test("✓ with the count", () => {
        const e = byId("00-kernel");
        const text = renderCheckResult(
            e,
            { passed: true, status: 0, stderr: "" },
            { done: true, failedChecks: 0 },
            {
                lang: "en",
                palette: palette(false),
                count: "3/17 done",
            },
        );
        expect(text).toBe(`✓ 00-kernel  ${e.title.en}  passed (3/17 done)\n`);
    });
});
