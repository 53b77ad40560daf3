import * as path from "node:path";
import { PROJECT_ROOT } from "../../../lab";
import { parseBenchArgs } from "../../../tools/bench";

describe("npm run bench arguments", () => {
    test("defaults: bench-results.json in the project root, 3 runs", () => {
        expect(parseBenchArgs([])).toEqual({ json: path.join(PROJECT_ROOT, "bench-results.json"), runs: 3 });
    });

    test("--json PATH and --runs N, with a space or =", () => {
        expect(parseBenchArgs(["--json", "/tmp/b.json", "--runs", "2"])).toEqual({ json: "/tmp/b.json", runs: 2 });
        expect(parseBenchArgs(["--json=/tmp/c.json", "--runs=1"])).toEqual({ json: "/tmp/c.json", runs: 1 });
    });

    test("-h and --help ask for the usage", () => {
        expect(parseBenchArgs(["-h"])).toBe("help");
        expect(parseBenchArgs(["--runs", "2", "--help"])).toBe("help");
    });

    test("bad arguments are refused with the reason", () => {
        expect(() => parseBenchArgs(["--runs", "11"])).toThrow(/--runs must be a whole number from 1 to 10/);
        expect(() => parseBenchArgs(["--json"])).toThrow(/--json needs a value/);
        expect(() => parseBenchArgs(["--fast"])).toThrow(/unknown argument "--fast"/);
    });
});
