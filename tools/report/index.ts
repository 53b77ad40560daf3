// tools/report/: the lab report of a verify run (model, SVG picture, HTML, Markdown) as pure renderers; only write.ts touches files, nothing here runs checks.
/**
 * The lab report: what `up` and `verify` proved, as a self-contained HTML page (inline style and
 * SVG, no script, no external resource, readable offline) and as Markdown. Every renderer here is
 * pure; only `writeLabReport` touches the file system.
 */

export { renderReportHtml } from "./html";
export { renderReportMarkdown } from "./markdown";
export { checkOutput, checkTiming, formatDuration, formatTime, trimOutput, type VerifiedCheck, type VerifyReport } from "./model";
export { escapeHtml, renderLabSvg } from "./svg";
export { writeLabReport } from "./write";
