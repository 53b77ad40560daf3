import { hostPort } from "../../lab";
import {
    checkCommand,
    checkHeading,
    checkOutput,
    checkTiming,
    countText,
    cutNote,
    formatDuration,
    formatTime,
    overall,
    reportAppUrls,
    reportReplicas,
    reportRoster,
    reportSections,
    shortDigest,
    type VerifyReport,
} from "./model";

/** A fenced code block whose fence is longer than any backtick run inside `text`. */
function fence(text: string, info = ""): string {
    const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
    const f = "`".repeat(longest + 1);
    return `${f}${info}\n${text}\n${f}`;
}

/** Text for a Markdown table cell: pipes escaped, newlines flattened. */
function cell(text: string): string {
    return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** Inline code that survives backticks in `text`. */
function inlineCode(text: string): string {
    const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
    const f = "`".repeat(longest + 1);
    return longest > 0 ? `${f} ${text} ${f}` : `${f}${text}${f}`;
}

/** A class's roster: one row per student with their result, URLs, containers and repository (nothing for one learner). */
function rosterMarkdown(report: VerifyReport): string[] {
    const roster = reportRoster(report);
    if (roster.length === 0) return [];
    return [
        "",
        "## Roster",
        "",
        "| student | result | app URLs | containers | repository |",
        "| --- | --- | --- | --- | --- |",
        ...roster.map(
            (r) =>
                `| ${cell(r.student)} | ${r.failed > 0 ? "✗" : "✓"} ${cell(countText(r.passed, r.failed))} | ${cell(r.urls.map(inlineCode).join(" "))} | ${cell(r.containers.map(inlineCode).join(" "))} | ${cell(inlineCode(r.repository))} |`,
        ),
    ];
}

/** The report as Markdown: summary table, then each notes section with each check's command and output. */
export function renderReportMarkdown(report: VerifyReport): string {
    const verdict = overall(report);
    const sections = reportSections(report);
    const digest = shortDigest(report.imageRef);
    const lines: string[] = [
        `# Docker lab report: ${report.instance}`,
        "",
        `Docker 实验报告：${report.instance}。笔记的每一课都由在实验上运行的命令来证明。`,
        "",
        `**${verdict}**: ${report.passed} passed, ${report.failed} failed of ${report.checks.length} lesson checks.`,
        "",
        "| | |",
        "| --- | --- |",
        `| Verified at | ${cell(formatTime(report.startedAt))} |`,
        `| Engine | ${cell(report.engine)} |`,
        `| Lab instance | ${cell(inlineCode(report.instance))} |`,
        `| Image | ${cell(inlineCode(report.imageRef))} |`,
        `| Registry | ${cell(inlineCode(report.spec.registry.url))} |`,
        `| App URLs | ${cell(reportAppUrls(report).map(inlineCode).join(" "))} |`,
        `| Took | ${cell(formatDuration(report.durationMs))} |`,
        "",
        "| section | result |",
        "| --- | --- |",
        ...sections
            .filter((s) => s.checks.length > 0)
            .map((s) => `| ${cell(s.heading)} | ${s.failed > 0 ? "✗" : "✓"} ${cell(countText(s.passed, s.failed))} |`),
        "",
        "## The lab",
        "",
        "实验环境：",
        "",
        `- network ${inlineCode(report.spec.network.name)}`,
        `- registry ${inlineCode(report.spec.registry.container.name)} (${inlineCode(report.spec.registry.image)}), published on ${report.spec.registry.container.ports.map((p) => inlineCode(hostPort(p.ip, p.external))).join(", ")}`,
        `- image ${inlineCode(report.spec.image.name)}${digest ? ` (${inlineCode(digest)})` : ""}`,
        ...reportReplicas(report.spec).map(
            (r, i) =>
                `- replica ${i} ${inlineCode(r.name)}, published on ${r.ports.map((p) => inlineCode(hostPort(p.ip, p.external))).join(", ")}`,
        ),
        "",
        "The HTML report (`lab-report/index.html`) draws this as a picture.",
        ...rosterMarkdown(report),
    ];
    for (const s of sections) {
        lines.push(
            "",
            `## ${s.heading}`,
            "",
            s.checks.length === 0 ? "_No lesson check covers this section._" : `${countText(s.passed, s.failed)}.`,
        );
        for (const v of s.checks) {
            const { check, result } = v;
            const out = checkOutput(v);
            const cut = cutNote(out);
            lines.push(
                "",
                `### ${result.passed ? "✓" : "✗"} ${checkHeading(check)}`,
                "",
                `**${check.title.zh}**`,
                "",
                `${inlineCode(check.id)}: ${result.passed ? "passed" : `**failed** (exit ${result.status ?? "none"})`} ${v.ranInUp === undefined ? `in ${checkTiming(v)}` : `(${checkTiming(v)})`}. ${check.proves.en}`,
                "",
                check.proves.zh,
                "",
                "Command · 命令:",
                "",
                fence(checkCommand(check, v.imageRef), "sh"),
                "",
                result.passed ? "Output · 输出:" : "Failure report · 失败报告:",
                "",
                fence(out.text === "" ? "(no output)" : out.text, "text"),
                ...(cut ? ["", `_${cut}_`] : []),
            );
        }
    }
    lines.push("");
    return lines.join("\n");
}
