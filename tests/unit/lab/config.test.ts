import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { PROJECT_FILE } from "../../../engine";
import { CONFIG_KEYS, type ConfigKeySchema, isImageReference, LabConfigError, LIMITS } from "../../../lab";
import { labConfig, loadConfigSchema, readStackConfig } from "../../../tools/stack";

/** Pulumi.yaml as the test reads it itself, independently of loadConfigSchema. */
const projectFile = path.join(__dirname, "..", "..", "..", "Pulumi.yaml");
const declared = (parseYaml(fs.readFileSync(projectFile, "utf8")) as { config: Record<string, ConfigKeySchema> }).config;

/** Runs parseLabConfig and returns the LabConfigError it must throw. */
function configError(raw: Record<string, unknown>): LabConfigError {
    try {
        labConfig(raw);
    } catch (err) {
        expect(err).toBeInstanceOf(LabConfigError);
        return err as LabConfigError;
    }
    throw new Error(`labConfig(${JSON.stringify(raw)}) accepted an invalid config`);
}

const portRange = `${LIMITS.port.min} to ${LIMITS.port.max}`;
const replicaRange = `${LIMITS.replicas.min} to ${LIMITS.replicas.max}`;
const memoryRange = `${LIMITS.memoryLimitMb.min} to ${LIMITS.memoryLimitMb.max}`;

