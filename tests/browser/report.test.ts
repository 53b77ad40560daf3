import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { buildLabSpec, hostPort, NOTES_SECTIONS } from "../../lab";
import { type VerifyReport, writeLabReport } from "../../tools";
import { labConfig } from "../../tools/stack";
import { replicasOf } from "../helpers/specs";
import { syntheticReport } from "../helpers/syntheticReport";
import { describeBrowser, LAUNCH_OPTIONS } from "./chromium";

jest.setTimeout(60_000);

/** Where CI keeps the screenshot (git-ignored). */
const SCREENSHOT = path.join(__dirname, "..", "..", "artifacts", "lab-report.png");

const spec = buildLabSpec(labConfig(), { project: "docker-lab", stack: "dev", appDir: "app" });
const failing = spec.checks.find((c) => c.section === "01.02" && c.id.includes("exec"))!;

/** Synthetic results on the real spec: every check passes except `failing`, whose stderr is a failure report. */
const makeReport = (): VerifyReport =>
    syntheticReport(spec, { failingId: failing.id, output: (id) => `output of ${id} <b>not bold</b> & done` });

describeBrowser("lab report in headless chromium", () => {
    const report = makeReport();
    let root: string;
    let pageUrl: string;
    let browser: Browser;
    let page: Page;
    const consoleErrors: string[] = [];
    const failedRequests: string[] = [];
    const requests: string[] = [];

    beforeAll(async () => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "lab-report-browser-"));
        pageUrl = pathToFileURL(writeLabReport(report, root).html).href;
        browser = await chromium.launch(LAUNCH_OPTIONS);
        page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        page.on("console", (m) => {
            if (m.type() === "error") consoleErrors.push(m.text());
        });
        page.on("pageerror", (e) => consoleErrors.push(String(e)));
        page.on("requestfailed", (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
        page.on("request", (r) => requests.push(r.url()));
        await page.goto(pageUrl, { waitUntil: "load" });
    });

    afterAll(async () => {
        await browser?.close();
        if (root) fs.rmSync(root, { recursive: true, force: true });
    });

    test("the fixture has two replicas and exactly one failing check", () => {
        expect(replicasOf(spec)).toHaveLength(2);
        expect(report.failed).toBe(1);
        expect(report.passed).toBe(spec.checks.length - 1);
    });

    test("shows the title and the summary with FAIL and the counts", async () => {
        await expect(page.title()).resolves.toBe("docker-lab report: docker-lab-dev FAIL");
        const h1 = page.locator("h1");
        expect(await h1.isVisible()).toBe(true);
        expect(await h1.textContent()).toBe("Docker lab report: docker-lab-dev");
        const summary = page.locator("section.summary");
        expect(await summary.isVisible()).toBe(true);
        expect(await summary.locator(".verdict").textContent()).toBe("FAIL");
        expect(await summary.locator(".counts").textContent()).toBe(
            `${report.passed} passed, 1 failed of ${spec.checks.length} lesson checks`,
        );
        const facts = await summary.locator(".facts").textContent();
        for (const text of ["2025-11-28 03:57:12 UTC", report.engine, report.imageRef, spec.instance]) expect(facts).toContain(text);
    });

    test("shows each notes section heading, in the notes' order", async () => {
        const headings = page.locator("section.notes > header > h2");
        expect(await headings.allInnerTexts()).toEqual(Object.values(NOTES_SECTIONS));
        for (const id of Object.keys(NOTES_SECTIONS)) {
            expect(await page.locator(`section.notes[data-section="${id}"] h2`).isVisible()).toBe(true);
        }
    });

    test("shows every check with its result; the failing one with ✗, its title and its failure report", async () => {
        expect(await page.locator("article.check").count()).toBe(spec.checks.length);
        expect(await page.locator('article.check[data-result="pass"] .mark').allInnerTexts()).toEqual(
            Array(spec.checks.length - 1).fill("✓"),
        );
        const failed = page.locator('article.check[data-result="fail"]');
        expect(await failed.count()).toBe(1);
        expect(await failed.isVisible()).toBe(true);
        expect(await failed.locator(".mark").textContent()).toBe("✗");
        expect(await failed.locator("h3").textContent()).toBe(failing.title.en);
        expect(await failed.locator("pre.output").textContent()).toContain(`Error: No such container: ${replicasOf(spec)[0].name}`);
        expect(await page.locator(`section[data-section="${failing.section}"] .section-count`).textContent()).toMatch(/, 1 failed$/);
        // Output is text, not markup.
        expect(await page.locator("article.check b").count()).toBe(0);
        expect(await page.locator(`article[data-check="${spec.checks[0].id}"] pre.output`).textContent()).toBe(
            `output of ${spec.checks[0].id} <b>not bold</b> & done`,
        );
    });

    test("the document is English and all Chinese text is inside lang=zh-CN", async () => {
        const langs = await page.evaluate(() => {
            const doc = (globalThis as any).document;
            const cjk = /[\u4e00-\u9fff]/;
            const walker = doc.createTreeWalker(doc.documentElement, 4 /* NodeFilter.SHOW_TEXT */);
            const unmarked: string[] = [];
            let chinese = 0;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (!cjk.test(node.nodeValue)) continue;
                chinese++;
                if (!node.parentElement?.closest('[lang="zh-CN"]')) unmarked.push(node.nodeValue.trim());
            }
            const zh = [...doc.querySelectorAll('[lang="zh-CN"]')];
            return {
                root: doc.documentElement.lang,
                chinese,
                unmarked,
                zhWithoutChinese: zh.filter((el: any) => !cjk.test(el.textContent)).map((el: any) => el.outerHTML),
                h1Lang: doc.querySelector("h1").closest("[lang]").lang,
            };
        });
        expect(langs.root).toBe("en");
        expect(langs.h1Lang).toBe("en");
        expect(langs.chinese).toBeGreaterThan(Object.keys(NOTES_SECTIONS).length);
        expect(langs.unmarked).toEqual([]);
        expect(langs.zhWithoutChinese).toEqual([]);
    });

    test("draws the lab as an SVG with one element per replica and its port", async () => {
        const svg = page.locator('figure.picture svg[role="img"]');
        expect(await svg.count()).toBe(1);
        expect(await svg.isVisible()).toBe(true);
        expect(await svg.getAttribute("aria-label")).toContain(spec.network.name);
        const replicas = svg.locator("g.lab-replica");
        expect(await replicas.count()).toBe(2);
        for (const [i, replica] of replicasOf(spec).entries()) {
            const g = svg.locator(`g.lab-replica[data-replica="${i}"]`);
            expect(await g.getAttribute("data-port")).toBe(String(replica.ports[0].external));
            expect(await g.isVisible()).toBe(true);
            expect(await g.locator("text").allTextContents()).toEqual(
                expect.arrayContaining([replica.name, hostPort(replica.ports[0].ip, replica.ports[0].external)]),
            );
        }
        expect(await svg.locator("g.lab-registry").getAttribute("data-port")).toBe(String(spec.registry.container.ports[0].external));
        const box = await svg.boundingBox();
        expect(box!.width).toBeGreaterThan(600);
    });

    test("loads nothing but itself: no console error, no failed or other request", async () => {
        expect(consoleErrors).toEqual([]);
        expect(failedRequests).toEqual([]);
        expect(requests.filter((u) => u !== pageUrl)).toEqual([]);
        expect(await page.locator("script, link, img, iframe").count()).toBe(0);
    });

    test("has no horizontal scrolling, on a laptop and on a phone", async () => {
        const overflow = () =>
            page.evaluate(() => {
                const el = (globalThis as any).document.documentElement;
                return el.scrollWidth - el.clientWidth;
            });
        expect(await overflow()).toBeLessThanOrEqual(0);
        const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
        try {
            await phone.goto(pageUrl, { waitUntil: "load" });
            expect(
                await phone.evaluate(() => {
                    const el = (globalThis as any).document.documentElement;
                    return el.scrollWidth - el.clientWidth;
                }),
            ).toBeLessThanOrEqual(0);
        } finally {
            await phone.close();
        }
    });

    test("saves a full-page screenshot as a CI artifact", async () => {
        fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        const png = fs.readFileSync(SCREENSHOT);
        expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
        expect(png.length).toBeGreaterThan(20_000);
    });
});
