import { type ClassSpec, OFFLINE_IMAGES } from "../../lab";
import { leftovers, teardownLab } from "../../rig";
import { classSpec, replicasOf } from "../helpers/specs";
import { e2eGate } from "./gate";
import { describeRun, expectOutput, expectSuccess, httpGet } from "./processes";
import { changedInBoth, e2eProject, idsOf, jsonOf, NOTHING_LEFT, nameOf, stateChanges, stepLogger } from "./project";

// A classroom through the real Pulumi CLI, as a teacher runs it: three students set with
// `pulumi config set --path`, one `npm run up`, `npm run verify -- --student`, a fourth student added
// (only the fourth's resources are created; the others' containers keep their ids), `npm run down`.
// One throw-away copy of the project; stack e2e-class, app ports 39000.., registry 39999.

const STACK = "e2e-class";
const CONFIG: Record<string, string> = {
    baseImage: OFFLINE_IMAGES.baseImage,
    registryImage: OFFLINE_IMAGES.registryImage,
    appPort: "39000",
    registryPort: "39999",
};
const CLASS = ["alice", "bob", "carol"];
const STEP_TIMEOUT = 900_000;

/** The class's spec as the program derives it. */
const classSpecOf = (students: string[]): ClassSpec => classSpec({ ...CONFIG, students }, STACK);

const CONTAINER = "docker:index/container:Container";

const gate = e2eGate();

gate.describe("e2e: a classroom through npm run and the real Pulumi CLI", () => {
    const project = e2eProject(STACK, "docker-lab-e2e-class-", STEP_TIMEOUT - 60_000);
    const step = stepLogger("e2e classroom");
    const { npm, pulumi, deployment: stackExport, stackOutputs } = project;
    /** Adds a student the way the README tells a teacher to. */
    const addStudent = async (index: number, name: string) =>
        expectSuccess(await pulumi(["config", "set", "--stack", STACK, "--path", `students[${index}]`, name]));

    /** The roster output equals the spec's, and every replica of every student answers with its own hostname. */
    async function expectClassAnswers(students: string[]): Promise<void> {
        const spec = classSpecOf(students);
        const { roster } = await stackOutputs();
        expect(roster.map((r: any) => ({ student: r.student, urls: r.urls, containers: r.containers, repository: r.repository }))).toEqual(
            spec.students.map((s) => ({
                student: s.student?.name,
                urls: s.appUrls,
                containers: replicasOf(s).map((r) => r.name),
                repository: s.image.repository,
            })),
        );
        for (const s of spec.students) {
            for (const [i, url] of s.appUrls.entries()) {
                const { status, body } = await httpGet(url);
                expect({ url, status, hostname: JSON.parse(body).hostname }).toEqual({
                    url,
                    status: 200,
                    hostname: replicasOf(s)[i].hostname,
                });
            }
        }
    }

    beforeAll(async () => {
        await step("setup: copy the project", async () => {
            await teardownLab(classSpecOf([...CLASS, "dave"]));
            project.create();
        });
    }, STEP_TIMEOUT);

    afterAll(async () => {
        await step("teardown: npm run down, safety net, remove the copy", async () => {
            try {
                if (project.hasState()) {
                    const down = await npm("down");
                    if (down.code !== 0) console.log(`teardown: ${describeRun(down, "exit 0")}`);
                }
                await teardownLab(classSpecOf([...CLASS, "dave"]));
            } finally {
                project.remove();
            }
        });
    }, STEP_TIMEOUT);

    test(
        "a teacher sets up a class of three: pulumi stack init, config set, config set --path students[i]",
        () =>
            step("stack init and config", async () => {
                await project.configure(CONFIG);
                for (const [i, name] of CLASS.entries()) await addStudent(i, name);
                const stored = jsonOf(expectSuccess(await pulumi(["config", "--json", "--stack", STACK])));
                expect(stored["docker-lab:students"].objectValue).toEqual(CLASS);
            }),
        STEP_TIMEOUT,
    );

    test(
        "one npm run up provisions the class: every student's checks pass, the roster lists them, every replica answers",
        () =>
            step("class of three: up", async () => {
                const up = expectSuccess(await npm("up"));
                const spec = classSpecOf(CLASS);
                const total = spec.students.reduce((n, s) => n + s.checks.length, 0);
                const [, passed] = expectOutput(up, /^(\d+) passed, 0 failed in /m);
                expect(Number(passed)).toBe(total);
                const outputs = await stackOutputs();
                expect(outputs.checkSummary).toBe(`${total} of ${total} lesson checks passed (3 students)`);
                await expectClassAnswers(CLASS);
            }),
        STEP_TIMEOUT,
    );

    test(
        "npm run verify -- --student bob checks bob's lab only",
        () =>
            step("verify --student bob", async () => {
                const run = expectSuccess(await npm("verify", ["--student", "bob", "--no-report"]));
                const bob = classSpecOf(CLASS).students[1];
                const [, passed] = expectOutput(run, /^(\d+) passed, 0 failed in /m);
                expect(Number(passed)).toBe(bob.checks.length);
                expect(run.stdout).not.toMatch(/\balice\b|\bcarol\b/);
            }),
        STEP_TIMEOUT,
    );

    test(
        "a fourth student: only dave's resources are created; the others' containers keep their ids, nothing else changes",
        () =>
            step("add a fourth student", async () => {
                const before = await stackExport();
                await addStudent(3, "dave");
                expectSuccess(await npm("up"));
                const after = await stackExport();

                const { added, removed } = stateChanges(before, after);
                expect(removed).toEqual([]);
                expect(added.length).toBeGreaterThan(0);
                expect(added.filter((n) => !/^lab-dave(-|$)/.test(n))).toEqual([]);

                const containersBefore = idsOf(before, CONTAINER);
                const containersAfter = idsOf(after, CONTAINER);
                for (const [urn, id] of containersBefore)
                    expect({ name: nameOf(urn), id: containersAfter.get(urn) }).toEqual({ name: nameOf(urn), id });
                expect(containersBefore.size).toBe(1 + CLASS.length * 2);
                // Not replaced, and not updated in place either: ids, outputs and modification times all kept.
                expect(changedInBoth(before, after)).toEqual([]);
                await expectClassAnswers([...CLASS, "dave"]);
            }),
        STEP_TIMEOUT,
    );

    test(
        "a second up of the class changes nothing",
        () => step("no-op up", async () => void expectSuccess(await npm("up", ["--expect-no-changes"]))),
        STEP_TIMEOUT,
    );

    test(
        "npm run down leaves nothing of the class",
        () =>
            step("down", async () => {
                expectSuccess(await npm("down"));
                expect(await leftovers(classSpecOf([...CLASS, "dave"]))).toEqual(NOTHING_LEFT);
            }),
        STEP_TIMEOUT,
    );
});
