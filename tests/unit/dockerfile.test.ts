import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { parse } from "yaml";
import { seatsApp, WORKSTATION_HOME, WORKSTATION_UID, workstationImageSpec } from "../../lab";
import { classSpec } from "../helpers/specs";

// app/Dockerfile is the lab's example to copy: exec-form commands, a pinned base image declared once,
// and every linter exception listed with its reason in the README (scripts/lint-dockerfile.sh runs the linters).
// workstation/Dockerfile, the seats' workstation, keeps the same rules.

const ROOT = path.join(__dirname, "..", "..");
const DOCKERFILE = fs.readFileSync(path.join(ROOT, "app", "Dockerfile"), "utf8");
const WORKSTATION_DOCKERFILE = fs.readFileSync(path.join(ROOT, "workstation", "Dockerfile"), "utf8");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The Dockerfile's instructions, continuation lines joined and comments left out, as [keyword, rest]. */
function instructions(dockerfile: string): [string, string][] {
    const joined = dockerfile
        .split("\n")
        .filter((line) => !/^\s*#/.test(line))
        .join("\n")
        .replace(/\s*\\\n\s*/g, " ");
    return joined
        .split("\n")
        .map((line) => /^\s*([A-Z]+)\s+(.*?)\s*$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], m[2]]);
}

const steps = instructions(DOCKERFILE);
const only = (keyword: string) => steps.filter(([k]) => k === keyword).map(([, rest]) => rest);

/** The exec-form argument list of a CMD, or undefined for shell form. */
function execForm(cmd: string): string[] | undefined {
    try {
        const args: unknown = JSON.parse(cmd);
        return Array.isArray(args) && args.every((a) => typeof a === "string") ? args : undefined;
    } catch {
        return undefined;
    }
}

describe("app/Dockerfile", () => {
    test("the parser joins continuation lines and skips comments", () => {
        expect(instructions('# c\nFROM x\nHEALTHCHECK --retries=3 \\\n  CMD ["a", "b"]\n')).toEqual([
            ["FROM", "x"],
            ["HEALTHCHECK", '--retries=3 CMD ["a", "b"]'],
        ]);
        expect(execForm('["node", "app.js"]')).toEqual(["node", "app.js"]);
        expect(execForm("node app.js")).toBeUndefined();
    });

    test("CMD and the HEALTHCHECK's command are exec form: node runs them with no shell in between", () => {
        expect(only("CMD").map(execForm)).toEqual([["node", "app.js"]]);
        const [healthcheck] = only("HEALTHCHECK");
        const probe = execForm(healthcheck.replace(/^.*?\bCMD\s+/, ""));
        expect(probe?.slice(0, 2)).toEqual(["node", "-e"]);
        expect(probe?.[2]).toContain("/healthz");
    });

    test("the healthcheck's probe exits 0 on a 200 from /healthz at $PORT, 1 on another status or no answer", async () => {
        const [node, ...args] = execForm(only("HEALTHCHECK")[0].replace(/^.*?\bCMD\s+/, "")) ?? [];
        expect(node).toBe("node");
        let status = 200;
        const server = http.createServer((req, res) => res.writeHead(req.url === "/healthz" ? status : 404).end());
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const env = { PORT: String((server.address() as AddressInfo).port) };
        const probe = () => new Promise<number | null>((resolve) => spawn(process.execPath, args, { env }).on("exit", resolve));
        try {
            expect(await probe()).toBe(0);
            status = 503;
            expect(await probe()).toBe(1);
        } finally {
            await new Promise((resolve) => server.close(resolve));
        }
        expect(await probe()).toBe(1);
    });
});

/** The tag of an image reference (`node:24-alpine` → `24-alpine`), or undefined when it names none. */
function tagOf(image: string): string | undefined {
    const name = image.split("@")[0];
    const colon = name.lastIndexOf(":");
    return colon > name.lastIndexOf("/") ? name.slice(colon + 1) : undefined;
}

describe("the base image", () => {
    const declared = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).config.baseImage.default as string;

    test("is the BASE_IMAGE build arg, with no default in the Dockerfile: Pulumi.yaml declares it, once", () => {
        expect(steps.filter(([k, rest]) => k === "ARG" && rest.startsWith("BASE_IMAGE"))).toEqual([["ARG", "BASE_IMAGE"]]);
        expect(only("FROM")).toEqual([`\${BASE_IMAGE}`]);
        expect(DOCKERFILE).not.toContain(declared);
    });

    test("Pulumi.yaml's default names a version tag, not latest (Checkov's CKV_DOCKER_7, where the tag lives)", () => {
        expect([tagOf("node:24-alpine"), tagOf("localhost:5000/app"), tagOf("node"), tagOf("a/b:1@sha256:0")]).toEqual([
            "24-alpine",
            undefined,
            undefined,
            "1",
        ]);
        expect(tagOf(declared)).toMatch(/\d/);
        expect(tagOf(declared)).not.toBe("latest");
    });
});

