import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hostsIn, isEnginePackageName, isGoModulePath, isLoopback } from "../helpers/hosts";

// scripts/offline-images.sh takes debootstrap's Debian mirror from LAB_DEBIAN_MIRROR, else from the
// machine's apt sources (LAB_APT_ETC stands in for /etc/apt here). --print-mirror only reads files:
// it runs with a PATH that holds nothing but the text tools it needs, so no docker, apt or curl.
const SCRIPT = path.resolve(__dirname, "../../scripts/offline-images.sh");
const MAIN = "http://mirror.example.test/debian";
const SECURITY = "http://security.example.test/debian-security";

function which(tool: string): string {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const file = path.join(dir, tool);
        if (dir && fs.existsSync(file)) return file;
    }
    throw new Error(`${tool} not found on PATH`);
}

let root: string;
let toolDir: string;
let bash: string;

beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "offline-images-test-"));
    toolDir = path.join(root, "bin");
    fs.mkdirSync(toolDir);
    for (const tool of ["awk", "sort", "cut"]) fs.symlinkSync(which(tool), path.join(toolDir, tool));
    bash = which("bash");
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** An apt config dir holding `files` (path relative to it → content). */
function aptEtc(name: string, files: Record<string, string>): string {
    const dir = path.join(root, name);
    fs.mkdirSync(path.join(dir, "sources.list.d"), { recursive: true });
    for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), content);
    return dir;
}

function printMirror(aptDir: string, extraEnv: Record<string, string> = {}) {
    const env = { PATH: toolDir, HOME: root, LAB_APT_ETC: aptDir, ...extraEnv };
    const run = spawnSync(bash, [SCRIPT, "--print-mirror"], { env, encoding: "utf8", timeout: 20_000 });
    return { status: run.status, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
}

describe("offline-images.sh --print-mirror: the mirror comes from the apt sources", () => {
    test("deb822: the stanza listing the plain suite, not the security one listed before it", () => {
        const dir = aptEtc("deb822", {
            "sources.list.d/debian.sources": [
                "# Debian security updates",
                "Types: deb",
                `URIs: ${SECURITY}`,
                "Suites: bookworm-security",
                "Components: main",
                "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
                "",
                "Types: deb deb-src",
                "# the main archive",
                `URIs: ${MAIN}`,
                "Suites: bookworm bookworm-updates",
                "Components: main contrib",
                "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
                "",
            ].join("\n"),
        });
        expect(printMirror(dir)).toEqual({ status: 0, stdout: MAIN, stderr: "" });
    });

    test("one-line sources.list: options, deb-src, the security suite and comments are passed over", () => {
        const dir = aptEtc("one-line", {
            "sources.list": [
                "# deb http://commented.example.test/debian bookworm main",
                "deb-src http://src.example.test/debian bookworm main",
                `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${SECURITY} bookworm-security main`,
                `deb [ arch=amd64 ] ${MAIN} bookworm main contrib # the main archive`,
                "",
            ].join("\n"),
        });
        expect(printMirror(dir)).toEqual({ status: 0, stdout: MAIN, stderr: "" });
    });

    test("a stanza with Enabled: no is skipped for the enabled one after it", () => {
        const dir = aptEtc("disabled", {
            "sources.list.d/debian.sources": [
                "Types: deb",
                "URIs: http://disabled.example.test/debian",
                "Suites: bookworm",
                "Components: main",
                "Enabled: no",
                "",
                "Types: deb",
                `URIs: ${MAIN}`,
                "Suites: bookworm",
                "Components: main",
                "",
            ].join("\n"),
        });
        expect(printMirror(dir)).toEqual({ status: 0, stdout: MAIN, stderr: "" });
    });

    test("no apt sources at all: one error line naming what it looked for and LAB_DEBIAN_MIRROR", () => {
        const run = printMirror(aptEtc("empty", {}));
        expect(run.status).not.toBe(0);
        expect(run.stdout).toBe("");
        expect(run.stderr.split("\n")).toHaveLength(1);
        expect(run.stderr).toMatch(/suite bookworm and component main/);
        expect(run.stderr).toMatch(/set LAB_DEBIAN_MIRROR=<your Debian mirror URL>$/);
    });

    test("LAB_DEBIAN_MIRROR wins over the apt sources", () => {
        const dir = aptEtc("override", { "sources.list": `deb ${MAIN} bookworm main\n` });
        const mirror = "http://override.example.test/debian";
        expect(printMirror(dir, { LAB_DEBIAN_MIRROR: mirror })).toEqual({ status: 0, stdout: mirror, stderr: "" });
    });
});

test("the scripts name no URL or host but this machine's: the mirror comes from apt's sources or LAB_DEBIAN_MIRROR", () => {
    const root = path.resolve(__dirname, "../..");
    const scripts = [...fs.readdirSync(path.join(root, "scripts")).map((f) => `scripts/${f}`), ".ci/run"];
    expect(scripts).toContain("scripts/offline-images.sh");
    // The scan finds a mirror as a sources line writes it.
    expect(hostsIn(`deb [arch=amd64] ${MAIN} bookworm main`).map((m) => m.host)).toEqual([new URL(MAIN).hostname]);
    const named = scripts.flatMap((file) =>
        hostsIn(fs.readFileSync(path.join(root, file), "utf8"))
            .filter((m) => !isLoopback(m.host) && !isEnginePackageName(m) && !isGoModulePath(m))
            .map((m) => `${file}:${m.line} ${m.token}`),
    );
    expect(named).toEqual([]);
});
