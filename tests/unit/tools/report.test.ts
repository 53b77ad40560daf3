import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    buildLabSpec,
    FAIL_MARKER,
    IMAGE_REF_PLACEHOLDER,
    type LabSpec,
    NOTES_SECTIONS,
    PASS_MARKER,
    type SpecContext,
} from "../../../lab";
import * as tools from "../../../tools";
import {
    checkOutput,
    escapeHtml,
    renderLabSvg,
    renderReportHtml,
    renderReportMarkdown,
    trimOutput,
    type VerifyReport,
    writeLabReport,
} from "../../../tools/report";
import { labConfig } from "../../../tools/stack";
import { replicasOf } from "../../helpers/specs";
import { syntheticReport } from "../../helpers/syntheticReport";

const ctx: SpecContext = { project: "docker-lab", stack: "dev", appDir: "app" };
const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
const FAILING = "01.02-exec-head";
const NASTY = `<script>alert("x")</script> & 'quotes' | pipe`;

/** A report on `spec` with synthetic results: every check passes except `FAILING`; `02-http-0` prints hostile text. */
function makeReport(spec: LabSpec): VerifyReport {
    return syntheticReport(spec, {
        failingId: FAILING,
        output: (id) => (id === "02-http-0" ? NASTY : `output of ${id}`),
        failureGot: "No such container: <gone> & more",
    });
}

const defaultSpec = buildLabSpec(labConfig(), ctx);
const threeSpec = buildLabSpec(labConfig({ replicas: "3", appPort: "9100" }), ctx);
const report = makeReport(threeSpec);
const html = renderReportHtml(report);
const markdown = renderReportMarkdown(report);

/** Text content of the HTML with tags removed and entities decoded (for "what the reader sees" assertions). */
function visibleText(page: string): string {
    return page
        .replace(/<style>[\s\S]*?<\/style>/g, "")
        .replace(/<[^>]+>/g, "")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, "&");
}

describe("the report fixture", () => {
    test("has passing checks, exactly one failing check and three replicas", () => {
        expect(replicasOf(threeSpec)).toHaveLength(3);
        expect(report.failed).toBe(1);
        expect(report.passed).toBe(threeSpec.checks.length - 1);
        expect(report.checks.find((c) => !c.result.passed)?.check.id).toBe(FAILING);
    });
});

