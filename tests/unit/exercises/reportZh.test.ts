import { buildLabSpec } from "../../../lab";
import { renderReportHtml, renderReportMarkdown } from "../../../tools";
import { labConfig } from "../../../tools/stack";
import { syntheticReport } from "../../helpers/syntheticReport";

// The lab report carries every check's Chinese title and explanation and Chinese headings beside the English ones.

const spec = buildLabSpec(labConfig(), { project: "docker-lab", stack: "dev", appDir: "app" });
const report = syntheticReport(spec, { failingId: "01.02-ps" });

describe("the lab report in Chinese too", () => {
    const html = renderReportHtml(report);
    const markdown = renderReportMarkdown(report);

    test("HTML: each check's Chinese title (marked lang=zh-CN) and explanation, and Chinese labels", () => {
        const text = html
            .replace(/<\/?span[^>]*>/g, "")
            .replace(/&gt;/g, ">")
            .replace(/&lt;/g, "<")
            .replace(/&amp;/g, "&");
        expect(html.split('<p class="title-zh">')).toHaveLength(spec.checks.length + 1);
        for (const check of spec.checks) {
            expect(text).toContain(`<p class="title-zh">${check.title.zh}</p>`);
            expect(text).toContain(check.proves.zh);
        }
        expect(html).toContain('Command · <span lang="zh-CN">命令</span>');
        expect(html).toContain('Output · <span lang="zh-CN">输出</span>');
        expect(html).toContain('Failure report · <span lang="zh-CN">失败报告</span>');
        expect(text).toContain("Docker 实验报告：笔记的每一课");
    });

    test("Markdown: each check's Chinese title in bold under its heading, and Chinese labels", () => {
        for (const check of spec.checks)
            expect(markdown).toContain(`### ${check.id === "01.02-ps" ? "✗" : "✓"} ${check.title.en}\n\n**${check.title.zh}**\n`);
        for (const check of spec.checks) expect(markdown).toContain(`\n${check.proves.zh}\n`);
        expect(markdown).toContain("Failure report · 失败报告:");
        expect(markdown).toContain("Output · 输出:");
        expect(markdown).toContain(`Docker 实验报告：${spec.instance}`);
    });
});
