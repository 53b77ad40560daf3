import type { CheckResult } from "../../engine";
import type { Exercise, Lang } from "../../lab";
import { NOTES_SECTIONS } from "../../lab";
import { type ExerciseProgress, exerciseState, type Progress, progressOf } from "./progress";

/** What `npm run exercise` prints, as pure functions of the exercises, the progress and a palette. */

/** ANSI colours, or plain text. */
export interface Palette {
    green: (s: string) => string;
    red: (s: string) => string;
    yellow: (s: string) => string;
    cyan: (s: string) => string;
    dim: (s: string) => string;
    bold: (s: string) => string;
}

const sgr = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
const plain = (s: string) => s;

export function palette(enabled: boolean): Palette {
    return enabled
        ? { green: sgr("32"), red: sgr("31"), yellow: sgr("33"), cyan: sgr("36"), dim: sgr("2"), bold: sgr("1") }
        : { green: plain, red: plain, yellow: plain, cyan: plain, dim: plain, bold: plain };
}

/**
 * Colours only on a terminal, and never when NO_COLOR is set to anything but the empty string
 * (https://no-color.org) or the terminal says it is dumb.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
    if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
    if (env.TERM === "dumb") return false;
    return stream.isTTY === true;
}

/** Marks of an exercise's state: done, tried and failing, not tried yet. */
export const MARKS = { done: "✓", failed: "✗", todo: "○" } as const;

/** The words of the command-line interface in both languages. */
export const UI: Record<Lang, Record<string, string>> = {
    en: {
        title: "docker-lab exercises",
        lab: "lab",
        done: "done",
        todo: "todo",
        next: "next",
        allDone: "all done; this starts over: ",
        section: "notes section",
        state: "state",
        workFolder: "your files go in",
        inWorkstation: "in your workstation: ",
        checkWith: "check",
        stuck: "stuck? each failed check shows the next hint; or",
        expected: "expected",
        seen: "seen",
        hint: "hint",
        nothing: "(nothing)",
        exitStatus: "exit status",
        passed: "passed",
        progress: "done",
        solving: "reference solution of",
        cleanSlate: "first removing what an earlier attempt left (reset)",
        stepFailed: "this command failed",
        solvedNote: "the check passes with the reference solution; try it yourself next time: ",
        resetOne: "reset",
        resetAll: "reset every exercise",
        resetDone: "removed what it created; its progress is back to todo",
        resetAllDone: "removed every exercise object and file of this lab; progress is back to todo",
        brokenCheck: "exercises need the lab whole: restore it, then check again",
        moreLines: "more lines",
    },
    zh: {
        title: "docker-lab 练习",
        lab: "实验",
        done: "已完成",
        todo: "待做",
        next: "下一步",
        allDone: "全部完成；从头再来：",
        section: "笔记章节",
        state: "状态",
        workFolder: "你的文件放在",
        inWorkstation: "在你的工作站里：",
        checkWith: "检查",
        stuck: "卡住了？每次检查失败都会给出下一条提示；或者",
        expected: "期望",
        seen: "实际",
        hint: "提示",
        nothing: "（没有输出）",
        exitStatus: "退出码",
        passed: "通过",
        progress: "已完成",
        solving: "参考答案：",
        cleanSlate: "先清除之前尝试留下的东西（reset）",
        stepFailed: "这条命令失败了",
        solvedNote: "参考答案让检查通过了；下次自己试试：",
        resetOne: "重置",
        resetAll: "重置所有练习",
        resetDone: "已删除它创建的东西，进度回到待做",
        resetAllDone: "已删除本实验所有练习创建的对象和文件，进度回到待做",
        brokenCheck: "练习需要完整的实验：先恢复它，再检查",
        moreLines: "行未显示",
    },
};

/** The colon after a label: full-width in Chinese. */
const COLON: Record<Lang, string> = { zh: "：", en: ": " };

/** Columns a text takes on a terminal: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
    let width = 0;
    for (const ch of text)
        width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
    return width;
}

/** How `npm run exercise` is typed for a command, with the arguments that name the lab (--stack when not the default one, --student in a class). */
export function npmExercise(args: string, labArgs: string): string {
    return `npm run exercise -- ${args}${labArgs}`;
}

function mark(entry: ExerciseProgress, p: Palette): string {
    const state = exerciseState(entry);
    return state === "done" ? p.green(MARKS.done) : state === "failed" ? p.red(MARKS.failed) : p.dim(MARKS.todo);
}

function countDone(exercises: Exercise[], progress: Progress): number {
    return exercises.filter((e) => progressOf(progress, e.id).done).length;
}

/** `3/17 done` (`已完成 3/17`). */
export function doneCount(exercises: Exercise[], progress: Progress, lang: Lang): string {
    const n = `${countDone(exercises, progress)}/${exercises.length}`;
    return lang === "zh" ? `${UI.zh.progress} ${n}` : `${n} ${UI.en.progress}`;
}

