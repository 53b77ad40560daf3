import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import {
    classPortPlan,
    FAIL_MARKER,
    hostnameFor,
    isClassSpec,
    LabConfigError,
    labImageRef,
    labsOf,
    PASS_MARKER,
    renderCheckScript,
    resolveCheck,
    resolveImageCommand,
    STUDENT_NAME_MAX,
    studentLab,
} from "../../../lab";
import { labConfig } from "../../../tools/stack";
import { classSpec, labSpec, replicasOf } from "../../helpers/specs";

// The classroom: property tests over random classes (sizes 1..50, random appPort, registryPort and
// replicas) prove the invariants of the layout; example tests pin the names, ports and labels of a
// class of three. The tests compute what they expect on their own (a port-by-port walk), never with
// the code under test.

/** Runs parseLabConfig and returns the LabConfigError it must throw. */
function configError(raw: Record<string, unknown>): LabConfigError {
    try {
        labConfig(raw);
    } catch (err) {
        expect(err).toBeInstanceOf(LabConfigError);
        return err as LabConfigError;
    }
    throw new Error(`labConfig(${JSON.stringify(raw)}) accepted an invalid class`);
}

/**
 * The layout the rules describe, computed a different way: walk the ports upward from appPort and
 * give each student the first `replicas` consecutive ports that do not hold the registry port.
 * Returns every student's ports, or undefined when a port would pass 65535.
 */
function walkLayout(appPort: number, replicas: number, registryPort: number, students: number): number[][] | undefined {
    const blocks: number[][] = [];
    let next = appPort;
    for (let k = 0; k < students; k++) {
        let block: number[] = [];
        while (block.length < replicas) {
            if (next > 65535) return undefined;
            if (next === registryPort) block = [];
            else block.push(next);
            next++;
        }
        blocks.push(block);
    }
    return blocks;
}

/** Valid student names: short ones, so 50 of them stay readable in a failure. */
const studentName = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
const className = (min: number, max: number) => fc.uniqueArray(studentName, { minLength: min, maxLength: max });
const port = fc.integer({ min: 1, max: 65535 });
const replicas = fc.integer({ min: 1, max: 20 });

/** A random class, biased towards the edges: appPort near the top, the registry port among the app ports. */
const randomClass = fc
    .record({
        students: className(1, 50),
        replicas,
        appPort: fc.oneof(port, fc.integer({ min: 63_000, max: 65535 })),
        registryOffset: fc.oneof(fc.constant(undefined), fc.integer({ min: -3, max: 1100 })),
        registryPort: port,
    })
    .map(({ registryOffset, registryPort, appPort, ...rest }) => ({
        ...rest,
        appPort,
        // Half the time the registry port lies just before, among or just after the app ports.
        registryPort: registryOffset === undefined ? registryPort : Math.min(65535, Math.max(1, appPort + registryOffset)),
    }));

type RandomClass = { students: string[]; replicas: number; appPort: number; registryPort: number };

/** A portal port beside the class's span of ports (the config refuses one inside it), or undefined when there is no room. */
function portalPortFor(c: RandomClass): number | undefined {
    const last = classPortPlan(c.appPort, c.replicas, c.registryPort, c.students.length).last;
    return [c.appPort - 1, c.appPort - 2, last + 1, last + 2].find((p) => p >= 1 && p <= 65535 && p !== c.registryPort);
}

const rawConfig = (c: RandomClass) => ({
    students: JSON.stringify(c.students),
    replicas: String(c.replicas),
    appPort: String(c.appPort),
    registryPort: String(c.registryPort),
    portalPort: String(portalPortFor(c) ?? 65535),
});

/** Every value of `list` that occurs more than once. */
const repeated = <T>(list: T[]): T[] => [...new Set(list.filter((v, i) => list.indexOf(v) !== i))];

