import { ArgumentError, optionsHint, parseArgs, parseConfigOption, stackAndConfig } from "../../../tools/args";

// The one argument convention of verify, doctor, exercise and bench: --opt VALUE or --opt=VALUE, flags,
// options among positionals, help that wins, and one line naming the argument and the fix per mistake.

const SPEC = { options: { stack: "NAME", config: "JSON", json: true } } as const;
const WITH_WORDS = { options: { lang: "zh|en" }, positionals: true, help: true } as const;

/** The message of the ArgumentError `parse` throws; fails when it throws none or another error. */
function mistake(parse: () => unknown): string {
    try {
        parse();
    } catch (err) {
        expect(err).toBeInstanceOf(ArgumentError);
        const message = (err as Error).message;
        expect(message).not.toContain("\n");
        return message;
    }
    throw new Error("accepted");
}

describe("parseArgs", () => {
    test("nothing given: no options, no words, no help", () => {
        expect(parseArgs([], SPEC)).toEqual({ options: {}, positionals: [], help: false });
    });

    test("--opt VALUE and --opt=VALUE mean the same; a flag is true", () => {
        expect(parseArgs(["--stack", "qa", "--json"], SPEC).options).toEqual({ stack: "qa", json: true });
        expect(parseArgs(["--stack=qa", "--json"], SPEC).options).toEqual({ stack: "qa", json: true });
    });

    test("--opt=VALUE takes the rest verbatim, an = and a leading -- too", () => {
        expect(parseArgs(['--config={"a":"b=c"}'], SPEC).options.config).toBe('{"a":"b=c"}');
        expect(parseArgs(["--stack=--odd"], SPEC).options.stack).toBe("--odd");
    });

    test("a value after a space may start with one dash", () => {
        expect(parseArgs(["--stack", "-x"], SPEC).options.stack).toBe("-x");
        expect(parseArgs(["--stack", "-"], SPEC).options.stack).toBe("-");
    });

    test("the last of a repeated option wins", () => {
        expect(parseArgs(["--stack", "a", "--stack=b"], SPEC).options.stack).toBe("b");
    });

    test("options anywhere among the words of a command that takes them", () => {
        expect(parseArgs(["--lang", "zh", "show", "--lang=en", "00-kernel", "-"], WITH_WORDS)).toEqual({
            options: { lang: "en" },
            positionals: ["show", "00-kernel", "-"],
            help: false,
        });
    });

    test("-h or --help anywhere wins over every mistake, and is a value when an option takes it", () => {
        expect(parseArgs(["--nope", "show", "-h"], WITH_WORDS)).toEqual({ options: {}, positionals: [], help: true });
        expect(parseArgs(["--help", "--lang"], WITH_WORDS).help).toBe(true);
        expect(parseArgs(["--lang", "--help"], WITH_WORDS).help).toBe(true);
        expect(parseArgs(["--lang", "-h"], WITH_WORDS)).toEqual({ options: { lang: "-h" }, positionals: [], help: false });
    });

    test.each([
        [["--stak", "x"], 'unknown option "--stak": use --stack NAME, --config JSON, --json'],
        [["--stak=x"], 'unknown option "--stak": use --stack NAME, --config JSON, --json'],
        [["-s", "x"], 'unknown option "-s": use --stack NAME, --config JSON, --json'],
        [["--"], 'unknown option "--": use --stack NAME, --config JSON, --json'],
        [["--help"], 'unknown option "--help": use --stack NAME, --config JSON, --json'],
        [["--toString"], 'unknown option "--toString": use --stack NAME, --config JSON, --json'],
        [["--stack"], "--stack needs a value: --stack NAME"],
        [["--stack="], "--stack needs a value: --stack NAME"],
        [["--stack", ""], "--stack needs a value: --stack NAME"],
        [["--stack", "--json"], "--stack needs a value: --stack NAME"],
        [["--json=yes"], "--json takes no value: --json"],
        [["qa"], 'unexpected argument "qa": use --stack NAME, --config JSON, --json'],
    ])("%j is one line naming the argument and the fix", (argv, message) => {
        expect(mistake(() => parseArgs(argv, SPEC))).toBe(message);
    });

    test("the first mistake is the one reported", () => {
        expect(mistake(() => parseArgs(["--nope", "--stack"], SPEC))).toBe(
            'unknown option "--nope": use --stack NAME, --config JSON, --json',
        );
    });

    test("a command with help says so in its hint", () => {
        expect(optionsHint(WITH_WORDS)).toBe("--lang zh|en (or --help)");
        expect(mistake(() => parseArgs(["--stack", "x"], WITH_WORDS))).toBe('unknown option "--stack": use --lang zh|en (or --help)');
    });
});

describe("--stack and --config", () => {
    test("--stack, else LAB_STACK, else dev", () => {
        expect(stackAndConfig({}, {})).toEqual({ stack: "dev" });
        expect(stackAndConfig({}, { LAB_STACK: "class" })).toEqual({ stack: "class" });
        expect(stackAndConfig({ stack: "qa" }, { LAB_STACK: "class" })).toEqual({ stack: "qa" });
    });

    test("--config is a JSON object whose values become strings, as pulumi config holds them", () => {
        expect(stackAndConfig({ config: '{"appPort":"47080","replicas":3,"registryAuth":true,"students":["a"]}' }, {})).toEqual({
            stack: "dev",
            config: { appPort: "47080", replicas: "3", registryAuth: "true", students: '["a"]' },
        });
        expect(parseConfigOption("{}")).toEqual({});
    });

    test.each(["{nope", "[1]", "null", '"x"', "3"])("--config %s is refused with an example", (text) => {
        expect(mistake(() => parseConfigOption(text))).toBe(`--config takes a JSON object such as '{"replicas":"3"}', not ${text}`);
    });
});
