import type { CheckResult } from "../../../engine";
import { checkResourceName, IMAGE_REF_PLACEHOLDER, type LessonCheck, labsOf, MODES, PASS_MARKER } from "../../../lab";
import { damageInState, healPlan, healsAnything } from "../../../tools/heal";
import type { LabDamage } from "../../../tools/labGuard";
import { exportArgs, planInvocation, refreshArgs } from "../../../tools/pulumiCli";
import { checkKey, checksInState, stackOutput, stateStrings } from "../../../tools/upChecks";
import { noChangeLine } from "../../../tools/upVerify";
import { verifyLab } from "../../../tools/verify";
import { classSpec, labSpec } from "../../helpers/specs";
import { runProgram } from "../helpers/program";

// npm run up without a check run twice, and with what the lab guard finds healed: the checks' last
// runs read from the state (`pulumi stack export`), verify skipping what the update ran, the heal plan.

jest.setTimeout(60_000);

const DIGEST = `sha256:${"c".repeat(64)}`;

/** An exported deployment as `pulumi stack export` prints it: the stack's outputs and one command per check. */
function deployment(checks: { name: string; stdout: string; modified?: string }[], outputs: Record<string, unknown> = {}) {
    return {
        version: 3,
        deployment: {
            resources: [
                { urn: "urn:pulumi:dev::docker-lab::pulumi:pulumi:Stack::docker-lab-dev", type: "pulumi:pulumi:Stack", outputs },
                ...checks.map((c) => ({
                    urn: `urn:pulumi:dev::docker-lab::docker-lab:lab:DockerLab$docker-lab:lab:LessonCheckCommands$command:local:Command::${c.name}`,
                    type: "command:local:Command",
                    outputs: { stdout: c.stdout },
                    ...(c.modified ? { modified: c.modified } : {}),
                })),
            ],
        },
    };
}

describe("the checks' last runs in the state", () => {
    test("the program names each check's command as checkResourceName says, for one learner and for a class", async () => {
        const one = await runProgram({});
        const names = one.resources.filter((r) => r.type === "command:local:Command").map((r) => r.name);
        for (const check of labSpec().checks) expect(names).toContain(checkResourceName(undefined, check.id));
        const cls = await runProgram({ students: '["alice","bob"]' });
        const classNames = cls.resources.map((r) => r.name);
        for (const lab of classSpec({ students: ["alice", "bob"] }).students) {
            for (const check of lab.checks) expect(classNames).toContain(checkResourceName(lab.student?.name, check.id));
        }
    });

    test("each check the state holds comes back with its output, its time and its lab's image; the rest are left out", () => {
        const spec = labSpec();
        const [first, second] = spec.checks;
        const exported = deployment(
            [
                {
                    name: checkResourceName(undefined, first.id),
                    stdout: `${PASS_MARKER} ${first.id}\nout\n`,
                    modified: "2026-12-05T01:02:03.5Z",
                },
                { name: checkResourceName(undefined, second.id), stdout: "no marker", modified: "2026-12-05T01:02:04Z" },
                // No timestamp: an old checkpoint; not counted as a run.
                { name: checkResourceName(undefined, spec.checks[2].id), stdout: `${PASS_MARKER} x\n` },
            ],
            { imageRef: `${spec.image.repository}@${DIGEST}` },
        );
        const ref = String(stackOutput(exported, "imageRef"));
        expect(ref).toBe(`${spec.image.repository}@${DIGEST}`);
        const found = checksInState(exported, spec, ref);
        expect(found.map((v) => v.check.id)).toEqual([first.id, second.id]);
        expect(found[0]).toMatchObject({ imageRef: ref, ranInUp: "2026-12-05T01:02:03.500Z", result: { passed: true, status: 0 } });
        expect(found[1].result.passed).toBe(false);
        expect(stackOutput(exported, "missing")).toBeUndefined();
    });

    test("in a class each student's checks are theirs, against the class digest in their own repository", () => {
        const spec = classSpec({ students: ["alice", "bob"] });
        const bob = spec.students[1];
        const check = bob.checks[0];
        const exported = deployment([
            { name: checkResourceName("bob", check.id), stdout: `${PASS_MARKER} x\n`, modified: "2026-12-05T00:00:00Z" },
        ]);
        const [found] = checksInState(exported, spec, `${spec.image.repository}@${DIGEST}`);
        expect(found.check).toBe(check);
        expect(checkKey(found.check)).toBe(`bob/${check.id}`);
        expect(found.imageRef).toBe(`${bob.image.repository}@${DIGEST}`);
    });

    test("a no-op says when the checks last passed, against which image, and how to run them again", () => {
        const spec = labSpec();
        const at = (s: string) => ({ check: spec.checks[0], result: { passed: true } as CheckResult, imageRef: "r", ranInUp: s });
        expect(noChangeLine("docker-lab-dev", [at("2026-12-05T01:00:00Z"), at("2026-12-05T02:00:00Z")], "r@sha256:1")).toBe(
            "no change in lab docker-lab-dev: its 2 of 2 lesson checks passed in the update of 2026-12-05 02:00:00 UTC, against r@sha256:1 (npm run verify runs them again)",
        );
    });
});