describe("property: any class that fits is laid out without sharing", () => {
    test("no two students share a name, port, container, hostname, network or repository; every port is in range and none is the registry port", () => {
        fc.assert(
            fc.property(randomClass, (c) => {
                const expected = walkLayout(c.appPort, c.replicas, c.registryPort, c.students.length);
                fc.pre(expected !== undefined && portalPortFor(c) !== undefined);
                const spec = classSpec(rawConfig(c));
                const labs = spec.students;
                expect(labs.map((l) => l.student?.name)).toEqual(c.students);
                expect(repeated(labs.map((l) => l.student?.name))).toEqual([]);

                const ports = labs.flatMap((l) => replicasOf(l).map((r) => r.ports[0].external));
                expect(ports).toHaveLength(c.students.length * c.replicas);
                expect(repeated(ports)).toEqual([]);
                for (const p of ports) {
                    expect(p).toBeGreaterThanOrEqual(1);
                    expect(p).toBeLessThanOrEqual(65535);
                    expect(p).not.toBe(c.registryPort);
                }
                // Each student's block is `replicas` consecutive ports, exactly where the walk puts it.
                expect(labs.map((l) => replicasOf(l).map((r) => r.ports[0].external))).toEqual(expected);

                const containers = [spec.registry.container.name, ...labs.flatMap((l) => replicasOf(l).map((r) => r.name))];
                expect(repeated(containers)).toEqual([]);
                const hostnames = [spec.registry.container.hostname, ...labs.flatMap((l) => replicasOf(l).map((r) => r.hostname))];
                expect(repeated(hostnames)).toEqual([]);
                for (const h of hostnames) expect(h.length).toBeLessThanOrEqual(63);
                expect(repeated([spec.network.name, ...labs.map((l) => l.network.name)])).toEqual([]);
                expect(repeated([spec.image.repository, ...labs.map((l) => l.image.repository)])).toEqual([]);
                expect(repeated(labs.flatMap((l) => l.appUrls))).toEqual([]);

                // Each student's objects carry their label, and their checks run against their own replicas.
                for (const lab of labs) {
                    const name = lab.student?.name as string;
                    for (const r of replicasOf(lab)) expect(r.labels["docker-lab.student"]).toBe(name);
                    expect(lab.network.labels["docker-lab.student"]).toBe(name);
                    expect(lab.checks.every((check) => check.student === name)).toBe(true);
                    expect(lab.image.repository.endsWith(`/docker-lab-dev/${name}/hellodocker`)).toBe(true);
                }
                // The class itself runs nothing: its app and checks are the students'.
                expect("app" in spec).toBe(false);
                expect("checks" in spec).toBe(false);
            }),
            { numRuns: 150 },
        );
    });

    test("a class that does not fit below 65536 is rejected with the ports it needs and those there are", () => {
        fc.assert(
            fc.property(randomClass, (c) => {
                const expected = walkLayout(c.appPort, c.replicas, c.registryPort, c.students.length);
                fc.pre(expected === undefined && portalPortFor(c) !== undefined);
                const err = configError(rawConfig(c));
                // What the class spans: its app ports, plus what the walk skips to clear the registry port.
                const plain = c.students.length * c.replicas;
                const inside = c.registryPort >= c.appPort && c.registryPort < c.appPort + plain;
                const needed = plain + (inside ? ((c.registryPort - c.appPort) % c.replicas) + 1 : 0);
                expect(err.problems).toHaveLength(1);
                expect(err.problems[0]).toContain(`needs ${needed} ports from appPort = ${c.appPort}`);
                expect(err.problems[0]).toContain(`only ${65536 - c.appPort} from ${c.appPort} to 65535`);
                expect(err.problems[0]).toContain(`${c.students.length} student`);
                // The appPort it suggests does fit, and one more does not.
                const suggested = /the highest appPort this class fits at is (\d+)/.exec(err.problems[0]);
                if (suggested) {
                    const at = Number(suggested[1]);
                    expect(walkLayout(at, c.replicas, c.registryPort, c.students.length)).toBeDefined();
                    expect(walkLayout(at + 1, c.replicas, c.registryPort, c.students.length)).toBeUndefined();
                } else {
                    expect(walkLayout(1, c.replicas, c.registryPort, c.students.length)).toBeUndefined();
                }
            }),
            { numRuns: 150 },
        );
    });

    test("adding a student at the end, or freeing a seat, leaves every other student's lab exactly as it was", () => {
        fc.assert(
            fc.property(randomClass, studentName, fc.nat(), (c, newcomer, seat) => {
                fc.pre(!c.students.includes(newcomer));
                fc.pre(walkLayout(c.appPort, c.replicas, c.registryPort, c.students.length + 1) !== undefined);
                fc.pre(portalPortFor({ ...c, students: [...c.students, newcomer] }) !== undefined);
                // One portal port for the three configs: the larger class's, beside all of them.
                const portalPort = String(portalPortFor({ ...c, students: [...c.students, newcomer] }));
                const before = classSpec({ ...rawConfig(c), portalPort }).students;
                const added = classSpec({ ...rawConfig({ ...c, students: [...c.students, newcomer] }), portalPort }).students;
                expect(added.slice(0, before.length)).toEqual(before);
                expect(added.map((l) => l.student?.name)).toEqual([...c.students, newcomer]);

                const freed = seat % c.students.length;
                const students = c.students.map((name, i) => (i === freed ? "" : name));
                fc.pre(students.some((name) => name !== ""));
                const after = classSpec({ ...rawConfig({ ...c, students }), portalPort }).students;
                expect(after).toEqual(before.filter((_, i) => i !== freed));
            }),
            { numRuns: 60 },
        );
    });

    test("a repeated name is rejected, naming the name and both places", () => {
        fc.assert(
            fc.property(className(1, 50), fc.nat(), fc.nat(), (names, pick, at) => {
                const name = names[pick % names.length];
                const students = [...names];
                students.splice(at % (students.length + 1), 0, name);
                const err = configError({ students: JSON.stringify(students), appPort: "10000" });
                const [first, second] = students.map((s, i) => (s === name ? i : -1)).filter((i) => i >= 0);
                expect(err.problems).toEqual([
                    `students[${second}] = ${JSON.stringify(name)}: the same name as students[${first}]; every student needs a name of their own`,
                ]);
            }),
            { numRuns: 100 },
        );
    });

    const badName = fc.oneof(
        fc.constant(" "),
        fc.stringMatching(/^-[a-z0-9]{1,8}$/),
        fc.stringMatching(/^[a-z0-9]{1,8}-$/),
        fc.stringMatching(/^[a-z]{1,4}[A-Z_. /][a-z]{1,4}$/),
        fc.integer({ min: STUDENT_NAME_MAX + 1, max: 100 }).map((n) => "a".repeat(n)),
    );

    test("every bad name is reported at once, each naming its place, its value and the rule", () => {
        fc.assert(
            fc.property(className(0, 10), fc.array(fc.tuple(badName, fc.nat()), { minLength: 1, maxLength: 5 }), (good, bad) => {
                const students: string[] = [...good];
                for (const [name, at] of bad) students.splice(at % (students.length + 1), 0, name);
                const err = configError({ students: JSON.stringify(students), appPort: "10000" });
                const badAt = students.map((s, i) => (good.includes(s) ? -1 : i)).filter((i) => i >= 0);
                const forBadNames = err.problems.filter((p) => p.includes("a student name must be"));
                expect(forBadNames).toHaveLength(badAt.length);
                for (const [n, i] of badAt.entries()) {
                    expect(forBadNames[n]).toContain(
                        `students[${i}] = ${JSON.stringify(students[i])}: a student name must be lowercase letters`,
                    );
                    expect(forBadNames[n]).toContain("at most 63 characters");
                }
            }),
            { numRuns: 100 },
        );
    });
});

