import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isClassSpec, labExercises, labsOf, PASS_MARKER } from "../../lab";
import { specFor } from "../../tools/stack";
import { type ProgramRun, runProgram } from "./helpers/program";
import { seatTlsStdout } from "./helpers/seatTlsStdout";

// What the program sends to the engine, for labs of every mode and shape, against a record kept in
// tests/unit/fixtures/: any change in a resource's name, parent, inputs, dependencies or options, or
// in a stack output, fails here. A change on purpose re-records it: UPDATE_BEHAVIOUR=1 npx jest behaviour.

jest.setTimeout(120_000);

const FIXTURE = path.join(__dirname, "fixtures", "program-behaviour.json");
const NOTES_FIXTURE = path.join(__dirname, "fixtures", "notes-behaviour.json");

const NODES = "vm 127.0.0.1 ready active\nworker-1 10.0.0.6 ready active\n";

/** The labs recorded: a name, the stack config (as `pulumi config set` stores it) and the secret keys. */
const LABS: { name: string; config: Record<string, string>; secretKeys?: string[] }[] = [
    { name: "default", config: {} },
    { name: "three replicas on every interface", config: { replicas: "3", bindAddress: "0.0.0.0", appPort: "18080" } },
    { name: "class with a free seat", config: { students: '["alice","","bob"]', replicas: "2" } },
    { name: "swarm host", config: { mode: "swarm", publishMode: "host", replicas: "2" } },
    { name: "swarm ingress class", config: { mode: "swarm", students: '["alice","bob"]' } },
    { name: "seats class", config: { mode: "seats", students: '["alice","bob"]' } },
    { name: "registryAuth generated", config: { registryAuth: "true" } },
    {
        name: "swarm registryAuth given",
        config: { mode: "swarm", registryAuth: "true", registryPassword: "correct horse battery" },
        secretKeys: ["registryPassword"],
    },
    {
        name: "remote engine, registry address",
        config: { mode: "swarm", dockerHost: "tcp://127.0.0.1:2375", registryAddress: "10.0.0.5:5000", publishMode: "host" },
    },
];

/** A passing check's script prints the pass marker and its id first; other commands print their name. */
const commandStdout = (name: string) =>
    name.includes("-check-")
        ? `${PASS_MARKER} ${name}\n`
        : name.endsWith("generated-password")
          ? "generated"
          : (seatTlsStdout(name) ?? `stdout of ${name}`);

/** A value as recorded: itself when short, else a hash of it (a check's script is kilobytes; the key still shows which value changed). */
function recordOf(value: unknown): unknown {
    const json = JSON.stringify(value) ?? "undefined";
    return json.length <= 160 ? value : `sha256:${createHash("sha256").update(json).digest("hex").slice(0, 24)}`;
}

const recordEach = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, recordOf(v)]));

/** What the engine is sent, in a stable order: every resource by URN with each input, and the outputs. */
function behaviour(run: ProgramRun) {
    const resources = [...run.resources]
        .sort((a, b) => a.urn.localeCompare(b.urn))
        .map((r) => ({
            ...r,
            inputs: recordEach(r.inputs),
            dependsOn: [...r.dependsOn].sort(),
            secretInputs: [...r.secretInputs].sort(),
        }));
    return { resources, outputs: recordEach(run.outputs), calls: run.calls.map((c) => recordOf(c.inputs.command)) };
}

describe("the program's behaviour", () => {
    const recorded: Record<string, unknown> = fs.existsSync(FIXTURE) ? JSON.parse(fs.readFileSync(FIXTURE, "utf8")) : {};
    const current: Record<string, unknown> = {};

    afterAll(() => {
        if (process.env.UPDATE_BEHAVIOUR !== "1") return;
        // One line per resource: a re-recorded change shows in a diff as the resources it touched.
        const labs = Object.entries(current).map(([name, run]) => {
            const { resources, ...rest } = run as { resources: unknown[] };
            return `${JSON.stringify(name)}: {"resources": [\n${resources.map((r) => JSON.stringify(r)).join(",\n")}\n], ${JSON.stringify(rest).slice(1)}`;
        });
        fs.writeFileSync(FIXTURE, `{\n${labs.join(",\n")}\n}\n`);
    });

    test.each(LABS)("$name: the same resources, inputs, dependencies and outputs as recorded", async ({ name, config, secretKeys }) => {
        const run = await runProgram(config, "dev", { commandStdout, runStdout: () => NODES, secretKeys });
        current[name] = JSON.parse(JSON.stringify(behaviour(run)));
        if (process.env.UPDATE_BEHAVIOUR === "1") return;
        expect(current[name]).toEqual(recorded[name]);
    });
});

/** A lesson check as the learner meets it (in verify, the report, the exercises), whatever the shape of its type. */
const checkRecord = (c: ReturnType<typeof labsOf>[number]["checks"][number]) =>
    recordEach({
        id: c.id,
        section: c.section,
        heading: c.heading,
        title: { en: c.title.en, zh: c.title.zh },
        proves: { en: c.proves.en, zh: c.proves.zh },
        command: c.command,
        expect: c.expect,
        cleanup: c.cleanup,
        substitutes: c.substitutes && {
            notesCommand: c.substitutes.notesCommand,
            reason: { en: c.substitutes.reason.en, zh: c.substitutes.reason.zh },
        },
        teaches: c.teaches,
        student: c.student,
        registryLogin: c.registryLogin,
    });

describe("the notes' checks and exercises", () => {
    const recorded: Record<string, unknown> = fs.existsSync(NOTES_FIXTURE) ? JSON.parse(fs.readFileSync(NOTES_FIXTURE, "utf8")) : {};
    const current: Record<string, unknown> = {};

    afterAll(() => {
        if (process.env.UPDATE_BEHAVIOUR === "1") fs.writeFileSync(NOTES_FIXTURE, `${JSON.stringify(current, null, 1)}\n`);
    });

    test.each(LABS)("$name: the same checks (and exercises) as recorded", ({ name, config }) => {
        const { registryPassword: _, ...raw } = config;
        const spec = specFor(raw, "dev");
        const exercises = !isClassSpec(spec) && spec.mode === "containers" ? labExercises(spec, "dev") : [];
        current[name] = JSON.parse(
            JSON.stringify({
                checks: labsOf(spec).flatMap((lab) => lab.checks.map(checkRecord)),
                exercises: exercises.map((e) => recordEach({ ...e, check: checkRecord(e.check) } as unknown as Record<string, unknown>)),
            }),
        );
        if (process.env.UPDATE_BEHAVIOUR === "1") return;
        expect(current[name]).toEqual(recorded[name]);
    });
});
