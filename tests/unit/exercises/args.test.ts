import { parseExerciseArgs, systemLang } from "../../../tools/exercise";

// npm run exercise -- ARGS: commands, ids, options anywhere, one clear error per mistake; the language from --lang or the locale.

const env = { LANG: "en_US.UTF-8" };

describe("parseExerciseArgs", () => {
    test("no arguments lists the exercises of the default stack, in the locale's language", () => {
        expect(parseExerciseArgs([], env)).toEqual({ command: "list", lang: "en", stack: "dev" });
        expect(parseExerciseArgs(["list"], { LANG: "zh_CN.UTF-8" })).toEqual({ command: "list", lang: "zh", stack: "dev" });
    });

    test.each(["show", "check", "solve"])("%s takes an id", (command) => {
        expect(parseExerciseArgs([command, "00-kernel"], env)).toEqual({ command, id: "00-kernel", lang: "en", stack: "dev" });
        expect(() => parseExerciseArgs([command], env)).toThrow(`${command} needs an exercise id: npm run exercise -- ${command} ID`);
    });

    test("reset takes an optional id", () => {
        expect(parseExerciseArgs(["reset"], env)).toEqual({ command: "reset", lang: "en", stack: "dev" });
        expect(parseExerciseArgs(["reset", "02-build"], env)).toMatchObject({ command: "reset", id: "02-build" });
    });

    test("options go anywhere, as --opt VALUE or --opt=VALUE", () => {
        expect(parseExerciseArgs(["--lang", "zh", "show", "00-kernel", "--stack=class"], env)).toEqual({
            command: "show",
            id: "00-kernel",
            lang: "zh",
            stack: "class",
        });
        expect(parseExerciseArgs(["check", "x", "--lang=EN"], { LANG: "zh_CN" }).lang).toBe("en");
        expect(parseExerciseArgs(['--config={"appPort":"47080"}', "reset", "--stack", "class"], env)).toEqual({
            command: "reset",
            lang: "en",
            stack: "class",
            config: { appPort: "47080" },
        });
    });

    test("--student names whose exercises, in a class of seats; it has no default", () => {
        expect(parseExerciseArgs(["check", "00-kernel", "--student", "alice"], env)).toEqual({
            command: "check",
            id: "00-kernel",
            lang: "en",
            stack: "dev",
            student: "alice",
        });
        expect(parseExerciseArgs(["--student=bob"], env)).toEqual({ command: "list", lang: "en", stack: "dev", student: "bob" });
        expect(parseExerciseArgs(["list"], { ...env, LAB_STUDENT: "alice" })).not.toHaveProperty("student");
        expect(() => parseExerciseArgs(["list", "--student"], env)).toThrow(new Error("--student needs a value: --student NAME"));
    });

    test("the stack: --stack, else LAB_STACK, else dev", () => {
        expect(parseExerciseArgs([], { LAB_STACK: "class" }).stack).toBe("class");
        expect(parseExerciseArgs(["--stack", "other"], { LAB_STACK: "class" }).stack).toBe("other");
    });

    test("--config takes a JSON object of raw config values, as npm run verify does", () => {
        expect(parseExerciseArgs(["--config", '{"appPort":"47080","replicas":3}'], env).config).toEqual({
            appPort: "47080",
            replicas: "3",
        });
        expect(() => parseExerciseArgs(["--config", "[1]"], env)).toThrow(
            `--config takes a JSON object such as '{"replicas":"3"}', not [1]`,
        );
        expect(() => parseExerciseArgs(["--config", "{nope"], env)).toThrow("--config takes a JSON object");
    });

    test.each([
        [["frobnicate"], 'unknown command "frobnicate": use list, show ID, check ID, solve ID or reset [ID]'],
        [["--verbose"], 'unknown option "--verbose": use --lang zh|en, --stack NAME, --student NAME, --config JSON (or --help)'],
        [["-v", "list"], 'unknown option "-v": use --lang zh|en, --stack NAME, --student NAME, --config JSON (or --help)'],
        [
            ["show", "00-kernel", "--lang", "fr"],
            '--lang "fr" is not a language of the exercises: use --lang zh (中文) or --lang en (English)',
        ],
        [["show", "00-kernel", "--lang"], "--lang needs a value: --lang zh|en"],
        [["--stack="], "--stack needs a value: --stack NAME"],
        [["--stack", "--lang", "zh"], "--stack needs a value: --stack NAME"],
        [["--config"], "--config needs a value: --config JSON"],
        // npm run exercise show ID --lang zh (without --): npm swallows --lang and passes "zh" on.
        [["show", "00-kernel", "zh"], 'unexpected argument "zh": options go after --, e.g. npm run exercise -- show 00-kernel --lang zh'],
        [["list", "00-kernel"], 'unexpected argument "00-kernel": options go after --, e.g. npm run exercise -- show 00-kernel --lang zh'],
    ])("%j is one clear error", (argv, message) => {
        expect(() => parseExerciseArgs(argv, env)).toThrow(new Error(message));
    });

    test("--help and -h win over everything else", () => {
        expect(parseExerciseArgs(["check", "--help"], env).command).toBe("help");
        expect(parseExerciseArgs(["frobnicate", "--lang", "fr", "-h"], { LAB_STACK: "class" })).toEqual({
            command: "help",
            lang: "en",
            stack: "class",
        });
    });
});

describe("systemLang", () => {
    test.each([
        [{ LANG: "zh_CN.UTF-8" }, "zh"],
        [{ LANG: "zh_TW.UTF-8" }, "zh"],
        [{ LANG: "zh" }, "zh"],
        [{ LANG: "ZH_cn" }, "zh"],
        [{ LANG: "en_US.UTF-8" }, "en"],
        [{ LANG: "C.UTF-8" }, "en"],
        [{ LANG: "de_DE.UTF-8" }, "en"],
        [{}, "en"],
        [{ LANG: "zhx" }, "en"],
        // LC_ALL, then LC_MESSAGES, then LANG: the first that is set and not empty.
        [{ LC_ALL: "en_US.UTF-8", LC_MESSAGES: "zh_CN.UTF-8", LANG: "zh_CN.UTF-8" }, "en"],
        [{ LC_ALL: "", LC_MESSAGES: "zh_CN.UTF-8", LANG: "en_US.UTF-8" }, "zh"],
        [{ LC_MESSAGES: "en_GB.UTF-8", LANG: "zh_CN.UTF-8" }, "en"],
        [{ LC_ALL: "zh_CN.GB18030", LANG: "en_US" }, "zh"],
    ])("%j → %s", (e, lang) => {
        expect(systemLang(e)).toBe(lang);
    });
});
