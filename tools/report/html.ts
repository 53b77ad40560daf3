import { isClassSpec } from "../../lab";
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
    type ReportSection,
    reportAppUrls,
    reportReplicas,
    reportRoster,
    reportSections,
    type VerifiedCheck,
    type VerifyReport,
} from "./model";
import { escapeHtml, renderLabSvg } from "./svg";

/** Han characters, CJK punctuation and full-width forms: text that the HTML marks `lang="zh-CN"`. */
const CJK_RUN =
    /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+(?:\s+[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+)*/g;

/** Han characters: what makes a run Chinese text rather than punctuation alone. */
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

/** Escaped text with every run of Chinese characters wrapped in an element carrying `lang="zh-CN"`. */
function htmlText(text: string, tag = "span"): string {
    // A run of punctuation alone (the "）。" after an English command in a Chinese sentence) is no Chinese text to mark.
    return escapeHtml(text).replace(CJK_RUN, (run) => (HAN.test(run) ? `<${tag} lang="zh-CN">${run}</${tag}>` : run));
}

function sectionAnchor(id: string): string {
    return `section-${id.replace(/[^A-Za-z0-9]+/g, "-")}`;
}

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
.title-zh { margin: 2px 0 0 30px; font-weight: 600; }
.proves { margin: 6px 0 10px 30px; color: #334155; }
.label { margin: 8px 0 4px 30px; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
pre { margin: 0 0 0 30px; background: var(--code-bg); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.command { background: #0f172a; color: #e2e8f0; border-color: #0f172a; }
.fail pre.output { background: #fff; border-color: #fecaca; }
.cut { margin: 4px 0 0 30px; color: var(--muted); font-size: 13px; font-style: italic; }
.empty { color: var(--muted); font-style: italic; }
section.roster { margin: 0 0 28px; overflow-x: auto; }
table.roster { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); margin-top: 10px; font-size: 14px; }
table.roster th, table.roster td { border-bottom: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
footer { color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 12px; }
@media (max-width: 640px) {
  main { padding: 18px 12px 32px; }
  h1 { font-size: 23px; }
  .summary { grid-template-columns: 1fr; padding: 16px; gap: 10px; }
  .facts { grid-template-columns: 1fr; }
  .facts dt { font-weight: 600; margin-top: 4px; }
  .title-zh, .proves, .label, pre, .cut { margin-left: 0; }
  section.notes > header { flex-wrap: wrap; }
  figure.picture svg { max-width: none; width: 760px; }
}
`;

function renderCheckHtml(v: VerifiedCheck, imageRef: string): string {
    const { check, result } = v;
    const out = checkOutput(v);
    const cut = cutNote(out);
    const state = result.passed ? "pass" : "fail";
    // In a class every student has each check: the student makes the id unique.
    const anchor = check.student === undefined ? check.id : `${check.student}-${check.id}`;
    const student = check.student === undefined ? "" : ` data-student="${escapeHtml(check.student)}"`;
    return [
        `<article class="check ${state}" id="check-${escapeHtml(anchor)}" data-check="${escapeHtml(check.id)}"${student} data-result="${state}">`,
        '<div class="check-head">',
        `<span class="mark" role="img" aria-label="${result.passed ? "passed" : "failed"}">${result.passed ? "✓" : "✗"}</span>`,
        `<h3>${htmlText(checkHeading(check))}</h3>`,
        `<span class="meta"><code>${escapeHtml(check.id)}</code> · ${result.passed ? "passed" : `failed (exit ${result.status ?? "none"})`} · ${checkTiming(v)}</span>`,
        "</div>",
        `<p class="title-zh">${htmlText(check.title.zh)}</p>`,
        `<p class="proves">${htmlText(check.proves.en)}<br>${htmlText(check.proves.zh)}</p>`,
        `<p class="label">Command · ${htmlText("命令")}</p>`,
        `<pre class="command"><code>${htmlText(checkCommand(check, imageRef))}</code></pre>`,
        `<p class="label">${result.passed ? `Output · ${htmlText("输出")}` : `Failure report · ${htmlText("失败报告")}`}</p>`,
        `<pre class="output"><code>${out.text === "" ? '<span class="empty">(no output)</span>' : htmlText(out.text)}</code></pre>`,
        ...(cut ? [`<p class="cut">${escapeHtml(cut)}</p>`] : []),
        "</article>",
    ].join("\n");
}

function sectionHeadingHtml(section: ReportSection): string {
    const rest = section.heading.startsWith(`${section.id} `) ? section.heading.slice(section.id.length + 1) : section.heading;
    return `<span class="num">${escapeHtml(section.id)}</span> ${htmlText(rest)}`;
}

/** A class's roster as a table: one row per student with their result, URLs, containers and repository (nothing for one learner). */
function rosterHtml(report: VerifyReport): string[] {
    const roster = reportRoster(report);
    if (roster.length === 0) return [];
    const e = escapeHtml;
    const codes = (items: string[]) => items.map((i) => `<code>${e(i)}</code>`).join(" ");
    return [
        '<section class="roster" aria-labelledby="roster-heading">',
        '<h2 id="roster-heading">Roster</h2>',
        '<table class="roster"><thead><tr><th scope="col">student</th><th scope="col">result</th><th scope="col">app URLs</th><th scope="col">containers</th><th scope="col">repository</th></tr></thead><tbody>',
        ...roster.map(
            (r) =>
                `<tr data-student="${e(r.student)}" data-result="${r.failed > 0 ? "fail" : "pass"}"><th scope="row">${e(r.student)}</th><td>${r.failed > 0 ? "✗" : "✓"} ${e(countText(r.passed, r.failed))}</td><td>${codes(r.urls)}</td><td>${codes(r.containers)}</td><td>${codes([r.repository])}</td></tr>`,
        ),
        "</tbody></table>",
        "</section>",
    ];
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
        [
            "App URLs",
            reportAppUrls(report)
                .map((u) => `<code>${e(u)}</code>`)
                .join(" "),
        ],
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
        `<p class="subtitle">${htmlText("Docker 实验报告：笔记的每一课都由在实验上运行的命令来证明。")}</p>`,
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
        isClassSpec(report.spec)
            ? `<figcaption>The class: the local registry on the network <code>${e(report.spec.network.name)}</code>, published on the host; each student's lab is in the roster.</figcaption>`
            : `<figcaption>The lab: ${reportReplicas(report.spec).length} replica${reportReplicas(report.spec).length === 1 ? "" : "s"} of the image and the local registry on the network <code>${e(report.spec.network.name)}</code>, published on the host.</figcaption>`,
        "</figure>",
        ...rosterHtml(report),
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
                : s.checks.map((v) => renderCheckHtml(v, v.imageRef))),
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
