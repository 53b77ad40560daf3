import { type LabSpec, OFFLINE_IMAGES } from "../../lab";
import { leftovers, teardownLab } from "../../rig";
import { labSpec, replicasOf } from "../helpers/specs";
import { e2eGate } from "./gate";
import { type CommandRun, describeRun, expectOutput, expectSuccess, runCommand } from "./processes";
import { e2eProject, jsonOf, NOTHING_LEFT, stepLogger } from "./project";

// A learner's first hour, through the real Pulumi CLI: a fresh clone with no stack, `npm run up`
// stopped by the preflight, each fix line pasted as printed into a new shell until the lab is
// verified; then each kind of damage a learner does by hand, healed by one `npm run up`.

/** Not `dev`, so every fix line carries its `LAB_STACK=` and works in a shell that has none. */
const STACK = "e2e-first-hour";
const STEP_TIMEOUT = 600_000;
/**
 * The shells of this file reach no registry: a pull check by the preflight (`docker manifest inspect`)
 * goes to a closed port of this machine instead, as offline. The engine's own pulls are not asked for.
 */
const OFFLINE_NET: Record<string, string> = {
    HTTPS_PROXY: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
};
/** Preflight rounds at most: images, then ports that a pasted port may have moved onto. */
const MAX_ROUNDS = 4;

/**
 * The commands a learner pastes from a failed preflight: per `fix:` line, the alternative that is a
 * lab command (`… npm run …`), without the reason in parentheses after it. Alternatives such as
 * `docker stop <a container of another lab>` are the learner's choice, not this test's.
 */
export function pastableFixes(output: string): { line: string; command?: string }[] {
    return output
        .split("\n")
        .filter((line) => line.includes("fix: "))
        .map((line) => {
            const fix = line.slice(line.indexOf("fix: ") + "fix: ".length);
            const command = fix
                .split(/, or |, then /)
                .map((alternative) => alternative.replace(/ \([^()]*\)$/, "").trim())
                .find((alternative) => / npm run /.test(` ${alternative}`));
            return { line, command };
        });
}

const gate = e2eGate();

