import { imageSpec, studentImageSpec } from "./build";
import { ADD_STUDENT_HINT, classPortPlan } from "./classroom";
import { copyImageCommand } from "./commands";
import { type ConfigSchema, type LabConfig, parseLabConfig } from "./config";
import { APP_DIR, LABEL, PROJECT_NAME } from "./constants";
import { MODES } from "./modes";
import type { AppInput } from "./modes/types";
import { hostUrl, instanceId } from "./names";
import { lessonChecks } from "./notes";
import type { LessonCheck } from "./notes/types";
import { registryApiUrl, registryAuthSpec, registryContainerSpec } from "./registry";
import type { LabCore, SharedSpec, SpecContext } from "./types";

/**
 * The lab's complete specification, derived from validated config by pure functions: the one
 * learner's lab (a LabSpec), or a class (a ClassSpec: the shared registry and image build, and a
 * LabSpec per student). The lab's mode (lab/modes) makes the parts that differ. The Pulumi components
 * map the spec to resources; the live harness maps the very same spec to docker CLI calls.
 */

/** One lab that runs the app, with its lesson checks: the one learner's lab, or a student's in a class. */
export interface LabSpec extends LabCore {
    checks: LessonCheck[];
}

/** A class: what the students share (its network holds only the registry), and one lab per student in config order. */
export interface ClassSpec extends SharedSpec {
    students: LabSpec[];
}

/** Whatever the config describes: the one learner's lab, or a class. */
export type Spec = LabSpec | ClassSpec;

/** Whether the spec is a class. */
export function isClassSpec(spec: Spec): spec is ClassSpec {
    return "students" in spec;
}

/** The registry, the volume, the image build and the network: what every lab of the spec shares. */
export function sharedSpec(config: LabConfig, ctx: SpecContext): SharedSpec {
    const mode = MODES[config.mode];
    const instance = instanceId(ctx.project, ctx.stack);
    const labels = { [LABEL.managed]: "true", [LABEL.instance]: instance };
    const withRole = (role: string) => ({ ...labels, [LABEL.role]: role });
    const server = config.registryAddress || mode.registryServer(config);
    const auth = registryAuthSpec(config, server, mode.htpasswdPath);
    const container = registryContainerSpec(config, instance, withRole("registry"), auth);
    return {
        instance,
        mode: config.mode,
        dockerHost: config.dockerHost,
        commandEnv: config.dockerHost ? { DOCKER_HOST: config.dockerHost } : {},
        labels,
        network: mode.network(`${instance}-net`, withRole("network")),
        volume: { name: container.volumes[0].volumeName, labels: withRole("registry-data") },
        registry: {
            image: config.registryImage,
            container,
            url: registryApiUrl(config, hostUrl(config.bindAddress, config.registryPort)),
            ...(auth ? { auth } : {}),
            run: mode.registryRun(config, container, withRole("registry")),
        },
        image: imageSpec(config, instance, server, ctx.appDir),
        portal: { bindAddress: config.bindAddress, port: config.portalPort, url: hostUrl(config.bindAddress, config.portalPort) },
    };
}

/** A lab of `shared` with its app made by the mode from `input`, and its checks. */
function labWithApp(config: LabConfig, shared: SharedSpec, input: AppInput, more: Partial<LabCore> = {}): LabSpec {
    const core: LabCore = { ...shared, ...more, ...MODES[config.mode].app(config, input) };
    return { ...core, checks: lessonChecks(core) };
}

/**
 * One student's lab in a class: the class's registry, volume and engine; its own network
 * `<instance>-<student>-net`, repository `<registry>/<instance>/<student>/<appImageName>`, app on its
 * own block of ports from `firstPort`, and its own checks. Every object carries docker-lab.student=<student>.
 */
function studentLabSpec(config: LabConfig, shared: SharedSpec, student: string, place: number, firstPort: number): LabSpec {
    const { instance } = shared;
    const mode = MODES[config.mode];
    const prefix = `${instance}-${student}`;
    const labels = { ...shared.labels, [LABEL.student]: student };
    const env = { LAB_INSTANCE: instance, LAB_STUDENT: student };
    const input: AppInput = { prefix, firstPort, labels, env, inClass: true, student, place, shared };
    // The class copies its image into the student's repository on its own engine; a student's engine
    // of their own (a seat) reaches the same registry under a name of its own.
    const classCopy = studentImageSpec(shared.image, config, instance, student);
    const made = mode.app(config, input);
    const engine = mode.labEngine?.(made.app, shared);
    const image = engine
        ? studentImageSpec(
              {
                  ...shared.image,
                  registryServer: engine.registryServer,
                  buildArgs: { ...shared.image.buildArgs, BASE_IMAGE: engine.baseImage },
              },
              config,
              instance,
              student,
          )
        : classCopy;
    const core: LabCore = {
        ...shared,
        labels,
        ...(engine ? { commandEnv: engine.commandEnv } : {}),
        network: mode.network(`${prefix}-net`, { ...labels, [LABEL.role]: "network" }),
        image,
        student: { name: student, prefix, copyImageCommand: copyImageCommand(classCopy), classRepository: classCopy.repository },
        ...made,
    };
    return { ...core, checks: lessonChecks(core) };
}

