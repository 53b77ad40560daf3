import { MODE_COMPONENTS } from "../../../components";
import { buildSpec, isClassSpec, LAB_MODES, type LabConfig, type LabCore, labsOf, MODES, type Spec, seatsApp } from "../../../lab";
import { labConfig } from "../../../tools/stack";

// The mode seam: every mode the config accepts has a model (lab/modes) and components (components/modes),
// and each model's answers agree with the spec it builds, for one learner and for a class.

const ctx = { project: "docker-lab", stack: "dev", appDir: "app" };
const specOf = (raw: Record<string, unknown>): { config: LabConfig; spec: Spec } => {
    const config = labConfig(raw);
    return { config, spec: buildSpec(config, ctx) };
};

test("every mode the config accepts is registered once in the model and in the components", () => {
    expect(Object.keys(MODES).sort()).toEqual([...LAB_MODES].sort());
    expect(Object.keys(MODE_COMPONENTS).sort()).toEqual([...LAB_MODES].sort());
    for (const mode of LAB_MODES) {
        expect(labConfig({ mode, students: ["alice"] }).mode).toBe(mode);
    }
});

// Seats mode is for a class only: its smallest lab is a class of one.
const classOnly = (mode: string) => mode === "seats";
/** What of a lab sits on the class's engine for a learner to break: its app, or the seat the app runs in. */
const engineObjects = (lab: LabCore): string[] =>
    lab.app.mode === "seats"
        ? [seatsApp(lab.app).seat.name]
        : [...MODES[lab.mode].appContainers(lab.app).map((c) => c.name), ...MODES[lab.mode].appServices(lab.app)];

describe.each(LAB_MODES)("mode %s", (mode) => {
    const raw = { mode, publishMode: "host", replicas: "2", appPort: "9000", registryPort: "8999" };
    const one = specOf(classOnly(mode) ? { ...raw, students: ["solo"] } : raw);
    const cls = specOf({ ...raw, students: ["alice", "", "bob"] });
    const model = MODES[mode];

    test("the app publishes as many ports as appPortCount says, one URL each where the mode publishes per container", () => {
        for (const lab of [...labsOf(one.spec), ...labsOf(cls.spec)]) {
            const ports = model.appPorts(lab).map((p) => p.port);
            expect(ports).toHaveLength(model.appPortCount(one.config));
            expect(new Set(ports).size).toBe(ports.length);
            expect(lab.appUrls.length).toBeGreaterThan(0);
            expect(lab.app.mode).toBe(mode);
        }
    });

    test("the students' app ports are their own blocks, clear of each other and of the registry port", () => {
        const ports = labsOf(cls.spec).flatMap((lab) => model.appPorts(lab).map((p) => p.port));
        expect(new Set(ports).size).toBe(ports.length);
        expect(ports).not.toContain(8999);
        // Each student's role names the student, so the doctor says whose port is taken.
        for (const lab of labsOf(cls.spec)) {
            expect(model.appPorts(lab).every((p) => p.role.includes(lab.student?.name as string))).toBe(true);
        }
    });

    test("what a learner can break: the registry first, then every lab's app, for one learner and for a class", () => {
        for (const { spec } of [one, cls]) {
            const guarded = model.guarded(spec, labsOf(spec));
            expect(guarded[0].role).toMatch(/^registry/);
            const names = guarded.map((o) => o.name);
            for (const lab of labsOf(spec)) {
                const appNames = engineObjects(lab);
                expect(appNames.length).toBeGreaterThan(0);
                expect(names).toEqual(expect.arrayContaining(appNames));
            }
            expect(isClassSpec(spec)).toBe(spec === cls.spec || classOnly(mode));
        }
    });

    test("the checks' exec lands in the app, and the cgroup check reads the app's memory limit", () => {
        const lab = labsOf(one.spec)[0];
        const exec = model.exec(lab.app)("uname -r");
        expect(exec).toMatch(/docker exec .*uname -r$/);
        const name = model.appContainers(lab.app)[0]?.name ?? model.appServices(lab.app)[0];
        expect(exec).toContain(name);
        expect(model.execContainer(lab.app).memoryMb).toBe(one.config.memoryLimitMb);
        const cgroup = lab.checks.find((c) => c.id === "00-cgroup-memory");
        expect(cgroup?.expect).toEqual({ kind: "equals", value: String(one.config.memoryLimitMb * 1024 * 1024) });
    });

    test("the registry answers where the mode puts it, and the network is the mode's", () => {
        expect(one.spec.registry.run.mode).toBe(mode);
        expect(one.spec.image.registryServer).toBe(model.registryServer(one.config));
        expect(one.spec.network).toEqual(model.network("docker-lab-dev-net", one.spec.network.labels));
        expect(model.registryServices(one.spec.registry)).toHaveLength(model.portHolders.includes("service") ? 1 : 0);
    });
});

test("a port problem is the mode's own: containers overlap a range, a service's one port equals appPort", () => {
    expect(MODES.containers.portProblems({ ...labConfig(), appPort: 9000, replicas: 3, registryPort: 9001 })).toEqual([
        "registryPort = 9001: overlaps the app ports 9000..9002; choose a registryPort outside that range",
    ]);
    expect(MODES.swarm.portProblems(labConfig({ mode: "swarm", appPort: "9000", replicas: "3", registryPort: "9001" }))).toEqual([]);
    expect(MODES.swarm.portProblems({ ...labConfig({ mode: "swarm" }), appPort: 9000, registryPort: 9000 })).toEqual([
        "registryPort = 9000: equals appPort, the port the app service publishes; choose another registryPort (npm run config -- set registryPort 9001)",
    ]);
});
