import {
    appContainers,
    buildLabSpec,
    exerciseContext,
    hostWorkplace,
    labExercises,
    lessonChecks,
    lessonContext,
    MODES,
    NOTES_SECTIONS,
    SECTIONS,
    type SpecContext,
} from "../../../lab";
import { labConfig } from "../../../tools/stack";

const ctx: SpecContext = { project: "docker-lab", stack: "dev", appDir: "app" };

// The checks, in the order the notes teach them. Adding, removing or reordering a check changes this list on purpose.
const DEFAULT_IDS = [
    "00-shared-kernel",
    "00-pid-namespace",
    "00-cgroup-memory",
    "00-image-layers",
    "01.01-image-ls",
    "01.01-images-filter",
    "01.01-run",
    "01.01-build",
    "01.01-tag-push-pull",
    "01.01-save",
    "01.01-rmi",
    "01.01-import",
    "01.01-search",
    "01.02-ps",
    "01.02-container-ls",
    "01.02-rm",
    "01.02-exec-head",
    "01.02-exec-tail",
    "01.02-exec-cat",
    "01.02-exec-redirect",
    "01.02-exec-more",
    "01.03-registry-catalog",
    "01.03-default-registry",
    "01.04-client-server",
    "02-http-0",
    "02-http-1",
];

describe("lesson checks composed from one file per notes section", () => {
    test("the default lab has exactly these checks, in this order", () => {
        expect(buildLabSpec(labConfig(), ctx).checks.map((c) => c.id)).toEqual(DEFAULT_IDS);
    });

    test("one HTTP check per replica closes the list", () => {
        const ids = buildLabSpec(labConfig({ replicas: "3" }), ctx).checks.map((c) => c.id);
        expect(ids).toEqual([...DEFAULT_IDS.filter((id) => !id.startsWith("02-")), "02-http-0", "02-http-1", "02-http-2"]);
    });

    test("each section's file gives only that section's checks and exercises, and lessonChecks joins them in the notes' order", () => {
        const spec = buildLabSpec(labConfig(), ctx);
        const { checks, ...rest } = spec;
        const mode = MODES[spec.mode];
        const lesson = lessonContext(
            rest,
            {
                exec: mode.exec(spec.app),
                appMemoryMb: mode.execContainer(spec.app).memoryMb,
                listingChecks: (c) => mode.listingChecks(c, spec.app),
                httpChecks: (c) => mode.httpChecks(c, spec.app),
            },
            NOTES_SECTIONS,
        );
        const exercises = exerciseContext(rest, appContainers(spec), hostWorkplace(spec, "dev"), NOTES_SECTIONS);
        expect(SECTIONS.map((s) => s.id)).toEqual(["00", "01.01", "01.02", "01.03", "01.04", "02"]);
        expect(Object.keys(NOTES_SECTIONS)).toEqual(SECTIONS.map((s) => s.id));
        for (const section of SECTIONS) {
            const made = section.checks(lesson);
            expect(made.length).toBeGreaterThan(0);
            expect(made.every((c) => c.section === section.id && c.heading === section.heading)).toBe(true);
            const practised = section.exercises(exercises);
            expect(practised.length).toBeGreaterThan(0);
            expect(
                practised.every((e) => e.section === section.id && e.heading === section.heading && e.check.heading === section.heading),
            ).toBe(true);
        }
        expect(SECTIONS.flatMap((section) => section.checks(lesson))).toEqual(checks);
        expect(lessonChecks(rest)).toEqual(checks);
        expect(SECTIONS.flatMap((section) => section.exercises(exercises))).toEqual(labExercises(spec, "dev"));
    });
});