describe("a class of three (examples)", () => {
    const spec = classSpec({ students: ["alice", "bob", "carol"], appPort: 9000, registryPort: 9003, replicas: 2 });
    const [alice, bob, carol] = spec.students;

    test("names, ports (bob's block skips the registry port), repositories and labels", () => {
        expect(spec.students.map((s) => s.student?.name)).toEqual(["alice", "bob", "carol"]);
        expect(replicasOf(alice).map((r) => [r.name, r.ports[0].external])).toEqual([
            ["docker-lab-dev-alice-app-0", 9000],
            ["docker-lab-dev-alice-app-1", 9001],
        ]);
        // 9002..9003 would hold the registry port 9003: bob starts right after it, carol after bob.
        expect(replicasOf(bob).map((r) => r.ports[0].external)).toEqual([9004, 9005]);
        expect(replicasOf(carol).map((r) => r.ports[0].external)).toEqual([9006, 9007]);
        expect(bob.appUrls).toEqual(["http://127.0.0.1:9004", "http://127.0.0.1:9005"]);
        expect(bob.network.name).toBe("docker-lab-dev-bob-net");
        expect(bob.image.repository).toBe("localhost:9003/docker-lab-dev/bob/hellodocker");
        expect(bob.image.name).toBe("localhost:9003/docker-lab-dev/bob/hellodocker:1.0.0");
        expect(replicasOf(bob)[1].labels).toEqual({
            "docker-lab.managed": "true",
            "docker-lab.instance": "docker-lab-dev",
            "docker-lab.student": "bob",
            "docker-lab.role": "app",
            "docker-lab.replica": "1",
        });
        expect(replicasOf(bob)[0].env).toEqual({ PORT: "8080", LAB_INSTANCE: "docker-lab-dev", LAB_STUDENT: "bob" });
        // A class's healthchecks run less often and may take longer; up waits longer for its replicas.
        expect(replicasOf(bob)[0].healthcheck).toMatchObject({ intervalSeconds: 5, timeoutSeconds: 10, retries: 5 });
        expect(replicasOf(bob)[0].waitTimeoutSeconds).toBe(180);
    });

    test("the class shares one registry, volume and image build; the students share nothing else", () => {
        for (const lab of spec.students) {
            expect(lab.registry).toEqual(spec.registry);
            expect(lab.volume).toEqual(spec.volume);
            expect(lab.image.context).toBe(spec.image.context);
            expect(lab.image.buildArgs).toEqual(spec.image.buildArgs);
            expect(isClassSpec(lab)).toBe(false);
        }
        expect(spec.network.name).toBe("docker-lab-dev-net");
        expect(spec.image.repository).toBe("localhost:9003/docker-lab-dev/hellodocker");
        expect(labsOf(spec)).toBe(spec.students);
        const one = labSpec({});
        expect(labsOf(one)).toEqual([one]);
    });

    test("each student's checks: their own replicas and scratch names, and a failure that names the student", () => {
        const ps = bob.checks.find((c) => c.id === "01.02-ps");
        expect(ps?.command).toBe(
            "docker ps --filter label=docker-lab.instance=docker-lab-dev --filter label=docker-lab.student=bob --filter label=docker-lab.role=app --format '{{.Names}} {{.Status}}'",
        );
        expect(bob.checks.find((c) => c.id === "01.02-rm")?.command).toContain("docker create --name docker-lab-dev-bob-lesson-rm ");
        expect(bob.checks.find((c) => c.id === "01.01-tag-push-pull")?.command).toContain(
            "localhost:9003/docker-lab-dev/bob/hellodocker:1.0.0-roundtrip",
        );
        expect(bob.checks.map((c) => c.id)).toEqual(alice.checks.map((c) => c.id));
        // Students build at once: without the cache no build reuses layers another's clean-up may delete.
        expect(bob.checks.find((c) => c.id === "01.01-build")?.command).toMatch(/^docker build --quiet --no-cache --tag /);

        const ref = labImageRef(bob, `${spec.image.repository}@sha256:${"a".repeat(64)}`);
        expect(ref).toBe(`localhost:9003/docker-lab-dev/bob/hellodocker@sha256:${"a".repeat(64)}`);
        const script = renderCheckScript(resolveCheck(bob.checks[0], { imageRef: ref }));
        expect(script).toContain(`'${PASS_MARKER}' '00-shared-kernel for student bob'`);
        expect(script).toContain(`'${FAIL_MARKER}' '00-shared-kernel for student bob'`);
    });

    test("the one-learner lab is today's: no student, same names and check commands", () => {
        const one = labSpec({ appPort: 9000, registryPort: 9003 });
        expect(isClassSpec(one)).toBe(false);
        expect(one.student).toBeUndefined();
        expect(replicasOf(one).map((r) => r.name)).toEqual(["docker-lab-dev-app-0", "docker-lab-dev-app-1"]);
        expect(one.checks.every((c) => c.student === undefined)).toBe(true);
        expect(one.checks.find((c) => c.id === "01.02-ps")?.command).toBe(
            "docker ps --filter label=docker-lab.instance=docker-lab-dev --filter label=docker-lab.role=app --format '{{.Names}} {{.Status}}'",
        );
        expect(one.checks.find((c) => c.id === "01.02-rm")?.command).toContain("docker create --name docker-lab-dev-lesson-rm ");
        expect(one.checks.find((c) => c.id === "01.01-build")?.command).toMatch(/^docker build --quiet --tag /);
        expect(replicasOf(one)[0].healthcheck).toMatchObject({ intervalSeconds: 2, timeoutSeconds: 3, retries: 5 });
        expect(replicasOf(one)[0].waitTimeoutSeconds).toBe(60);
    });

    test("a student's image command tags the class digest into their repository and requires the same digest", () => {
        const classRef = `${spec.image.repository}@sha256:${"b".repeat(64)}`;
        const command = resolveImageCommand(alice.student?.copyImageCommand as string, classRef);
        expect(command).toContain(`docker tag ${classRef} localhost:9003/docker-lab-dev/alice/hellodocker:1.0.0`);
        expect(command).toContain("docker push localhost:9003/docker-lab-dev/alice/hellodocker:1.0.0");
        expect(command).toContain(`*"digest: sha256:${"b".repeat(64)} "*`);
        expect(command).toContain(`localhost:9003/docker-lab-dev/alice/hellodocker@sha256:${"b".repeat(64)}`);
        expect(() => resolveImageCommand(alice.student?.copyImageCommand as string, "hellodocker:latest")).toThrow(/repository@sha256/);
        // Removing a student untags only their repository, by name.
        expect(alice.image.removeCommand).toContain("reference=localhost:9003/docker-lab-dev/alice/hellodocker:*");
        expect(alice.image.removeCommand).not.toMatch(/image rm (-f|--force)/);
    });

    test("the image command, run by /bin/sh against a fake docker: the student's reference when the push reports the class digest, else a failure naming both", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-class-"));
        try {
            // A docker that logs its arguments and pushes with the digest the test chooses.
            fs.writeFileSync(
                path.join(dir, "docker"),
                '#!/bin/sh\necho "$*" >> "$FAKE_LOG"\n[ "$1" = push ] && printf \'The push refers to repository [x]\\n1.0.0: digest: %s size: 528\\n\' "$FAKE_DIGEST"\nexit 0\n',
                { mode: 0o755 },
            );
            const digest = `sha256:${"c".repeat(64)}`;
            const command = resolveImageCommand(alice.student?.copyImageCommand as string, `${spec.image.repository}@${digest}`);
            const run = (pushed: string) =>
                spawnSync("/bin/sh", ["-c", command], {
                    encoding: "utf8",
                    env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, FAKE_LOG: path.join(dir, "log"), FAKE_DIGEST: pushed },
                });
            const ok = run(digest);
            expect({ status: ok.status, stdout: ok.stdout }).toEqual({ status: 0, stdout: `${alice.image.repository}@${digest}\n` });
            expect(fs.readFileSync(path.join(dir, "log"), "utf8").split("\n").filter(Boolean)).toEqual([
                `tag ${spec.image.repository}@${digest} ${alice.image.name}`,
                `push ${alice.image.name}`,
            ]);
            const other = run(`sha256:${"d".repeat(64)}`);
            expect(other.status).toBe(1);
            expect(other.stdout).toBe("");
            expect(other.stderr).toContain(
                `${alice.image.name} was pushed, but the registry did not report the class image's digest ${digest}`,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    test("studentLab finds a student, and names the class's students when it cannot", () => {
        expect(studentLab(spec, "carol")).toBe(carol);
        expect(() => studentLab(spec, "dave")).toThrow(
            'There is no student "dave" in the class docker-lab-dev; its students are: alice, bob, carol',
        );
        expect(() => studentLab(classSpec({}), "alice")).toThrow(
            /has no students[\s\S]*npm run config -- set --path 'students\[0\]' alice/,
        );
    });
});

describe("the students config value", () => {
    test.each([
        ["JSON text, as the CLI hands a declared array to the program", '["alice","bob"]'],
        ["a list, as Pulumi.<stack>.yaml holds it", ["alice", "bob"]],
    ])("%s", (_, students) => {
        expect(labConfig({ students }).students).toEqual(["alice", "bob"]);
    });

    test("an empty string is a free seat: the later students keep their blocks; a class of only free seats is rejected", () => {
        const spec = classSpec({ students: ["alice", "", "carol"], appPort: 9000, registryPort: 5000, replicas: 2 });
        expect(spec.students.map((s) => [s.student?.name, replicasOf(s).map((r) => r.ports[0].external)])).toEqual([
            ["alice", [9000, 9001]],
            ["carol", [9004, 9005]],
        ]);
        expect(configError({ students: ["", ""] }).problems).toEqual([
            `students = ["",""]: every seat is empty; name a student (npm run config -- set --path 'students[0]' alice), or remove the key for the one-learner lab (npm run config -- rm students)`,
        ]);
    });

    test("the default is no students: the one-learner lab", () => {
        expect(labConfig({}).students).toEqual([]);
        expect(labConfig({ students: "[]" }).students).toEqual([]);
    });

    test.each([
        ["not a list", "alice", /students = "alice": must be a list of student names such as \["alice","bob"\]/],
        ["a number, as --path stores 42 without --type string", [42], /students\[0\] = 42: must be a name in quotes.*--type string/],
    ])("%s is rejected with the fix", (_, students, message) => {
        expect(configError({ students }).problems[0]).toMatch(message);
    });

    test("bad names and other keys' problems come together in one error", () => {
        const err = configError({ students: ["alice", "Bob", "alice"], replicas: "0" });
        expect(err.problems).toHaveLength(3);
        expect(err.message).toMatch(/3 problems[\s\S]*replicas[\s\S]*students\[1\] = "Bob"[\s\S]*students\[2\] = "alice"/);
    });

    test("a one-learner lab keeps its own rule for the registry port; a class skips it instead", () => {
        expect(configError({ appPort: 9000, registryPort: 9001 }).problems[0]).toMatch(/registryPort = 9001: overlaps the app ports/);
        expect(labConfig({ appPort: 9000, registryPort: 9001, students: ["a"] }).students).toEqual(["a"]);
    });

    test("classPortPlan says how many ports a block skipped", () => {
        expect(classPortPlan(9000, 2, 9003, 3)).toEqual({
            starts: [9000, 9004, 9006],
            needed: 8,
            available: 56536,
            skipped: 2,
            last: 9007,
        });
        expect(classPortPlan(9000, 2, 8999, 3)).toEqual({
            starts: [9000, 9002, 9004],
            needed: 6,
            available: 56536,
            skipped: 0,
            last: 9005,
        });
    });
});

describe("hostnames", () => {
    test("a name that fits a DNS label is its own hostname; a longer one is cut and hashed, staying distinct", () => {
        expect(hostnameFor("docker-lab-dev-alice-app-0")).toBe("docker-lab-dev-alice-app-0");
        const long = `docker-lab-dev-${"x".repeat(63)}`;
        const [a, b] = [hostnameFor(`${long}-app-0`), hostnameFor(`${long}-app-1`)];
        expect(a.length).toBeLessThanOrEqual(63);
        expect(a).not.toBe(b);
        expect(a).toMatch(/^docker-lab-dev-x+-[0-9a-f]{8}$/);
    });
});
