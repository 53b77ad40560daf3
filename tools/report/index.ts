import * as fs from "node:fs";
import * as path from "node:path";
import type { CheckResult } from "../../engine";
import { type ContainerSpec, hostPort, type LabSpec, type LessonCheck, NOTES_SECTIONS, PASS_MARKER, resolveCheck } from "../../lab";

/**
 * The lab report: what `up` and `verify` proved, as a self-contained HTML page (inline style and
 * SVG, no script, no external resource, readable offline) and as Markdown. Every renderer here is
 * pure; only `writeLabReport` touches the file system.
 */

/** One check's outcome with the check's own data, as `npm run verify` and the lab report show it. */
export interface VerifiedCheck {
    check: LessonCheck;
    result: CheckResult;
}

/** The result of verifying one running lab. */
export interface VerifyReport {
    /** Instance id of the lab, e.g. docker-lab-dev. */
    instance: string;
    /** ISO time the verification started. */
    startedAt: string;
    /** Engine address and server version, e.g. "unix:///var/run/docker.sock (Docker 20.10.24)". */
    engine: string;
    /** repository@sha256:... of the image the checks ran against. */
    imageRef: string;
    passed: number;
    failed: number;
    durationMs: number;
    checks: VerifiedCheck[];
    /** The lab the checks ran against (names, ports, URLs), for the report's picture. */
    spec: LabSpec;
}

/** Output shown per check: at most this many lines and characters; the rest is cut with a note. */
const REPORT_OUTPUT_MAX_LINES = 15;
const REPORT_OUTPUT_MAX_CHARS = 2000;

