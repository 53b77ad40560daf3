import * as path from "node:path";
import { BENCH_PHASES, parseBenchArgs } from "../../../bench";
import { PROJECT_ROOT } from "../../../engine";

describe("npm run bench arguments", () => {
    const all = [...BENCH_PHASES];

    test("defaults: bench-results.json in the project root, 3 runs, every phase", () => {
        expect(all).toEqual(["lab", "classroom", "swarm", "seats"]);
        expect(parseBenchArgs([])).toEqual({ json: path.join(PROJECT_ROOT, "bench-results.json"), runs: 3, phases: all });
    });

    test("--json PATH and --runs N, with a space or =", () => {
        expect(parseBenchArgs(["--json", "/tmp/b.json", "--runs", "2"])).toEqual({ json: "/tmp/b.json", runs: 2, phases: all });
        expect(parseBenchArgs(["--json=/tmp/c.json", "--runs=1"])).toEqual({ json: "/tmp/c.json", runs: 1, phases: all });
    });

    test("--only runs some phases, comma-separated, always in the bench's order", () => {
        expect(parseBenchArgs(["--only", "swarm"])).toMatchObject({ phases: ["swarm"] });
        expect(parseBenchArgs(["--runs", "1", "--only=swarm,lab"])).toMatchObject({ runs: 1, phases: ["lab", "swarm"] });
        expect(parseBenchArgs(["--only", "classroom,classroom"])).toMatchObject({ phases: ["classroom"] });
        expect(parseBenchArgs(["--only", " lab , classroom "])).toMatchObject({ phases: ["lab", "classroom"] });
    });

    test("a bad --only is refused in one line naming the value and the phases there are", () => {
        const oneLine = (argv: string[]) => {
            try {
                parseBenchArgs(argv);
            } catch (err) {
                const message = (err as Error).message;
                expect(message).not.toContain("\n");
                return message;
            }
            throw new Error(`${argv.join(" ")} was accepted`);
        };
        expect(oneLine(["--only", "swarn"])).toBe(
            '--only "swarn": unknown phase "swarn"; the phases are lab, classroom, swarm, seats (comma-separated, e.g. --only seats)',
        );
        expect(oneLine(["--only", "lab,pulumi"])).toMatch(
            /^--only "lab,pulumi": unknown phase "pulumi"; the phases are lab, classroom, swarm, seats/,
        );
        expect(oneLine(["--only", "lab,,swarm"])).toMatch(/^--only "lab,,swarm": an empty phase name; the phases are/);
        expect(oneLine(["--only"])).toBe("--only needs a value: --only lab,classroom,swarm,seats");
        expect(oneLine(["--only="])).toBe("--only needs a value: --only lab,classroom,swarm,seats");
    });

    test("-h and --help ask for the usage, wherever they are", () => {
        expect(parseBenchArgs(["-h"])).toBe("help");
        expect(parseBenchArgs(["--runs", "2", "--help"])).toBe("help");
        expect(parseBenchArgs(["--runs", "11", "--help"])).toBe("help");
    });

    test("bad arguments are refused in one line naming the argument and the fix", () => {
        expect(() => parseBenchArgs(["--runs", "11"])).toThrow(
            new Error('--runs must be a whole number from 1 to 10, not "11": e.g. --runs 3'),
        );
        expect(() => parseBenchArgs(["--runs=two"])).toThrow(/^--runs must be a whole number from 1 to 10, not "two"/);
        expect(() => parseBenchArgs(["--json"])).toThrow(new Error("--json needs a value: --json PATH"));
        expect(() => parseBenchArgs(["--json", "--runs", "2"])).toThrow(new Error("--json needs a value: --json PATH"));
        expect(() => parseBenchArgs(["--fast"])).toThrow(
            new Error('unknown option "--fast": use --json PATH, --runs N, --only lab,classroom,swarm,seats (or --help)'),
        );
        expect(() => parseBenchArgs(["swarm"])).toThrow(/^unexpected argument "swarm": use --json PATH/);
    });
});
