import type { CheckResult } from "../../../engine";
import { type LessonCheck, oneLab } from "../../../lab";
import { specForStack } from "../../../tools/stack";
import { formatCheckLine, parseVerifyArgs } from "../../../tools/verify";

describe("npm run verify arguments", () => {
    test("defaults: the dev stack (or LAB_STACK), human output, report written", () => {
        expect(parseVerifyArgs([], {})).toEqual({ stack: "dev", json: false, report: true });
        expect(parseVerifyArgs([], { LAB_STACK: "class-3" }).stack).toBe("class-3");
    });

    test("--stack, --json, --no-report and --config", () => {
        expect(parseVerifyArgs(["--stack", "qa", "--json", "--no-report", "--config", '{"replicas":"3"}'], {})).toEqual({
            stack: "qa",
            json: true,
            report: false,
            config: { replicas: "3" },
        });
    });

    test("--opt=VALUE, and options in any order", () => {
        expect(parseVerifyArgs(["--no-report", '--config={"replicas":3}', "--stack=qa", "--student=bob"], { LAB_STACK: "x" })).toEqual({
            stack: "qa",
            student: "bob",
            json: false,
            report: false,
            config: { replicas: "3" },
        });
    });

    test.each([
        [["--stak", "x"], 'unknown option "--stak": use --stack NAME, --student NAME, --config JSON, --json, --no-report'],
        [["--fast"], 'unknown option "--fast": use --stack NAME, --student NAME, --config JSON, --json, --no-report'],
        [["qa"], 'unexpected argument "qa": use --stack NAME, --student NAME, --config JSON, --json, --no-report'],
        [["--stack"], "--stack needs a value: --stack NAME"],
        [["--student", "--json"], "--student needs a value: --student NAME"],
        [["--json=1"], "--json takes no value: --json"],
        [["--config", "{nope"], `--config takes a JSON object such as '{"replicas":"3"}', not {nope`],
        [["--config", "[1]"], `--config takes a JSON object such as '{"replicas":"3"}', not [1]`],
    ])("%j is one line naming the argument and the fix", (argv, message) => {
        expect(() => parseVerifyArgs(argv, {})).toThrow(new Error(message));
    });
});

describe("the lab verify checks", () => {
    test("is the program's spec for that stack and config", () => {
        const spec = oneLab(specForStack("test-second", { replicas: "3", appPort: "18080", registryPort: "15000" }));
        expect(spec.instance).toBe("docker-lab-test-second");
        expect(spec.appUrls).toEqual(["http://127.0.0.1:18080", "http://127.0.0.1:18081", "http://127.0.0.1:18082"]);
        expect(spec.checks.filter((c) => c.id.startsWith("02-http-"))).toHaveLength(3);
    });

    test("invalid config is refused before anything runs", () => {
        expect(() => specForStack("dev", { replicas: "0" })).toThrow(/replicas = "0"/);
    });

    test("one line per check: mark, section, title, duration", () => {
        const check = { section: "01.02", title: { en: "docker ps lists every replica running and healthy" } } as LessonCheck;
        const passed = { passed: true, durationMs: 24 } as CheckResult;
        expect(formatCheckLine({ check, result: passed, imageRef: "" })).toMatch(
            /^✓ 01\.02 docker ps lists every replica running and healthy \(24 ms\)$/,
        );
        expect(formatCheckLine({ check, result: { ...passed, passed: false, durationMs: 1500 }, imageRef: "" })).toMatch(
            /^✗ 01\.02 .* \(1\.5 s\)$/,
        );
    });
});
