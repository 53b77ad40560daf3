import * as fs from "node:fs";
import * as path from "node:path";
import { renderReportHtml } from "./html";
import { renderReportMarkdown } from "./markdown";
import type { VerifyReport } from "./model";

/** Writes `<rootDir>/lab-report/index.html` and `<rootDir>/lab-report.md`; returns their paths. */
export function writeLabReport(report: VerifyReport, rootDir: string): { html: string; markdown: string } {
    const dir = path.join(rootDir, "lab-report");
    const html = path.join(dir, "index.html");
    const markdown = path.join(rootDir, "lab-report.md");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(html, renderReportHtml(report));
    fs.writeFileSync(markdown, renderReportMarkdown(report));
    return { html, markdown };
}