describe("renderReportHtml", () => {
    test("is one document in English with a summary: counts, FAIL, time, engine, instance, image", () => {
        expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
        expect(html).toContain('<meta charset="utf-8">');
        const text = visibleText(html);
        expect(text).toContain(`${report.passed} passed, 1 failed of ${report.checks.length} lesson checks`);
        expect(html).toContain('data-verdict="FAIL"');
        expect(text).toContain("2025-11-28 03:57:12 UTC");
        expect(text).toContain("unix:///var/run/docker.sock (Docker 20.10.24)");
        expect(text).toContain(threeSpec.instance);
        expect(text).toContain(report.imageRef);
    });

    test("says PASS when every check passed", () => {
        const ok = makeReport(defaultSpec);
        ok.checks = ok.checks.filter((c) => c.result.passed);
        ok.failed = 0;
        ok.passed = ok.checks.length;
        const page = renderReportHtml(ok);
        expect(page).toContain('data-verdict="PASS"');
        expect(page).not.toContain('data-verdict="FAIL"');
        expect(visibleText(page)).toContain(`${ok.checks.length} passed, 0 failed`);
    });

    test("has one section per notes section, in the notes' order, with the Chinese marked lang=zh-CN", () => {
        const ids = [...html.matchAll(/<section class="notes" id="[^"]+" data-section="([^"]+)">/g)].map((m) => m[1]);
        expect(ids).toEqual(["00", "01.01", "01.02", "01.03", "01.04", "02"]);
        expect(html).toContain('<h2><span class="num">01.02</span> <span lang="zh-CN">容器</span> container</h2>');
        expect(html).toContain('<h2><span class="num">00</span> <span lang="zh-CN">虚拟化容器介绍</span></h2>');
        expect(html).toContain('<h2><span class="num">01.04</span> Docker<span lang="zh-CN">架构</span></h2>');
        const text = visibleText(html);
        for (const heading of Object.values(NOTES_SECTIONS)) expect(text).toContain(heading);
    });

    test("every run of Chinese text is inside an element with lang=zh-CN", () => {
        const body = html.replace(/<style>[\s\S]*?<\/style>/g, "");
        const stripped = body.replace(/<(span|tspan) lang="zh-CN"[^>]*>[^<]*<\/\1>/g, "");
        expect(stripped).not.toMatch(/[\u4e00-\u9fff]/);
        expect(body).toMatch(/[\u4e00-\u9fff]/);
    });

    test("every check appears in its section with mark, title, proves, command, output and duration", () => {
        const sectionOf = (id: string) => {
            const start = html.indexOf(`data-section="${id}">`);
            const end = html.indexOf("</section>", start);
            return html.slice(start, end);
        };
        for (const { check, result } of report.checks) {
            const part = sectionOf(check.section);
            const start = part.indexOf(`data-check="${escapeHtml(check.id)}"`);
            expect({ id: check.id, found: start >= 0 }).toEqual({ id: check.id, found: true });
            const article = part.slice(start, part.indexOf("</article>", start));
            expect(article).toContain(`data-result="${result.passed ? "pass" : "fail"}"`);
            expect(article).toContain(result.passed ? ">✓</span>" : ">✗</span>");
            expect(visibleText(article)).toContain(check.title.en);
            expect(visibleText(article)).toContain(check.proves.en);
            expect(article).toMatch(/<pre class="command"><code>[^<]/);
            const shown = result.durationMs < 1000 ? `${result.durationMs} ms` : `${(result.durationMs / 1000).toFixed(1)} s`;
            expect(article).toContain(` · ${shown}</span>`);
        }
    });

    test("commands are shown with the image reference filled in", () => {
        expect(html).not.toContain(IMAGE_REF_PLACEHOLDER);
        expect(visibleText(html)).toContain(`docker save ${report.imageRef} | tar -tf -`);
    });

    test("the failing check shows its failure report from stderr", () => {
        const start = html.indexOf(`data-check="${FAILING}"`);
        const article = html.slice(start, html.indexOf("</article>", start));
        expect(article).toContain('data-result="fail"');
        expect(article).toContain("Failure report");
        expect(article).toContain("No such container: &lt;gone&gt; &amp; more");
        expect(article).toContain("failed (exit 1)");
    });

    test("escapes all dynamic text: no markup from output or commands gets through", () => {
        expect(html).not.toContain("<script");
        expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; | pipe");
        expect(visibleText(html)).toContain(NASTY);
        // Commands contain quotes, pipes and redirections, all escaped.
        expect(html).toContain("2&gt;/dev/null");
        expect(html).not.toContain("2>/dev/null");
    });

    test("output drops the pass marker line", () => {
        expect(html).not.toContain(PASS_MARKER);
        expect(visibleText(html)).toContain("output of 00-shared-kernel");
    });

    test("is self-contained: no script, no external resource, every link stays on the page", () => {
        expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|src=/i);
        // Attributes holding a URL: only the SVG namespace, and in-page fragments.
        const urlAttributes = [...html.matchAll(/\s([a-z:-]+)="([^"]*:\/\/[^"]*)"/gi)].map((m) => `${m[1]}=${m[2]}`);
        expect(urlAttributes).toEqual(["xmlns=http://www.w3.org/2000/svg"]);
        for (const m of html.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^#[A-Za-z0-9-]+$/);
        for (const m of html.matchAll(/url\(([^)]*)\)/g)) expect(m[1]).toMatch(/^#/);
        // The page's own fragment links point at sections that exist.
        for (const m of html.matchAll(/href="#([^"]+)"/g)) expect(html).toContain(`id="${m[1]}"`);
    });

    test("contains the SVG picture once", () => {
        expect(html.match(/<svg /g)).toHaveLength(1);
        expect(html).toContain(renderLabSvg(threeSpec, report.imageRef));
    });

    test("is deterministic", () => {
        expect(renderReportHtml(makeReport(threeSpec))).toBe(html);
    });
});

describe("renderLabSvg", () => {
    test("is labelled for assistive technology", () => {
        const svg = renderLabSvg(defaultSpec);
        expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* role="img" aria-label="Lab docker-lab-dev: [^"]+"/);
        expect(svg).toContain(
            "<title>Lab docker-lab-dev: network docker-lab-dev-net joins the registry docker-lab-dev-registry and 2 replicas",
        );
        expect(svg.trim().endsWith("</svg>")).toBe(true);
    });

    test("draws one group per replica with its name and published port", () => {
        const svg = renderLabSvg(threeSpec);
        const groups = [
            ...svg.matchAll(/<g class="lab-replica" data-replica="(\d+)" data-name="([^"]+)" data-port="(\d+)">([\s\S]*?)<\/g>/g),
        ];
        expect(groups.map((g) => [g[1], g[2], g[3]])).toEqual([
            ["0", "docker-lab-dev-app-0", "9100"],
            ["1", "docker-lab-dev-app-1", "9101"],
            ["2", "docker-lab-dev-app-2", "9102"],
        ]);
        for (const g of groups) {
            expect(g[4]).toContain(`>${g[2]}</text>`);
            expect(g[4]).toContain(`>127.0.0.1:${g[3]}</text>`);
        }
    });

    test("draws the registry with its published port, the network, the image and its digest", () => {
        const svg = renderLabSvg(threeSpec, `${threeSpec.image.repository}@${digest}`);
        expect(svg).toMatch(
            /<g class="lab-registry" data-name="docker-lab-dev-registry" data-port="5000">[\s\S]*?>127\.0\.0\.1:5000<\/text>/,
        );
        expect(svg).toContain('<g class="lab-network" data-name="docker-lab-dev-net">');
        expect(svg).toContain(`data-name="${threeSpec.image.name}" data-digest="sha256:0123456789ab"`);
        expect(svg).toContain(">sha256:0123456789ab</text>");
        // The repository:tag is drawn, wrapped at '/'.
        expect(svg).toContain(">localhost:5000/</text>");
        expect(svg).toContain(">docker-lab-dev/</text>");
        expect(svg).toContain(">hellodocker:1.0.0</text>");
        expect(renderLabSvg(threeSpec)).not.toContain("data-digest");
    });

    test("lays out 1 to 20 replicas deterministically, taller with more replicas, inside the viewBox", () => {
        let lastHeight = 0;
        for (const n of [1, 2, 7, 20]) {
            const spec = buildLabSpec(labConfig({ replicas: String(n) }), ctx);
            const svg = renderLabSvg(spec);
            expect(renderLabSvg(spec)).toBe(svg);
            expect(svg.match(/<g class="lab-replica"/g)).toHaveLength(n);
            const [, w, h] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!.map(Number);
            expect(h).toBeGreaterThan(lastHeight);
            lastHeight = h;
            for (const m of svg.matchAll(/ (?:x|x1|x2|cx)="([\d.]+)"/g)) expect(Number(m[1])).toBeLessThanOrEqual(w);
            for (const m of svg.matchAll(/ (?:y|y1|y2|cy)="([\d.]+)"/g)) expect(Number(m[1])).toBeLessThanOrEqual(h);
            const ys = [...svg.matchAll(/<g class="lab-replica"[\s\S]*?<rect x="280" y="(\d+)"/g)].map((m) => Number(m[1]));
            expect(ys).toHaveLength(n);
            for (let i = 1; i < ys.length; i++) expect(ys[i]).toBeGreaterThan(ys[i - 1]);
        }
    });

    test("escapes names and shows IPv6 binds in brackets", () => {
        const spec = buildLabSpec(labConfig({ bindAddress: "::1" }), ctx);
        const svg = renderLabSvg(spec);
        expect(svg).toContain(">[::1]:8080</text>");
        const hostile = { ...spec, instance: `a<b>&"c` };
        expect(renderLabSvg(hostile)).toContain("Lab a&lt;b&gt;&amp;&quot;c:");
        expect(renderLabSvg(hostile)).not.toContain("a<b>");
    });
});