describe("Pulumi.yaml schema", () => {
    test("loadConfigSchema reads the project file the test reads", () => {
        expect(path.resolve(PROJECT_FILE)).toBe(path.resolve(projectFile));
        const schema = loadConfigSchema();
        expect(Object.keys(schema).sort()).toEqual([...CONFIG_KEYS].sort());
        for (const key of CONFIG_KEYS) expect(schema[key]).toEqual(declared[key]);
    });

    test("every key in CONFIG_KEYS is declared with a type, a default and a description", () => {
        for (const key of CONFIG_KEYS) {
            const entry = declared[key];
            expect({ key, declared: entry !== undefined }).toEqual({ key, declared: true });
            expect(["integer", "string", "boolean", "array"]).toContain(entry.type);
            expect(entry.default).toBeDefined();
            expect(typeof entry.description).toBe("string");
            expect(entry.description.trim().length).toBeGreaterThan(0);
            // The default has the declared type (an array's items too).
            if (entry.type === "array") {
                expect(Array.isArray(entry.default)).toBe(true);
                for (const item of entry.default as unknown[]) expect(typeof item).toBe(entry.items?.type);
            } else {
                expect(typeof entry.default).toBe(entry.type === "integer" ? "number" : entry.type);
            }
        }
    });

    test("Pulumi.yaml declares no key outside CONFIG_KEYS", () => {
        const extra = Object.keys(declared).filter((key) => !(CONFIG_KEYS as readonly string[]).includes(key));
        expect(extra).toEqual([]);
    });

    test("labConfig() equals the declared defaults key by key", () => {
        const config = labConfig();
        expect(Object.keys(config).sort()).toEqual([...CONFIG_KEYS].sort());
        for (const key of CONFIG_KEYS) {
            expect({ key, value: config[key] }).toEqual({ key, value: declared[key].default });
        }
    });

    test("loadConfigSchema rejects a project file that misses a key's default, naming the key", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-config-"));
        try {
            const file = path.join(dir, "Pulumi.yaml");
            const { memoryLimitMb: _dropped, ...rest } = declared;
            fs.writeFileSync(file, JSON.stringify({ name: "x", runtime: "nodejs", config: rest }));
            expect(() => loadConfigSchema(file)).toThrow(/memoryLimitMb/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("parseLabConfig", () => {
    test("strings as `pulumi config set` stores them become numbers", () => {
        const config = labConfig({ replicas: "3", appPort: "9000", registryPort: "6000", memoryLimitMb: " 256 " });
        expect(config.replicas).toBe(3);
        expect(config.appPort).toBe(9000);
        expect(config.registryPort).toBe(6000);
        expect(config.memoryLimitMb).toBe(256);
        for (const key of ["replicas", "appPort", "registryPort", "memoryLimitMb"] as const) {
            expect(typeof config[key]).toBe("number");
        }
    });

    // [key, raw config, text the message must contain besides `key = value` (the range or fix)]
    const invalid: [string, Record<string, unknown>, string][] = [
        ["replicas", { replicas: 0 }, replicaRange],
        ["replicas", { replicas: 21 }, replicaRange],
        ["replicas", { replicas: "two" }, replicaRange],
        ["replicas", { replicas: "2.5" }, replicaRange],
        ["appPort", { appPort: 0 }, portRange],
        ["appPort", { appPort: 70000 }, portRange],
        ["registryPort", { appPort: 5000, registryPort: 5001, replicas: 2 }, "5000..5001"],
        ["registryPort", { appPort: 5000, registryPort: 5000, replicas: 2 }, "5000..5001"],
        ["appPort", { appPort: 65535, replicas: 2 }, `appPort <= ${LIMITS.port.max - 1}`],
        ["bindAddress", { bindAddress: "localhost" }, "127.0.0.1"],
        ["bindAddress", { bindAddress: "300.1.1.1" }, "IPv4 or IPv6"],
        ["baseImage", { baseImage: "Node:Latest" }, `such as ${declared.baseImage.default}`],
        ["baseImage", { baseImage: "has space" }, `such as ${declared.baseImage.default}`],
        ["baseImage", { baseImage: "" }, `such as ${declared.baseImage.default}`],
        ["registryImage", { registryImage: "bad image" }, `such as ${declared.registryImage.default}`],
        ["appImageName", { appImageName: "Hello" }, "lowercase"],
        ["appImageName", { appImageName: "-x" }, "lowercase"],
        ["appImageTag", { appImageTag: "-bad" }, "at most 128 characters"],
        ["appImageTag", { appImageTag: "a".repeat(129) }, "at most 128 characters"],
        ["dockerHost", { dockerHost: "http://x" }, "unix:///var/run/docker.sock"],
        ["memoryLimitMb", { memoryLimitMb: 16 }, memoryRange],
        ["memoryLimitMb", { memoryLimitMb: 5000 }, memoryRange],
    ];

    test.each(invalid.map(([key, raw, fix]) => [key, JSON.stringify(raw).slice(0, 60), raw, fix] as const))(
        "%s: %s is rejected naming key, value and fix",
        (key, _title, raw, fix) => {
            const err = configError(raw);
            expect(err.name).toBe("LabConfigError");
            expect(err.problems).toHaveLength(1);
            const badValue = raw[key];
            expect(err.problems[0]).toContain(`${key} = ${JSON.stringify(badValue)}`);
            expect(err.problems[0]).toContain(fix);
            expect(err.message).toContain(`${key} = ${JSON.stringify(badValue)}`);
            expect(err.message).toContain(fix);
        },
    );

    test.each([4999, 5002])("registryPort %d just outside the app ports 5000..5001 is accepted", (registryPort) => {
        const config = labConfig({ appPort: 5000, registryPort, replicas: 2 });
        expect(config.registryPort).toBe(registryPort);
        expect(config.appPort).toBe(5000);
    });

    test.each([
        [{ portalPort: 5000 }, "portalPort = 5000: it is the registry's port (registryPort)", "set portalPort 8070"],
        [{ portalPort: 8081 }, "portalPort = 8081: it is one of the lab's app ports (8080 to 8081)", "set portalPort 8070"],
        [{ portalPort: 8070, appPort: 8070 }, "portalPort = 8070: it is one of the lab's app ports (8070 to 8071)", "set portalPort 7070"],
        [
            { portalPort: 39305, appPort: 39300, mode: "seats", students: ["alice", "bob"] },
            "portalPort = 39305: it is one of the lab's app ports (39300 to 39305)",
            "set portalPort 8070",
        ],
    ])("portalPort on one of the lab's own ports (%j) is refused with a free one", (raw, problem, fix) => {
        const err = configError(raw);
        expect(err.problems).toEqual([`${problem}; the portal needs a port of its own (npm run config -- ${fix})`]);
    });

    test("portalPort beside the lab's ports is accepted, and out of range refused like any port", () => {
        expect(labConfig({ portalPort: 8082 }).portalPort).toBe(8082);
        expect(labConfig({ portalPort: 39306, appPort: 39300, mode: "seats", students: ["alice", "bob"] }).portalPort).toBe(39306);
        expect(configError({ portalPort: 0 }).problems[0]).toMatch(/^portalPort = 0: must be/);
    });

    test("the last app port may be exactly 65535", () => {
        const config = labConfig({ appPort: LIMITS.port.max - 1, replicas: 2 });
        expect(config.appPort + config.replicas - 1).toBe(LIMITS.port.max);
    });

    test("several problems at once are all reported in one error", () => {
        const err = configError({ replicas: 0, bindAddress: "localhost", appImageName: "Hello", dockerHost: "http://x" });
        expect(err.problems).toHaveLength(4);
        expect(err.message).toContain("(4 problems)");
        for (const expected of ["replicas = 0", 'bindAddress = "localhost"', 'appImageName = "Hello"', 'dockerHost = "http://x"']) {
            expect(err.problems.some((p) => p.includes(expected))).toBe(true);
            expect(err.message).toContain(expected);
        }
    });

    test.each(["unix:///var/run/docker.sock", "tcp://h:2376", "ssh://u@h", ""])("dockerHost %j is accepted", (dockerHost) => {
        expect(labConfig({ dockerHost }).dockerHost).toBe(dockerHost);
    });

    test.each(["::1", "0.0.0.0"])("bindAddress %s is accepted", (bindAddress) => {
        expect(labConfig({ bindAddress }).bindAddress).toBe(bindAddress);
    });
});

describe("isImageReference", () => {
    test.each([
        declared.baseImage.default as string,
        declared.registryImage.default as string,
        "localhost:5000/docker-lab-dev/hellodocker:1.0.0",
        `localhost:5000/a/b@sha256:${"ab".repeat(32)}`,
    ])("accepts %s", (ref) => {
        expect(isImageReference(ref)).toBe(true);
    });

    test("rejects uppercase, spaces, empty, bad tags, over-long names and short digests", () => {
        for (const ref of ["Node:Latest", "has space", "", "node:-bad", "a".repeat(256), "repo@sha256:short"]) {
            expect({ ref, valid: isImageReference(ref) }).toEqual({ ref, valid: false });
        }
    });
});

describe("LabConfigError", () => {
    test("lists every problem on its own line and counts them", () => {
        const one = new LabConfigError(["first thing"]);
        expect(one.message).toContain("(1 problem)");
        expect(one.message).toContain("  - first thing");
        const two = new LabConfigError(["a", "b"]);
        expect(two).toBeInstanceOf(Error);
        expect(two.name).toBe("LabConfigError");
        expect(two.problems).toEqual(["a", "b"]);
        expect(two.message.split("\n").slice(1)).toEqual(["  - a", "  - b"]);
    });
});

describe("readStackConfig", () => {
    test("reads the project's keys from Pulumi.<stack>.yaml and ignores other namespaces", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-stack-"));
        try {
            fs.writeFileSync(
                path.join(dir, "Pulumi.class-1.yaml"),
                'encryptionsalt: v1:abc\nconfig:\n  docker-lab:replicas: "3"\n  docker-lab:bindAddress: 0.0.0.0\n  docker:host: unix:///x\n',
            );
            expect(readStackConfig("class-1", dir)).toEqual({ replicas: "3", bindAddress: "0.0.0.0" });
            expect(readStackConfig("missing", dir)).toEqual({});
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