gate.describe("e2e: a learner's first hour", () => {
    const project = e2eProject(STACK, "docker-lab-first-hour-");
    const step = stepLogger("first hour");
    let spec: LabSpec = labSpec({}, STACK);

    const docker = (args: string[]) => runCommand("docker", args, { cwd: project.dir, env: { ...process.env } as Record<string, string> });
    const up = (args: string[] = []) => project.npm("up", args, OFFLINE_NET);

    /** The lab's spec from the stack's config as the pasted lines left it. */
    async function specOfStack(): Promise<LabSpec> {
        const config = jsonOf(expectSuccess(await project.pulumi(["config", "--json", "--stack", STACK])));
        const values = Object.fromEntries(
            Object.entries(config as Record<string, { value?: string }>).map(([key, v]) => [key.replace(/^docker-lab:/, ""), v.value]),
        );
        return labSpec(values, STACK);
    }

    /** Whether a container runs, from the engine. */
    async function stateOf(name: string): Promise<string> {
        const run = await docker(["inspect", "--format", "{{.State.Status}}", name]);
        return run.code === 0 ? run.stdout.trim() : "absent";
    }

    /** A whole lab: every check passed in this up, every container running, the network and the tag there. */
    async function expectWhole(run: CommandRun): Promise<void> {
        const [, passed] = expectOutput(run, /^(\d+) passed, 0 failed /m);
        expect(Number(passed)).toBe(spec.checks.length);
        const names = [spec.registry.container.name, ...replicasOf(spec).map((r) => r.name)];
        expect(await Promise.all(names.map(stateOf))).toEqual(names.map(() => "running"));
        expect(expectSuccess(await docker(["network", "inspect", "--format", "{{.Name}}", spec.network.name])).stdout.trim()).toBe(
            spec.network.name,
        );
        expectSuccess(await docker(["image", "inspect", spec.image.name]));
    }

    beforeAll(async () => {
        await teardownLab(spec);
        project.create();
    }, STEP_TIMEOUT);

    afterAll(async () => {
        try {
            if (project.hasState()) {
                const down = await project.npm("down");
                if (down.code !== 0) console.log(`teardown: ${describeRun(down, "exit 0")}`);
            }
            await teardownLab(spec);
        } finally {
            project.remove();
        }
    }, STEP_TIMEOUT);

    test(
        "a fresh clone with no stack: the fix lines of the preflight, pasted as printed into a new shell, lead to a verified lab",
        () =>
            step("fix lines pasted", async () => {
                expect(project.hasState()).toBe(false);
                const defaultsAbsent: string[] = [];
                for (const [key, image] of [
                    ["baseImage", spec.image.buildArgs.BASE_IMAGE],
                    ["registryImage", spec.registry.image],
                ]) {
                    if ((await docker(["image", "inspect", image])).code !== 0) defaultsAbsent.push(key);
                }
                const pasted: string[] = [];
                let run = await up();
                for (let round = 1; run.code !== 0; round++) {
                    if (round > MAX_ROUNDS) throw new Error(describeRun(run, `a verified lab after ${MAX_ROUNDS} rounds of fixes`));
                    const fixes = pastableFixes(run.output);
                    const unpastable = fixes.filter((f) => f.command === undefined).map((f) => f.line);
                    if (fixes.length === 0 || unpastable.length > 0) {
                        throw new Error(describeRun(run, `fix lines with a lab command to paste (none in: ${unpastable.join(" | ")})`));
                    }
                    for (const { command } of fixes) {
                        expect(command).toMatch(new RegExp(`^LAB_STACK=${STACK} npm run `));
                        expectSuccess(await project.paste(command as string, OFFLINE_NET));
                        pasted.push(command as string);
                    }
                    run = await up();
                }
                console.log(`first hour: pasted ${pasted.length} fix lines: ${pasted.join(" ; ")}`);
                // The engine has neither default image and none can be pulled: the preflight named the offline ones.
                for (const key of defaultsAbsent) {
                    expect(pasted).toContain(
                        `LAB_STACK=${STACK} npm run config -- set ${key} ${OFFLINE_IMAGES[key as keyof typeof OFFLINE_IMAGES]}`,
                    );
                }
                spec = await specOfStack();
                await expectWhole(run);
            }),
        STEP_TIMEOUT,
    );

    /** What a learner breaks by hand, how, and the line verify prints about it. */
    const damages: { kind: string; breakIt: () => Promise<void>; named: () => RegExp }[] = [
        {
            kind: "a stopped replica",
            breakIt: async () => void expectSuccess(await docker(["stop", replicasOf(spec)[0].name])),
            named: () => new RegExp(`replica ${replicasOf(spec)[0].name} is stopped .*: restore it with LAB_STACK=${STACK} npm run up`),
        },
        {
            kind: "a removed replica",
            breakIt: async () => void expectSuccess(await docker(["rm", "--force", replicasOf(spec)[1].name])),
            named: () => new RegExp(`replica ${replicasOf(spec)[1].name} was removed: restore it with LAB_STACK=${STACK} npm run up`),
        },
        {
            kind: "a stopped registry",
            breakIt: async () => void expectSuccess(await docker(["stop", spec.registry.container.name])),
            named: () => new RegExp(`${spec.registry.container.name} is stopped .*: restore it with LAB_STACK=${STACK} npm run up`),
        },
        {
            kind: "a removed registry",
            breakIt: async () => void expectSuccess(await docker(["rm", "--force", spec.registry.container.name])),
            named: () => new RegExp(`${spec.registry.container.name} was removed: restore it with LAB_STACK=${STACK} npm run up`),
        },
        {
            kind: "a removed network",
            breakIt: async () => {
                // A network with containers cannot be removed: a learner disconnects them first.
                for (const name of [spec.registry.container.name, ...replicasOf(spec).map((r) => r.name)]) {
                    expectSuccess(await docker(["network", "disconnect", "--force", spec.network.name, name]));
                }
                expectSuccess(await docker(["network", "rm", spec.network.name]));
            },
            named: () => new RegExp(`${spec.network.name} was removed: restore it with LAB_STACK=${STACK} npm run up`),
        },
        {
            kind: "a deleted image tag",
            // The replicas use the image: docker untags it only with --force (and keeps the image).
            breakIt: async () => void expectSuccess(await docker(["image", "rm", "--force", spec.image.name])),
            named: () =>
                new RegExp(
                    `the image tag ${spec.image.name} was deleted: get it back from the local registry with LAB_STACK=${STACK} npm run up`,
                ),
        },
    ];

    test.each(damages.map((d) => [d.kind, d] as const))(
        "%s: verify names one fix, npm run up; one npm run up heals it and ends verified",
        (kind, damage) =>
            step(kind, async () => {
                await damage.breakIt();
                const verify = await project.npm("verify", [], OFFLINE_NET);
                expect(verify.code).not.toBe(0);
                expect(verify.output).toMatch(damage.named());
                const healed = expectSuccess(await up());
                await expectWhole(healed);
            }),
        STEP_TIMEOUT,
    );

    test(
        "after the heals, a second up changes nothing and says when the checks last passed; down leaves nothing",
        () =>
            step("no-op and down", async () => {
                const noOp = expectSuccess(await up(["--expect-no-changes"]));
                expectOutput(
                    noOp,
                    new RegExp(
                        `^no change in lab ${spec.instance}: its ${spec.checks.length} of ${spec.checks.length} lesson checks passed`,
                        "m",
                    ),
                );
                expectSuccess(await project.npm("down"));
                expect(await leftovers(spec)).toEqual(NOTHING_LEFT);
            }),
        STEP_TIMEOUT,
    );
});