describe("renderReportMarkdown", () => {
    test("has the summary", () => {
        expect(markdown.startsWith(`# Docker lab report: ${threeSpec.instance}\n`)).toBe(true);
        expect(markdown).toContain(`**FAIL**: ${report.passed} passed, 1 failed of ${report.checks.length} lesson checks.`);
        expect(markdown).toContain("| Verified at | 2025-11-28 03:57:12 UTC |");
        expect(markdown).toContain("| Engine | unix:///var/run/docker.sock (Docker 20.10.24) |");
        expect(markdown).toContain(`| Image | \`${report.imageRef}\` |`);
    });

    test("has each notes section as a heading, in order", () => {
        const headings = [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
        expect(headings.filter((h) => h !== "The lab")).toEqual(Object.values(NOTES_SECTIONS));
    });

    test("has each check's title with its mark and each command in a fenced block", () => {
        for (const { check, result } of report.checks) {
            expect(markdown).toContain(`### ${result.passed ? "✓" : "✗"} ${check.title.en}\n`);
        }
        const blocks = [...markdown.matchAll(/^(`{3,})sh\n([\s\S]*?)\n\1$/gm)].map((m) => m[2]);
        expect(blocks).toHaveLength(report.checks.length);
        expect(blocks).toContain(`docker save ${report.imageRef} | tar -tf -`);
        expect(blocks).toContain(threeSpec.checks.find((c) => c.id === "02-http-2")!.command);
    });

    test("shows output without the pass marker and the failure report of the failing check", () => {
        expect(markdown).not.toContain(PASS_MARKER);
        expect(markdown).toContain(`${FAIL_MARKER} ${FAILING}`);
        expect(markdown).toContain(`\`\`\`text\n${NASTY}\n\`\`\``);
    });

    test("escapes pipes in table cells and keeps backticks inside fences", () => {
        const odd = makeReport(threeSpec);
        odd.engine = "tcp://a|b";
        odd.checks[0] = { ...odd.checks[0], result: { ...odd.checks[0].result, stdout: `${PASS_MARKER} x\nbefore\n\`\`\`\nafter` } };
        const md = renderReportMarkdown(odd);
        expect(md).toContain("| Engine | tcp://a\\|b |");
        expect(md).toContain("````text\nbefore\n```\nafter\n````");
    });
});

describe("output trimming", () => {
    test("keeps the first 15 lines and 2000 characters and says how much was cut", () => {
        const long = Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n");
        expect(trimOutput(long)).toEqual({
            text: Array.from({ length: 15 }, (_, i) => `line ${i}`).join("\n"),
            omittedLines: 25,
            omittedChars: long.length - Array.from({ length: 15 }, (_, i) => `line ${i}`).join("\n").length,
        });
        const wide = "x".repeat(5000);
        expect(trimOutput(wide).text).toHaveLength(2000);
        expect(trimOutput(wide).omittedChars).toBe(3000);
        expect(trimOutput("a\nb\n\n")).toEqual({ text: "a\nb", omittedLines: 0, omittedChars: 0 });
    });

    test("a long output is cut in the report with a note", () => {
        const r = makeReport(defaultSpec);
        const long = Array.from({ length: 40 }, (_, i) => `layer ${i}`).join("\n");
        r.checks[3] = { ...r.checks[3], result: { ...r.checks[3].result, stdout: `${PASS_MARKER} x\n${long}\n` } };
        expect(checkOutput(r.checks[3]).omittedLines).toBe(25);
        const page = renderReportHtml(r);
        expect(page).toContain("layer 14");
        expect(page).not.toContain("layer 15");
        expect(page).toContain("… 25 more lines not shown");
        expect(renderReportMarkdown(r)).toContain("_… 25 more lines not shown_");
    });

    test("a failed check without stderr shows its stdout, or its exit status", () => {
        const r = makeReport(defaultSpec);
        const base = r.checks[0];
        expect(checkOutput({ ...base, result: { ...base.result, passed: false, status: 2, stdout: "partial", stderr: "" } }).text).toBe(
            "partial",
        );
        expect(checkOutput({ ...base, result: { ...base.result, passed: false, status: 2, stdout: "", stderr: "" } }).text).toBe(
            "exit status 2, no output",
        );
    });
});

describe("writeLabReport", () => {
    test("writes lab-report/index.html and lab-report.md under the root and returns their paths", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "lab-report-"));
        try {
            const paths = writeLabReport(report, root);
            expect(paths).toEqual({ html: path.join(root, "lab-report", "index.html"), markdown: path.join(root, "lab-report.md") });
            expect(fs.readFileSync(paths.html, "utf8")).toBe(html);
            expect(fs.readFileSync(paths.markdown, "utf8")).toBe(markdown);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    test("is exported from tools/index", () => {
        expect(tools.writeLabReport).toBe(writeLabReport);
        expect(tools.renderLabSvg).toBe(renderLabSvg);
    });
});