/** The one learner's lab; throws for a config with students (a class: see buildClassSpec). */
export function buildLabSpec(config: LabConfig, ctx: SpecContext): LabSpec {
    if (config.students.length > 0) throw new Error("The config names students: it describes a class (buildClassSpec), not one lab");
    const shared = sharedSpec(config, ctx);
    const { instance, labels } = shared;
    return labWithApp(config, shared, {
        prefix: instance,
        firstPort: config.appPort,
        labels,
        env: { LAB_INSTANCE: instance },
        inClass: false,
        shared,
    });
}

/** A class: the shared registry and image build, and one student lab per name in `students` (a free seat "" has none). */
export function buildClassSpec(config: LabConfig, ctx: SpecContext): ClassSpec {
    const shared = sharedSpec(config, ctx);
    const portsPerLab = MODES[config.mode].appPortCount(config);
    const { starts } = classPortPlan(config.appPort, portsPerLab, config.registryPort, config.students.length);
    // Seat k keeps its block whatever happens to the other seats.
    const students = config.students.flatMap((student, k) =>
        student === "" ? [] : [studentLabSpec(config, shared, student, k, starts[k])],
    );
    return { ...shared, students };
}

/** The complete specification from validated config: a class when it names students, else the one learner's lab. Pure. */
export function buildSpec(config: LabConfig, ctx: SpecContext): Spec {
    return config.students.length > 0 ? buildClassSpec(config, ctx) : buildLabSpec(config, ctx);
}

/** The labs that run the app and the checks: the one learner's lab itself, or every student's lab of a class. */
export function labsOf(spec: Spec): LabSpec[] {
    return isClassSpec(spec) ? spec.students : [spec];
}

/** The one learner's lab; throws, naming what to do, for a class. */
export function oneLab(spec: Spec): LabSpec {
    if (isClassSpec(spec)) {
        throw new Error(`The lab ${spec.instance} is a class of ${spec.students.length} students: name one (--student NAME)`);
    }
    return spec;
}

/** The class; throws, naming what to do, for the one learner's lab. */
export function asClassSpec(spec: Spec): ClassSpec {
    if (!isClassSpec(spec)) throw new Error(`The lab ${spec.instance} has no students: add one with ${ADD_STUDENT_HINT}`);
    return spec;
}

/** The student lab named `student` of a class; throws naming the class's students when there is none. */
export function studentLab(spec: Spec, student: string): LabSpec {
    const students = isClassSpec(spec) ? spec.students : [];
    const found = students.find((s) => s.student?.name === student);
    if (!found) {
        const names = students.map((s) => s.student?.name).join(", ");
        throw new Error(
            students.length === 0
                ? `The lab ${spec.instance} has no students, so there is no student ${JSON.stringify(student)}; add one with ${ADD_STUDENT_HINT}`
                : `There is no student ${JSON.stringify(student)} in the class ${spec.instance}; its students are: ${names}`,
        );
    }
    return found;
}

/** repository@sha256:... of the class image in `lab`'s own repository: the same digest as `classImageRef`. */
export function labImageRef(lab: LabCore, classImageRef: string): string {
    const at = classImageRef.indexOf("@sha256:");
    if (at < 0) throw new Error(`Image reference ${JSON.stringify(classImageRef)} is not of the form repository@sha256:<digest>`);
    return `${lab.image.repository}${classImageRef.slice(at)}`;
}

/** The containers a lab's app runs under names of its own (the replicas; none where the engine names them). */
export function appContainers(lab: LabCore) {
    return MODES[lab.mode].appContainers(lab.app);
}

/**
 * The spec of this project's lab on `stack` from raw config values (as `pulumi config` holds them)
 * and the project's schema, for the tools that run outside Pulumi: verify, doctor, the live harness and the benchmark.
 */
export function labSpecFor(raw: Partial<Record<string, unknown>>, stack: string, schema: ConfigSchema): Spec {
    return buildSpec(parseLabConfig(raw, schema), { project: PROJECT_NAME, stack, appDir: APP_DIR });
}
