import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { attemptsOf, clearProgress, emptyProgress, loadProgress, progressOf, recordCheck, saveProgress } from "../../../tools/exercise";

// The progress file: one per stack, missing means nothing done, corrupt is reported in one line and rebuilt.

describe("the progress file", () => {
    let dir: string;
    let file: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-progress-"));
        file = path.join(dir, ".docker-lab", "progress-dev.json");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("a missing file is an empty progress, and nothing is written", () => {
        expect(loadProgress(file, "dev")).toEqual({ progress: emptyProgress("dev") });
        expect(fs.existsSync(file)).toBe(false);
    });

    test("what is saved is loaded back, in its folder created on the way", () => {
        const progress = recordCheck(recordCheck(emptyProgress("dev"), "00-kernel", false, new Date(0)), "00-pid1", true, new Date(0));
        saveProgress(file, progress);
        expect(loadProgress(file, "dev")).toEqual({ progress });
        expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({
            version: 1,
            stack: "dev",
            exercises: {
                "00-kernel": { done: false, failedChecks: 1, attempts: 1 },
                "00-pid1": { done: true, failedChecks: 0, doneAt: "1970-01-01T00:00:00.000Z", attempts: 1 },
            },
        });
        expect(fs.readdirSync(path.dirname(file))).toEqual(["progress-dev.json"]);
    });

    test.each([
        [
            "not JSON",
            "{ this is not json",
            /^progress file .*progress-dev\.json was unreadable \(not valid JSON: .*\); started a new one \(the lab was not touched\)$/,
        ],
        ["empty", "", /unreadable \(not valid JSON/],
        ["an array", "[]", /unreadable \(not a JSON object\)/],
        ["another version", '{"version":2,"stack":"dev","exercises":{}}', /unreadable \(unknown version 2\)/],
        ["another stack's", '{"version":1,"stack":"prod","exercises":{}}', /unreadable \(it belongs to stack "prod"\)/],
        [
            "a bad entry",
            '{"version":1,"stack":"dev","exercises":{"00-kernel":{"done":"yes","failedChecks":0}}}',
            /entry 00-kernel has no done flag/,
        ],
        [
            "a bad count",
            '{"version":1,"stack":"dev","exercises":{"00-kernel":{"done":false,"failedChecks":-1}}}',
            /entry 00-kernel has no valid failedChecks count/,
        ],
    ])("a corrupt file (%s) is reported in one line and rebuilt empty on disk", (_what, content, message) => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
        const loaded = loadProgress(file, "dev");
        expect(loaded.problem).toMatch(message);
        expect(loaded.problem).not.toContain("\n");
        expect(loaded.progress).toEqual(emptyProgress("dev"));
        expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(emptyProgress("dev"));
        // Rebuilt: the next load is clean.
        expect(loadProgress(file, "dev").problem).toBeUndefined();
    });

    test("a pass marks done and keeps the first time; a failure counts and marks todo again", () => {
        let p = emptyProgress("dev");
        p = recordCheck(p, "x", false, new Date(1000));
        p = recordCheck(p, "x", false, new Date(2000));
        expect(progressOf(p, "x")).toEqual({ done: false, failedChecks: 2, attempts: 2 });
        p = recordCheck(p, "x", true, new Date(3000));
        p = recordCheck(p, "x", true, new Date(4000));
        expect(progressOf(p, "x")).toEqual({ done: true, failedChecks: 2, doneAt: new Date(3000).toISOString(), attempts: 4 });
        p = recordCheck(p, "x", false, new Date(5000));
        expect(progressOf(p, "x")).toMatchObject({ done: false, failedChecks: 3, attempts: 5 });
        expect(progressOf(recordCheck(p, "y", true, new Date(0), true), "y")).toMatchObject({ done: true, solvedByReference: true });
    });

    test("an entry from before attempts were counted counts its failures and its pass, and goes on from there", () => {
        const old = { ...emptyProgress("dev"), exercises: { x: { done: true, failedChecks: 2, doneAt: new Date(0).toISOString() } } };
        expect(attemptsOf(progressOf(old, "x"))).toBe(3);
        expect(progressOf(recordCheck(old, "x", false, new Date(1)), "x").attempts).toBe(4);
        expect(attemptsOf(progressOf(emptyProgress("dev"), "y"))).toBe(0);
    });

    test("an attempts count that is not a whole number is a corrupt file", () => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(
            file,
            JSON.stringify({ ...emptyProgress("dev"), exercises: { x: { done: false, failedChecks: 1, attempts: -1 } } }),
        );
        expect(loadProgress(file, "dev").problem).toMatch(/entry x has an invalid attempts count/);
    });

    test("clearing one exercise or all of them", () => {
        const p = recordCheck(recordCheck(emptyProgress("dev"), "a", true, new Date(0)), "b", false, new Date(0));
        expect(Object.keys(clearProgress(p, ["a"]).exercises)).toEqual(["b"]);
        expect(clearProgress(p).exercises).toEqual({});
        expect(progressOf(clearProgress(p), "b")).toEqual({ done: false, failedChecks: 0 });
    });
});