/** The rules of the README's "Linting the Dockerfile" table: the second column's first code span per row. */
function readmeExceptions(readme: string): string[] {
    const section = readme.split(/^### Linting the Dockerfile$/m)[1]?.split(/^#{2,3} /m)[0] ?? "";
    return section
        .split("\n")
        .filter((line) => line.startsWith("| ") && !/^\| (linter|---)/.test(line))
        .map((line) => /`([^`]+)`/.exec(line.split("|")[2])?.[1] ?? line);
}

describe("the linters' exceptions", () => {
    const hadolint = parse(fs.readFileSync(path.join(ROOT, ".hadolint.yaml"), "utf8")) as {
        ignored?: string[];
        "failure-threshold"?: string;
    };
    const skips = [DOCKERFILE, WORKSTATION_DOCKERFILE].flatMap((text) => [...text.matchAll(/#\s*checkov:skip=([A-Z0-9_]+)(?::\s*(.*))?/g)]);
    // `# hadolint ignore=A,B` above one instruction: each rule is an exception of its own.
    const inlineIgnores = [DOCKERFILE, WORKSTATION_DOCKERFILE].flatMap((text) =>
        [...text.matchAll(/#\s*hadolint ignore=([A-Z0-9,]+)/g)].flatMap((m) => m[1].split(",")),
    );

    test("each is in the README's table, and the table lists no other", () => {
        const listed = readmeExceptions(README);
        expect(listed.length).toBeGreaterThan(0);
        expect(listed.sort()).toEqual([...(hadolint.ignored ?? []), ...inlineIgnores, ...skips.map((m) => m[1])].sort());
    });

    test("each Checkov skip says why in its comment, and hadolint fails on every finding, style ones included", () => {
        for (const m of skips) expect({ rule: m[1], reason: (m[2] ?? "").length > 20 }).toEqual({ rule: m[1], reason: true });
        expect(hadolint["failure-threshold"]).toBe("style");
    });
});

describe("workstation/Dockerfile", () => {
    const ws = instructions(WORKSTATION_DOCKERFILE);
    const of = (keyword: string) => ws.filter(([k]) => k === keyword).map(([, rest]) => rest);
    const declared = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).config.seatImage.default as string;
    const image = workstationImageSpec(classSpec({ mode: "seats", students: ["alice"] }).image, "docker-lab-dev", declared);

    test("is built on the SEAT_IMAGE build arg, with no default in the Dockerfile: Pulumi.yaml declares it, once, with a version tag", () => {
        expect(of("FROM")).toEqual([`\${SEAT_IMAGE}`]);
        expect(of("ARG").filter((a) => a.startsWith("SEAT_IMAGE"))).toEqual(["SEAT_IMAGE"]);
        expect(WORKSTATION_DOCKERFILE).not.toContain(declared);
        expect(tagOf(declared)).toMatch(/\d/);
    });

    test("takes exactly the build args the program passes, and runs as the student it makes", () => {
        const args = of("ARG").map((a) => a.split("=")[0]);
        expect(Object.keys(image.buildArgs).sort()).toEqual(args.sort());
        expect(of("USER")).toEqual([`\${STUDENT_UID}:\${STUDENT_UID}`]);
        expect(image.buildArgs.STUDENT_UID).toBe(String(WORKSTATION_UID));
        expect(of("WORKDIR")).toEqual([WORKSTATION_HOME]);
        expect(image.dockerfile).toBe("workstation/Dockerfile");
    });

    test("it makes the home's folders the workstation spec names (the TLS files, the app, the exercises' work), owned by the student", () => {
        const { workstation } = seatsApp(classSpec({ mode: "seats", students: ["alice"] }).students[0].app);
        const made = of("RUN").find((run) => run.includes("mkdir -p"));
        const folders = /mkdir -p ([^&]+?) &&/.exec(made ?? "")?.[1].split(" ");
        expect(folders?.sort()).toEqual([workstation.certDir, workstation.appDir, workstation.workDir].sort());
        expect(made).toContain(`chown -R "\${STUDENT_UID}:\${STUDENT_UID}" ${WORKSTATION_HOME}`);
    });

    test("it installs curl, which the exercises use, only where the seat image has none, by apk or apt", () => {
        const install = of("RUN").find((run) => run.includes("curl"));
        expect(install).toMatch(/^if ! command -v curl >\/dev\/null 2>&1; then /);
        expect(install).toContain("apk add --no-cache curl");
        expect(install).toContain("apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*");
    });

    test("its entrypoint and healthcheck are exec form", () => {
        expect(execForm(of("ENTRYPOINT")[0])).toEqual(expect.arrayContaining(["/bin/sh", "-c"]));
        expect(execForm(of("HEALTHCHECK")[0].replace(/^.*?CMD\s+/, ""))).toEqual(["docker", "version", "--format", "{{.Server.Version}}"]);
    });
});