/** Han characters, CJK punctuation and full-width forms: text that the HTML marks `lang="zh-CN"`. */
const CJK_RUN =
    /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+(?:\s+[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+)*/g;

/** Escapes text for HTML and XML content and attribute values. */
export function escapeHtml(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Escaped text with every run of Chinese characters wrapped in an element carrying `lang="zh-CN"`. */
function htmlText(text: string, tag = "span"): string {
    return escapeHtml(text).replace(CJK_RUN, (run) => `<${tag} lang="zh-CN">${run}</${tag}>`);
}

interface TrimmedOutput {
    text: string;
    /** Lines left out (0 when nothing was cut). */
    omittedLines: number;
    /** Characters left out (0 when nothing was cut). */
    omittedChars: number;
}

/** The first `maxLines` lines and at most `maxChars` characters of `text`, trailing blank lines dropped. */
export function trimOutput(text: string, maxLines = REPORT_OUTPUT_MAX_LINES, maxChars = REPORT_OUTPUT_MAX_CHARS): TrimmedOutput {
    const all = text.replace(/\r\n/g, "\n").replace(/\s+$/, "");
    const lines = all === "" ? [] : all.split("\n");
    let kept = lines.slice(0, maxLines).join("\n");
    if (kept.length > maxChars) kept = kept.slice(0, maxChars);
    const keptLines = kept === "" ? 0 : kept.split("\n").length;
    return { text: kept, omittedLines: lines.length - keptLines, omittedChars: all.length - kept.length };
}

/** What a check printed: stdout without the pass marker line, or the failure report for a failed check. */
export function checkOutput(verified: VerifiedCheck): TrimmedOutput {
    const { result } = verified;
    if (result.passed) {
        const lines = result.stdout.replace(/\r\n/g, "\n").split("\n");
        const body = lines[0]?.startsWith(PASS_MARKER) ? lines.slice(1) : lines;
        return trimOutput(body.join("\n"));
    }
    const report = result.stderr.trim() !== "" ? result.stderr : result.stdout;
    return trimOutput(report === "" ? `exit status ${result.status}, no output` : report);
}

/** The check's command with the image reference filled in, as it ran; the template when the reference is not usable. */
function checkCommand(check: LessonCheck, imageRef: string): string {
    try {
        return resolveCheck(check, { imageRef }).command;
    } catch {
        return check.command;
    }
}

/** `sha256:` and the first 12 hex digits of a digest, from a digest or a `repository@sha256:...` reference. */
function shortDigest(refOrDigest: string): string | undefined {
    const m = /sha256:([0-9a-f]{12})[0-9a-f]*/i.exec(refOrDigest);
    return m ? `sha256:${m[1].toLowerCase()}` : undefined;
}

interface ReportSection {
    /** Section number in the notes, e.g. `01.02`. */
    id: string;
    /** The notes' heading, e.g. `01.02 容器 container`. */
    heading: string;
    checks: VerifiedCheck[];
    passed: number;
    failed: number;
}

/** The report's checks grouped by notes section, in the order of the notes; sections the notes lack come last. */
function reportSections(report: VerifyReport): ReportSection[] {
    const ids = Object.keys(NOTES_SECTIONS);
    for (const v of report.checks) if (!ids.includes(v.check.section)) ids.push(v.check.section);
    return ids.map((id) => {
        const checks = report.checks.filter((v) => v.check.section === id);
        const passed = checks.filter((v) => v.result.passed).length;
        return { id, heading: NOTES_SECTIONS[id] ?? checks[0]?.check.heading ?? id, checks, passed, failed: checks.length - passed };
    });
}

/** "412 ms" or "3.2 s". */
export function formatDuration(ms: number): string {
    if (!Number.isFinite(ms) || ms < 0) return "n/a";
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `2025-11-28 03:57:12 UTC` from an ISO time; the input unchanged when it is not a date. */
function formatTime(iso: string): string {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return iso;
    return `${new Date(t).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function overall(report: VerifyReport): "PASS" | "FAIL" {
    return report.failed === 0 ? "PASS" : "FAIL";
}

function sectionAnchor(id: string): string {
    return `section-${id.replace(/[^A-Za-z0-9]+/g, "-")}`;
}

// ---------------------------------------------------------------------------------------------
// The picture

/** Shortens `text` to `max` characters, keeping its start and end. */
function fit(text: string, max: number): string {
    if (text.length <= max) return text;
    const head = Math.ceil((max - 1) / 2);
    return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

/** Splits a long reference into lines of at most `width` characters, preferring to break after `/`. */
function wrapReference(text: string, width: number): string[] {
    const lines: string[] = [];
    let rest = text;
    while (rest.length > width) {
        const cut = rest.lastIndexOf("/", width - 1);
        const at = cut > 0 ? cut + 1 : width;
        lines.push(rest.slice(0, at));
        rest = rest.slice(at);
    }
    lines.push(rest);
    return lines;
}

const SVG = {
    width: 960,
    top: 64,
    row: 58,
    card: 46,
    hostX: 16,
    hostW: 196,
    netX: 256,
    netW: 424,
    cardX: 280,
    cardW: 376,
    imageX: 724,
    imageW: 220,
};

/**
 * The lab as an inline SVG: published ports on the host (left), the lab network with the registry
 * and every replica (middle), the image pushed to the registry and run as the replicas (right).
 * The layout is computed from the spec alone: one row per container. `imageRef` (a digest or
 * `repository@sha256:...`) adds the digest's short form to the image.
 */
export function renderLabSvg(spec: LabSpec, imageRef?: string): string {
    const s = SVG;
    const containers: { kind: "registry" | "replica"; c: ContainerSpec; index: number }[] = [
        { kind: "registry", c: spec.registry.container, index: 0 },
        ...spec.replicas.map((c, index) => ({ kind: "replica" as const, c, index })),
    ];
    const rowY = (i: number) => s.top + 16 + i * s.row;
    const netTop = s.top;
    const netBottom = rowY(containers.length - 1) + s.card + 16;
    const height = netBottom + 40;
    const digest = imageRef ? shortDigest(imageRef) : undefined;
    const t = escapeHtml;
    const ports = containers.map(({ c }) => c.ports.map((p) => hostPort(p.ip, p.external)).join(", ")).join(", ");
    const label =
        `Lab ${spec.instance}: network ${spec.network.name} joins the registry ${spec.registry.container.name} ` +
        `and ${spec.replicas.length} replica${spec.replicas.length === 1 ? "" : "s"} of ${spec.image.name}; published on the host at ${ports}`;

    const out: string[] = [];
    out.push(
        `<svg xmlns="http://www.w3.org/2000/svg" class="lab-picture" role="img" aria-label="${t(label)}" viewBox="0 0 ${s.width} ${height}" width="${s.width}" height="${height}" font-family="system-ui, sans-serif" font-size="13">`,
        `<title>${t(label)}</title>`,
        "<defs>",
        '<marker id="lab-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#475569"/></marker>',
        "</defs>",
    );

    // Column captions.
    out.push(
        `<text class="caption" x="${s.hostX}" y="28" font-weight="600" fill="#0f172a">Host: published ports</text>`,
        `<text x="${s.hostX}" y="46" fill="#475569" font-size="12">bound to ${t(fit(spec.registry.container.ports[0]?.ip ?? "", 30))}</text>`,
        `<text class="caption" x="${s.netX}" y="28" font-weight="600" fill="#0f172a">Docker network</text>`,
        `<text x="${s.netX}" y="46" fill="#475569" font-size="12" font-family="ui-monospace, monospace">${t(fit(spec.network.name, 56))}</text>`,
        `<text class="caption" x="${s.imageX}" y="28" font-weight="600" fill="#0f172a">Image <tspan lang="zh-CN" font-weight="400" fill="#475569">镜像</tspan></text>`,
    );

    // Host column.
    out.push(
        `<rect class="host" x="${s.hostX}" y="${netTop}" width="${s.hostW}" height="${netBottom - netTop}" rx="10" fill="#f8fafc" stroke="#cbd5e1"/>`,
    );
    // The lab network.
    out.push(
        `<g class="lab-network" data-name="${t(spec.network.name)}"><title>${t(`network ${spec.network.name}`)}</title>`,
        `<rect x="${s.netX}" y="${netTop}" width="${s.netW}" height="${netBottom - netTop}" rx="12" fill="#eff6ff" stroke="#3b82f6" stroke-width="1.5" stroke-dasharray="6 4"/>`,
        `<line x1="${s.netX + 12}" y1="${rowY(0) + s.card / 2}" x2="${s.netX + 12}" y2="${rowY(containers.length - 1) + s.card / 2}" stroke="#3b82f6" stroke-width="3" stroke-linecap="round"/>`,
        "</g>",
    );

    // Containers, one row each, with their published ports on the host side.
    containers.forEach(({ kind, c, index }, i) => {
        const y = rowY(i);
        const mid = y + s.card / 2;
        const port = c.ports[0];
        const registry = kind === "registry";
        const fill = registry ? "#fef3c7" : "#ffffff";
        const stroke = registry ? "#d97706" : "#2563eb";
        const detail = registry
            ? `${spec.registry.image} · volume ${spec.volume.name}`
            : `port ${port ? port.internal : "-"}${c.memoryMb ? ` · ${c.memoryMb} MiB` : ""} · ${c.networkAliases.join(", ")}`;
        const attrs = registry
            ? `class="lab-registry" data-name="${t(c.name)}" data-port="${port ? port.external : ""}"`
            : `class="lab-replica" data-replica="${index}" data-name="${t(c.name)}" data-port="${port ? port.external : ""}"`;
        out.push(
            `<g ${attrs}>`,
            `<title>${t(`${c.name}: ${c.ports.map((p) => `${hostPort(p.ip, p.external)} → ${p.internal}`).join(", ")}`)}</title>`,
        );
        // Joins the network line.
        out.push(`<line x1="${s.netX + 12}" y1="${mid}" x2="${s.cardX}" y2="${mid}" stroke="#3b82f6" stroke-width="2"/>`);
        out.push(`<circle cx="${s.netX + 12}" cy="${mid}" r="4" fill="#3b82f6"/>`);
        if (port) {
            out.push(
                `<rect x="${s.hostX + 14}" y="${mid - 13}" width="${s.hostW - 28}" height="26" rx="13" fill="#ffffff" stroke="${stroke}"/>`,
                `<text x="${s.hostX + s.hostW / 2}" y="${mid + 4.5}" text-anchor="middle" font-family="ui-monospace, monospace" font-size="12.5" fill="#0f172a">${t(fit(hostPort(port.ip, port.external), 24))}</text>`,
                `<line x1="${s.hostX + s.hostW - 14}" y1="${mid}" x2="${s.netX + 6}" y2="${mid}" stroke="#475569" stroke-width="1.5" marker-end="url(#lab-arrow)"/>`,
            );
        }
        out.push(
            `<rect x="${s.cardX}" y="${y}" width="${s.cardW}" height="${s.card}" rx="8" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>`,
            `<text x="${s.cardX + 12}" y="${y + 19}" font-weight="600" fill="#0f172a">${t(fit(c.name, 34))}</text>`,
            `<text x="${s.cardX + s.cardW - 12}" y="${y + 19}" text-anchor="end" font-size="12" fill="${stroke}">${registry ? "registry" : `replica ${index}`}</text>`,
            `<text x="${s.cardX + 12}" y="${y + 37}" font-size="12" fill="#475569">${t(fit(detail, 56))}</text>`,
            "</g>",
        );
    });

    // The image: pushed to the registry, run as every replica.
    const refLines = wrapReference(spec.image.name, 28);
    const imageTop = rowY(0);
    const imageH = 30 + refLines.length * 16 + (digest ? 18 : 0);
    out.push(
        `<g class="lab-image" data-name="${t(spec.image.name)}"${digest ? ` data-digest="${t(digest)}"` : ""}><title>${t(`image ${spec.image.name}${digest ? ` (${digest})` : ""}`)}</title>`,
        `<rect x="${s.imageX}" y="${imageTop}" width="${s.imageW}" height="${imageH}" rx="8" fill="#ecfdf5" stroke="#059669" stroke-width="1.5"/>`,
        `<text x="${s.imageX + 12}" y="${imageTop + 19}" font-weight="600" fill="#065f46">app image</text>`,
        ...refLines.map(
            (line, i) =>
                `<text x="${s.imageX + 12}" y="${imageTop + 38 + i * 16}" font-family="ui-monospace, monospace" font-size="12" fill="#0f172a">${t(line)}</text>`,
        ),
        ...(digest
            ? [
                  `<text x="${s.imageX + 12}" y="${imageTop + 38 + refLines.length * 16 + 2}" font-family="ui-monospace, monospace" font-size="11.5" fill="#475569">${t(digest)}</text>`,
              ]
            : []),
        "</g>",
    );
    // push: image → registry row.
    const regMid = rowY(0) + s.card / 2;
    out.push(
        `<line x1="${s.imageX}" y1="${regMid}" x2="${s.cardX + s.cardW + 2}" y2="${regMid}" stroke="#d97706" stroke-width="1.5" marker-end="url(#lab-arrow)"/>`,
        `<text x="${(s.imageX + s.cardX + s.cardW) / 2}" y="${regMid - 6}" text-anchor="middle" font-size="11.5" fill="#92400e">push</text>`,
    );
    // run: a bracket from the image down to every replica.
    if (spec.replicas.length > 0) {
        const busX = s.netX + s.netW + 20;
        const first = rowY(1) + s.card / 2;
        const last = rowY(containers.length - 1) + s.card / 2;
        const imageBottom = imageTop + imageH;
        const fromY = Math.max(imageBottom + 28, first);
        out.push(
            `<path d="M${s.imageX + 24} ${imageBottom} V${fromY} H${busX}" fill="none" stroke="#059669" stroke-width="1.5"/>`,
            `<line x1="${busX}" y1="${Math.min(first, fromY)}" x2="${busX}" y2="${Math.max(last, fromY)}" stroke="#059669" stroke-width="1.5"/>`,
            `<text x="${s.imageX + 32}" y="${imageBottom + 18}" font-size="11.5" fill="#065f46">run by digest</text>`,
        );
        for (let i = 1; i < containers.length; i++) {
            const mid = rowY(i) + s.card / 2;
            out.push(
                `<line x1="${busX}" y1="${mid}" x2="${s.cardX + s.cardW + 2}" y2="${mid}" stroke="#059669" stroke-width="1.5" marker-end="url(#lab-arrow)"/>`,
            );
        }
    }
    // Legend.
    out.push(
        `<text x="${s.hostX}" y="${height - 14}" font-size="12" fill="#475569">Arrows: host port → container port. The registry is the notes' <tspan lang="zh-CN">仓库</tspan> (01.03); each replica is a <tspan lang="zh-CN">容器</tspan> (01.02) run from the <tspan lang="zh-CN">镜像</tspan> (01.01).</text>`,
    );
    out.push("</svg>");
    return out.join("\n");
}

// ---------------------------------------------------------------------------------------------
// HTML

const STYLE = `
:root { color-scheme: light; --fg: #0f172a; --muted: #475569; --line: #e2e8f0; --pass: #15803d; --pass-bg: #f0fdf4; --fail: #b91c1c; --fail-bg: #fef2f2; --code-bg: #f8fafc; }
* { box-sizing: border-box; }
body { margin: 0; background: #f1f5f9; color: var(--fg); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 28px 20px 48px; }
h1 { font-size: 28px; margin: 0 0 4px; }
.subtitle { color: var(--muted); margin: 0 0 20px; }
h2 { font-size: 21px; margin: 0; }
h3 { font-size: 16px; margin: 0; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "WenQuanYi Micro Hei Mono", monospace; font-size: 13px; }
.summary { display: grid; grid-template-columns: auto 1fr; gap: 18px 24px; align-items: center; background: #fff; border: 1px solid var(--line); border-left: 8px solid var(--pass); border-radius: 12px; padding: 20px 24px; margin-bottom: 24px; }
.summary.fail { border-left-color: var(--fail); }
.verdict { font-size: 34px; font-weight: 800; letter-spacing: .04em; color: var(--pass); }
.summary.fail .verdict { color: var(--fail); }
.counts { font-size: 18px; font-weight: 600; margin: 0; }
.counts .n-pass { color: var(--pass); } .counts .n-fail { color: var(--fail); }
.facts { grid-column: 1 / -1; display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
nav.toc { grid-column: 1 / -1; border-top: 1px solid var(--line); padding-top: 12px; }
nav.toc ol { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 8px; }
nav.toc a { display: inline-block; padding: 3px 10px; border-radius: 999px; border: 1px solid var(--line); text-decoration: none; color: var(--fg); background: var(--code-bg); }
nav.toc a.has-fail { border-color: var(--fail); color: var(--fail); background: var(--fail-bg); }
figure.picture { background: #fff; border: 1px solid var(--line); border-radius: 12px; margin: 0 0 28px; padding: 16px; overflow-x: auto; }
figure.picture svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figure.picture figcaption { color: var(--muted); margin-top: 8px; font-size: 14px; }
section.notes { margin: 0 0 28px; }
section.notes > header { display: flex; justify-content: space-between; align-items: baseline; gap: 12px; border-bottom: 2px solid var(--line); padding-bottom: 6px; margin-bottom: 12px; }
.section-count { color: var(--muted); white-space: nowrap; }
.section-count.has-fail { color: var(--fail); font-weight: 600; }
article.check { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--pass); border-radius: 10px; padding: 14px 18px; margin: 0 0 12px; }
article.check.fail { border-left-color: var(--fail); background: var(--fail-bg); }
.check-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; }
.mark { font-weight: 800; font-size: 18px; color: var(--pass); width: 1.1em; flex: none; }
.fail .mark { color: var(--fail); }
.check-head h3 { flex: 1; }
.meta { color: var(--muted); font-size: 13px; }
.proves { margin: 6px 0 10px 30px; color: #334155; }
.label { margin: 8px 0 4px 30px; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
pre { margin: 0 0 0 30px; background: var(--code-bg); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.command { background: #0f172a; color: #e2e8f0; border-color: #0f172a; }
.fail pre.output { background: #fff; border-color: #fecaca; }
.cut { margin: 4px 0 0 30px; color: var(--muted); font-size: 13px; font-style: italic; }
.empty { color: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 12px; }
@media (max-width: 640px) {
  main { padding: 18px 12px 32px; }
  h1 { font-size: 23px; }
  .summary { grid-template-columns: 1fr; padding: 16px; gap: 10px; }
  .facts { grid-template-columns: 1fr; }
  .facts dt { font-weight: 600; margin-top: 4px; }
  .proves, .label, pre, .cut { margin-left: 0; }
  section.notes > header { flex-wrap: wrap; }
  figure.picture svg { max-width: none; width: 760px; }
}
`;

function cutNote(out: TrimmedOutput): string | undefined {
    if (out.omittedLines === 0 && out.omittedChars === 0) return undefined;
    return out.omittedLines > 0
        ? `… ${out.omittedLines} more line${out.omittedLines === 1 ? "" : "s"} not shown`
        : `… ${out.omittedChars} more characters not shown`;
}

function renderCheckHtml(v: VerifiedCheck, imageRef: string): string {
    const { check, result } = v;
    const out = checkOutput(v);
    const cut = cutNote(out);
    const state = result.passed ? "pass" : "fail";
    return [
        `<article class="check ${state}" id="check-${escapeHtml(check.id)}" data-check="${escapeHtml(check.id)}" data-result="${state}">`,
        '<div class="check-head">',
        `<span class="mark" role="img" aria-label="${result.passed ? "passed" : "failed"}">${result.passed ? "✓" : "✗"}</span>`,
        `<h3>${htmlText(check.title)}</h3>`,
        `<span class="meta"><code>${escapeHtml(check.id)}</code> · ${result.passed ? "passed" : `failed (exit ${result.status ?? "none"})`} · ${formatDuration(result.durationMs)}</span>`,
        "</div>",
        `<p class="proves">${htmlText(check.proves)}</p>`,
        '<p class="label">Command</p>',
        `<pre class="command"><code>${htmlText(checkCommand(check, imageRef))}</code></pre>`,
        `<p class="label">${result.passed ? "Output" : "Failure report"}</p>`,
        `<pre class="output"><code>${out.text === "" ? '<span class="empty">(no output)</span>' : htmlText(out.text)}</code></pre>`,
        ...(cut ? [`<p class="cut">${escapeHtml(cut)}</p>`] : []),
        "</article>",
    ].join("\n");
}

function sectionHeadingHtml(section: ReportSection): string {
    const rest = section.heading.startsWith(`${section.id} `) ? section.heading.slice(section.id.length + 1) : section.heading;
    return `<span class="num">${escapeHtml(section.id)}</span> ${htmlText(rest)}`;
}

function countText(passed: number, failed: number): string {
    const total = passed + failed;
    return `${passed} of ${total} passed${failed > 0 ? `, ${failed} failed` : ""}`;
}

/** The report as one self-contained HTML page: inline style and SVG, no script, no external resource. */
export function renderReportHtml(report: VerifyReport): string {
    const verdict = overall(report);
    const sections = reportSections(report);
    const total = report.checks.length;
    const title = `docker-lab report: ${report.instance} ${verdict}`;
    const e = escapeHtml;

    const facts: [string, string][] = [
        ["Verified at", `<time datetime="${e(report.startedAt)}">${e(formatTime(report.startedAt))}</time>`],
        ["Engine", e(report.engine)],
        ["Lab instance", `<code>${e(report.instance)}</code>`],
        ["Image", `<code>${e(report.imageRef)}</code>`],
        ["Registry", `<code>${e(report.spec.registry.url)}</code>`],
        ["App URLs", report.spec.appUrls.map((u) => `<code>${e(u)}</code>`).join(" ")],
        ["Took", e(formatDuration(report.durationMs))],
    ];
    const toc = sections
        .filter((s) => s.checks.length > 0)
        .map(
            (s) =>
                `<li><a href="#${sectionAnchor(s.id)}"${s.failed > 0 ? ' class="has-fail"' : ""}>${s.failed > 0 ? "✗" : "✓"} ${htmlText(s.heading)} (${s.passed}/${s.checks.length})</a></li>`,
        );

    const body: string[] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        `<title>${e(title)}</title>`,
        `<style>${STYLE}</style>`,
        "</head>",
        "<body>",
        "<main>",
        `<h1>Docker lab report: ${e(report.instance)}</h1>`,
        `<p class="subtitle">Every lesson of the Docker study notes (<span lang="zh-CN">Docker 学习笔记</span>), proved by a command run on the lab.</p>`,
        `<section class="summary ${verdict === "PASS" ? "pass" : "fail"}" aria-labelledby="summary-heading">`,
        `<h2 id="summary-heading" class="verdict" data-verdict="${verdict}">${verdict}</h2>`,
        `<p class="counts"><span class="n-pass">${report.passed} passed</span>, <span class="n-fail">${report.failed} failed</span> of ${total} lesson checks</p>`,
        '<dl class="facts">',
        ...facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`),
        "</dl>",
        `<nav class="toc" aria-label="Notes sections"><ol>${toc.join("")}</ol></nav>`,
        "</section>",
        '<figure class="picture">',
        renderLabSvg(report.spec, report.imageRef),
        `<figcaption>The lab: ${report.spec.replicas.length} replica${report.spec.replicas.length === 1 ? "" : "s"} of the image and the local registry on the network <code>${e(report.spec.network.name)}</code>, published on the host.</figcaption>`,
        "</figure>",
    ];
    for (const s of sections) {
        body.push(
            `<section class="notes" id="${sectionAnchor(s.id)}" data-section="${e(s.id)}">`,
            "<header>",
            `<h2>${sectionHeadingHtml(s)}</h2>`,
            `<span class="section-count${s.failed > 0 ? " has-fail" : ""}">${s.checks.length === 0 ? "no checks" : countText(s.passed, s.failed)}</span>`,
            "</header>",
            ...(s.checks.length === 0
                ? ['<p class="empty">No lesson check covers this section.</p>']
                : s.checks.map((v) => renderCheckHtml(v, report.imageRef))),
            "</section>",
        );
    }
    body.push(
        `<footer>Written by docker-lab from the lesson checks of <code>${e(report.instance)}</code>. Run <code>npm run up</code> to check again.</footer>`,
        "</main>",
        "</body>",
        "</html>",
        "",
    );
    return body.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Markdown

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

/** The report as Markdown: summary table, then each notes section with each check's command and output. */
export function renderReportMarkdown(report: VerifyReport): string {
    const verdict = overall(report);
    const sections = reportSections(report);
    const digest = shortDigest(report.imageRef);
    const lines: string[] = [
        `# Docker lab report: ${report.instance}`,
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
        `| App URLs | ${cell(report.spec.appUrls.map(inlineCode).join(" "))} |`,
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
        `- network ${inlineCode(report.spec.network.name)}`,
        `- registry ${inlineCode(report.spec.registry.container.name)} (${inlineCode(report.spec.registry.image)}), published on ${report.spec.registry.container.ports.map((p) => inlineCode(hostPort(p.ip, p.external))).join(", ")}`,
        `- image ${inlineCode(report.spec.image.name)}${digest ? ` (${inlineCode(digest)})` : ""}`,
        ...report.spec.replicas.map(
            (r, i) =>
                `- replica ${i} ${inlineCode(r.name)}, published on ${r.ports.map((p) => inlineCode(hostPort(p.ip, p.external))).join(", ")}`,
        ),
        "",
        "The HTML report (`lab-report/index.html`) draws this as a picture.",
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
                `### ${result.passed ? "✓" : "✗"} ${check.title}`,
                "",
                `${inlineCode(check.id)}: ${result.passed ? "passed" : `**failed** (exit ${result.status ?? "none"})`} in ${formatDuration(result.durationMs)}. ${check.proves}`,
                "",
                fence(checkCommand(check, report.imageRef), "sh"),
                "",
                result.passed ? "Output:" : "Failure report:",
                "",
                fence(out.text === "" ? "(no output)" : out.text, "text"),
                ...(cut ? ["", `_${cut}_`] : []),
            );
        }
    }
    lines.push("");
    return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Files

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
