import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { flagValues, type PolicyPackProbe, policyPackProblem } from "../../../tools/policyPack";

// Nothing may reach Pulumi when a pack cannot load: spawnSync fails the test if labCommand calls it.
jest.mock("node:child_process", () => ({
    ...jest.requireActual("node:child_process"),
    spawnSync: jest.fn(() => {
        throw new Error("pulumi must not run when a policy pack cannot load");
    }),
}));

const ROOT = "/work/lab";

/** A fake file system: folders and files (with contents) by absolute path. */
function probe(files: Record<string, string>, dirs: string[]): PolicyPackProbe {
    return {
        isDir: (p) => dirs.includes(p),
        isFile: (p) => p in files,
        readFile: (p) => {
            if (!(p in files)) throw new Error(`ENOENT: ${p}`);
            return files[p];
        },
    };
}

const INSTALLED = {
    "/work/lab/policy/PulumiPolicy.yaml": "runtime: nodejs\n",
    "/work/lab/policy/node_modules/@pulumi/policy/package.json": "{}",
    "/work/lab/policy/node_modules/@pulumi/pulumi/package.json": "{}",
    "/work/lab/policy/allow-all-interfaces.json": '{"published-ports-on-bind-address": {"allowAllInterfaces": true}}',
    "/work/lab/broken.json": "{ allowAllInterfaces: true",
    "/work/lab/list.json": "[]",
};
const DIRS = ["/work/lab/policy", "/work/lab/app", "/tmp/other-pack"];

describe("policy pack arguments of npm run up / preview", () => {
    const check = (args: string[], files: Record<string, string> = INSTALLED) => policyPackProblem(args, ROOT, probe(files, DIRS));

    test("no pack, or an installed pack (relative or absolute, --flag value or --flag=value) and a JSON config: no problem", () => {
        expect(check([])).toBeUndefined();
        expect(check(["--diff"])).toBeUndefined();
        expect(check(["--policy-pack", "policy"])).toBeUndefined();
        expect(check(["--policy-pack=/work/lab/policy", "--policy-pack-config", "policy/allow-all-interfaces.json"])).toBeUndefined();
    });

    test("a folder that does not exist (a typo)", () => {
        expect(check(["--policy-pack", "polcy"])).toBe(
            "policy pack polcy (/work/lab/polcy) cannot load: no such folder; fix: give the folder that holds PulumiPolicy.yaml, e.g. --policy-pack policy for the lab's own pack",
        );
    });

    test("a folder that is no policy pack", () => {
        expect(check(["--policy-pack", "app"])).toMatch(
            /^policy pack app \(\/work\/lab\/app\) cannot load: it has no PulumiPolicy.yaml, .*; fix: /,
        );
    });

    test("a pack whose dependencies are not installed names npm ci --prefix with the folder as given", () => {
        const { "/work/lab/policy/node_modules/@pulumi/policy/package.json": _, ...withoutSdk } = INSTALLED;
        expect(check(["--policy-pack", "policy"], withoutSdk)).toBe(
            "policy pack policy (/work/lab/policy) cannot load: its dependencies are not installed (no node_modules/@pulumi/policy); fix: npm ci --prefix policy",
        );
        expect(check(["--policy-pack=/tmp/other-pack"], { "/tmp/other-pack/PulumiPolicy.yaml": "" })).toBe(
            "policy pack /tmp/other-pack cannot load: its dependencies are not installed (no node_modules/@pulumi/policy, node_modules/@pulumi/pulumi); fix: npm ci --prefix /tmp/other-pack",
        );
    });

    test("a flag without its value", () => {
        expect(check(["--policy-pack"])).toBe("--policy-pack needs the pack's folder; fix: npm run preview -- --policy-pack policy");
        expect(check(["--policy-pack", "--diff"])).toMatch(/^--policy-pack needs the pack's folder/);
        expect(check(["--policy-pack", "policy", "--policy-pack-config="])).toMatch(/^--policy-pack-config needs a JSON file; fix: /);
    });

    test("a policy config that is missing, not JSON, or not an object", () => {
        expect(check(["--policy-pack", "policy", "--policy-pack-config", "allow.json"])).toMatch(
            /^policy pack config allow.json \(\/work\/lab\/allow.json\) cannot be read: no such file; fix: /,
        );
        expect(check(["--policy-pack-config", "broken.json"])).toMatch(
            /^policy pack config broken.json \(\/work\/lab\/broken.json\) is not valid JSON \(.+\); fix: /,
        );
        expect(check(["--policy-pack-config", "list.json"])).toMatch(/is not a JSON object; fix: /);
    });

    test("every pack is checked, the first problem reported", () => {
        expect(check(["--policy-pack", "policy", "--policy-pack", "nowhere"])).toMatch(/^policy pack nowhere /);
    });

    test("flagValues reads both spellings and marks a missing value", () => {
        expect(
            flagValues(["--policy-pack", "a", "--policy-pack=b", "--policy-pack-config", "c", "--policy-pack"], "--policy-pack"),
        ).toEqual(["a", "b", undefined]);
    });
});

describe("npm run preview / up with a pack that cannot load", () => {
    let errors: string[];
    beforeEach(() => {
        errors = [];
        jest.spyOn(console, "error").mockImplementation((line: string) => errors.push(line));
    });
    afterEach(() => jest.restoreAllMocks());

    test("one line naming the cause and the fix, exit code 2, and Pulumi never runs (the lab is untouched)", async () => {
        const { labCommand, POLICY_PACK_EXIT_CODE } = await import("../../../tools/labCommand");
        const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "no-pack-")), "policy");
        for (const command of ["preview", "up"]) {
            errors = [];
            const code = await labCommand([command, "--policy-pack", missing], { LAB_SKIP_PREFLIGHT: "1", LAB_STACK: "never" });
            expect(code).toBe(POLICY_PACK_EXIT_CODE);
            expect(errors).toEqual([
                `policy pack ${missing} cannot load: no such folder; fix: give the folder that holds PulumiPolicy.yaml, e.g. --policy-pack policy for the lab's own pack`,
            ]);
        }
        fs.rmSync(path.dirname(missing), { recursive: true });
        expect(POLICY_PACK_EXIT_CODE).toBe(2);
    });
});