describe("verify after an update", () => {
    test("runs only the checks the update did not run, and reports the update's as they ran there, in check order", async () => {
        const spec = labSpec({ replicas: "1" });
        const ref = `${spec.image.repository}@${DIGEST}`;
        // Quick checks that print the image they got, so they can run here.
        const checks: LessonCheck[] = spec.checks.slice(0, 3).map((check) => ({
            ...check,
            command: `echo ${IMAGE_REF_PLACEHOLDER}`,
            expect: { kind: "equals", value: ref },
            cleanup: undefined,
        }));
        const quick = { ...spec, checks };
        const fromUp = {
            check: checks[1],
            result: { id: checks[1].id, passed: true, stdout: `${PASS_MARKER} up\n` } as CheckResult,
            imageRef: ref,
            ranInUp: "2026-12-05T00:00:00.000Z",
        };
        const seen: string[] = [];
        const report = await verifyLab(quick, ref, {
            cwd: process.cwd(),
            engine: "test",
            done: new Map([[checkKey(checks[1]), fromUp]]),
            onResult: (v) => seen.push(`${v.check.id}:${v.ranInUp ? "up" : "here"}`),
        });
        expect(report.checks.map((v) => v.check.id)).toEqual(checks.map((c) => c.id));
        expect(report.checks[1]).toBe(fromUp);
        expect(report.checks.filter((v) => v.ranInUp === undefined).map((v) => v.result.stdout.split("\n")[1])).toEqual([ref, ref]);
        expect(report.passed).toBe(3);
        expect([...seen].sort()).toEqual([`${checks[0].id}:here`, `${checks[1].id}:up`, `${checks[2].id}:here`].sort());
    });
});

describe("npm run up heals what the lab guard finds", () => {
    test("stopped containers start again, a removal refreshes the state, a deleted tag is pulled after the update", () => {
        const plan = healPlan([
            { kind: "stopped", role: "registry", name: "r", state: "exited" },
            { kind: "stopped", role: "replica", name: "a0", state: "exited" },
            { kind: "missing", role: "network", name: "n" },
            { kind: "image-tag-missing", image: "localhost:5000/x/y:1" },
        ]);
        expect(plan).toEqual({ start: ["r", "a0"], refresh: true, pull: ["localhost:5000/x/y:1"] });
        expect(healsAnything(plan)).toBe(true);
        expect(healPlan([{ kind: "stopped", role: "replica", name: "a0", state: "exited" }]).refresh).toBe(false);
        expect(healsAnything(healPlan([]))).toBe(false);
    });

    test("what a changed config adds is not damage: a new student's objects are left to the update", async () => {
        // The state of a class of two, as the program sent it (a container's name and the image's name come back as outputs).
        const run = await runProgram({ students: '["alice","bob"]' });
        const state = {
            deployment: { resources: run.resources.map((r) => ({ urn: r.urn, type: r.type, outputs: r.inputs })) },
        };
        // The class of three finds every object and the tag missing: dave's are new, the rest were removed by hand.
        const grown = classSpec({ students: ["alice", "bob", "dave"] });
        const damage: LabDamage[] = [
            ...MODES[grown.mode].guarded(grown, labsOf(grown)).map((o): LabDamage => ({ kind: "missing", role: o.role, name: o.name })),
            ...labsOf(grown).map((lab): LabDamage => ({ kind: "missing", role: "network", name: lab.network.name })),
            { kind: "image-tag-missing", image: grown.image.name },
        ];
        const kept = damageInState(damage, stateStrings(state)).map((d) => ("name" in d ? d.name : d.image));
        const before = classSpec({ students: ["alice", "bob"] });
        expect(kept.sort()).toEqual(
            [
                ...MODES[before.mode].guarded(before, labsOf(before)).map((o) => o.name),
                ...labsOf(before).map((lab) => lab.network.name),
                before.image.name,
            ].sort(),
        );
        expect(kept.some((name) => name.includes("dave"))).toBe(false);
    });

    test("only up heals; the refresh and the export name the stack", () => {
        expect(planInvocation("up", {}).heal).toBe(true);
        expect(planInvocation("down", {}).heal).toBe(false);
        expect(planInvocation("preview", {}).heal).toBe(false);
        expect(refreshArgs("s1")).toEqual(["refresh", "--yes", "--skip-preview", "--stack", "s1"]);
        expect(exportArgs("s1")).toEqual(["stack", "export", "--stack", "s1"]);
    });
});