/** The list: a header with the count, then the exercises by notes section, each with its mark, id, state and title. */
export function renderList(
    exercises: Exercise[],
    progress: Progress,
    options: { lang: Lang; lab: string; palette: Palette; labArgs: string },
): string {
    const { lang, palette: p } = options;
    const ui = UI[lang];
    const width = Math.max(...exercises.map((e) => e.id.length));
    const lines = [`${p.bold(ui.title)} · ${ui.lab} ${options.lab} · ${doneCount(exercises, progress, lang)}`];
    for (const section of Object.keys(NOTES_SECTIONS)) {
        const inSection = exercises.filter((e) => e.section === section);
        if (inSection.length === 0) continue;
        lines.push("", p.bold(NOTES_SECTIONS[section]));
        for (const e of inSection) {
            const entry = progressOf(progress, e.id);
            const state = entry.done ? p.green(ui.done) : ui.todo;
            lines.push(`  ${mark(entry, p)} ${e.id.padEnd(width)}  ${state}  ${e.title[lang]}`);
        }
    }
    const next = exercises.find((e) => !progressOf(progress, e.id).done);
    lines.push(
        "",
        next
            ? `${ui.next}${COLON[lang]}${p.cyan(npmExercise(`show ${next.id}`, options.labArgs))}`
            : `${ui.allDone}${p.cyan(npmExercise("reset", options.labArgs))}`,
    );
    return `${lines.join("\n")}\n`;
}

/** One exercise: heading, title, state, instructions, where files go and how to check. */
export function renderShow(
    e: Exercise,
    entry: ExerciseProgress,
    options: { lang: Lang; palette: Palette; workFolder: string; labArgs: string },
): string {
    const { lang, palette: p } = options;
    const ui = UI[lang];
    const lines = [
        `${mark(entry, p)} ${p.bold(e.id)} · ${ui.section} ${e.heading}`,
        p.bold(e.title[lang]),
        `${ui.state}${COLON[lang]}${entry.done ? p.green(ui.done) : ui.todo}`,
        "",
        e.instructions[lang],
        "",
    ];
    if (e.files.length > 0) lines.push(`${ui.workFolder}${COLON[lang]}${options.workFolder}`);
    lines.push(
        `${ui.checkWith}${COLON[lang]}${p.cyan(npmExercise(`check ${e.id}`, options.labArgs))}`,
        `${ui.stuck} ${p.cyan(npmExercise(`solve ${e.id}`, options.labArgs))}`,
    );
    return `${lines.join("\n")}\n`;
}

/** At most this many lines of what a check saw. */
const SEEN_MAX_LINES = 12;

/**
 * What the check saw: the `got:` block of the check script's failure report (its lines are
 * indented by four spaces), else the exit status.
 */
export function seenOutput(result: Pick<CheckResult, "stderr" | "status">): { lines: string[]; status: number | null } {
    const report = result.stderr.replace(/\r\n/g, "\n");
    const at = report.indexOf("\n  got:\n");
    const body = at === -1 ? "" : report.slice(at + "\n  got:\n".length);
    const lines = body
        .replace(/\n+$/, "")
        .split("\n")
        .map((line) => (line.startsWith("    ") ? line.slice(4) : line));
    const statusMatch = /exit status: (\d+)/.exec(report);
    return {
        lines: lines.length === 1 && lines[0] === "" ? [] : lines,
        status: statusMatch ? Number(statusMatch[1]) : result.status,
    };
}

/** The hint shown after the `failures`-th failed check (1-based): the next one each time, then the last again. */
export function hintFor(e: Exercise, failures: number): { index: number; count: number } {
    return { index: Math.min(Math.max(failures, 1), e.hints.length) - 1, count: e.hints.length };
}

/** ✓ with the count of done exercises, or ✗ with expected, seen and the next hint. */
export function renderCheckResult(
    e: Exercise,
    result: Pick<CheckResult, "passed" | "stderr" | "status">,
    entry: ExerciseProgress,
    options: { lang: Lang; palette: Palette; count: string },
): string {
    const { lang, palette: p } = options;
    const ui = UI[lang];
    if (result.passed) return `${p.green(MARKS.done)} ${p.bold(e.id)}  ${e.title[lang]}  ${p.green(ui.passed)} (${options.count})\n`;
    const seen = seenOutput(result);
    const shown = seen.lines.slice(0, SEEN_MAX_LINES);
    const colon = COLON[lang];
    const indent = " ".repeat(displayWidth(`  ${ui.seen}${colon}`));
    const seenLines = shown.length === 0 ? [ui.nothing] : shown;
    const lines = [
        `${p.red(MARKS.failed)} ${p.bold(e.id)}  ${e.title[lang]}`,
        `  ${ui.expected}${colon}${e.expected[lang]}`,
        `  ${ui.seen}${colon}${seenLines[0]}`,
        ...seenLines.slice(1).map((line) => `${indent}${line}`),
    ];
    if (seen.lines.length > shown.length) lines.push(`${indent}(${seen.lines.length - shown.length} ${ui.moreLines})`);
    if (seen.status !== 0 && seen.status !== null) lines.push(`  ${ui.exitStatus}${colon}${seen.status}`);
    const hint = hintFor(e, entry.failedChecks);
    lines.push(`  ${p.yellow(`${ui.hint} ${hint.index + 1}/${hint.count}`)}${colon}${e.hints[hint.index][lang]}`);
    return `${lines.join("\n")}\n`;
}
