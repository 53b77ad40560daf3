import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import {
    type ClassSpec,
    isClassSpec,
    type LabSpec,
    labsOf,
    networkArgs,
    type PortalTokens as PortalTokenSet,
    type RosterEntry,
    rosterOf,
    type Spec,
} from "../lab";
import type { CheckStatus } from "./checkCommands";
import { AppImage } from "./image";
import { buildLabApp } from "./labApp";
import { MODE_COMPONENTS } from "./modes";
import type { ModeRegistry, ModeStudentLab, RegistryLogin } from "./modes/types";
import { PortalTokens } from "./portalTokens";
import { RegistryCredentials } from "./registryCredentials";
import { StudentLab } from "./student";

/** One student's row of the class roster (the `roster` stack output): where their lab is, what it runs, how its checks went. */
export interface RosterRow extends RosterEntry {
    /** repository@sha256:... the student's app runs: the class image's digest in the student's repository. */
    imageRef: string;
    /** e.g. "26 of 26 lesson checks passed". */
    checkSummary: string;
}

export interface DockerLabArgs {
    /** The whole lab specification, from `buildSpec(config, ...)`: the one learner's lab or a class. Required. */
    spec: Spec;
    /** With registryAuth: the registry password (a secret). Default: a generated one (see RegistryCredentials). */
    registryPassword?: pulumi.Input<string>;
}

/** What every lab of the spec builds on: the network, the registry, the pushed image and the engine's platform. */
interface Shared {
    engine: docker.Provider;
    /** Options of a child on the lab's engine. */
    withEngine: pulumi.ComponentResourceOptions;
    network: docker.Network;
    registry: ModeRegistry;
    image: AppImage;
    platform?: pulumi.Output<string>;
    registryLogin?: RegistryLogin;
    credentials?: RegistryCredentials;
}

/** The outputs of the labs that run the app: the one learner's, or every student's. */
interface Labs {
    appUrls: pulumi.Output<string[]>;
    containerNames: pulumi.Output<string[]>;
    serviceNames: pulumi.Output<string>[];
    checks: pulumi.Output<Record<string, CheckStatus>>;
    checkSummary: pulumi.Output<string>;
    roster: pulumi.Output<RosterRow[]>;
    /** Per student, how their own docker CLI reaches their lab where the mode gives them an engine (a secret); empty else. */
    seatClients: pulumi.Output<Record<string, unknown>>;
}

/**
 * The whole lab on one Docker engine: an explicit engine provider, a lab network, the local
 * registry, the app image pushed to it, and the app with its lesson checks, as the spec's mode runs
 * them (components/modes). With students (a classroom) the registry and the image build are the
 * class's, and each student gets a StudentLab (named `<name>-<student>`) with their own network,
 * repository, app and checks instead.
 */
export class DockerLab extends pulumi.ComponentResource {
    readonly appUrls: pulumi.Output<string[]>;
    readonly registryUrl: pulumi.Output<string>;
    /** repository@sha256:... of the pushed app image. */
    readonly imageRef: pulumi.Output<string>;
    /** The app containers' names (empty where the mode names none). Every output is defined: an undefined one makes every up warn. */
    readonly containerNames: pulumi.Output<string[]>;
    /** The names of the app's service(s), then the registry's (empty where the mode runs no service). */
    readonly serviceNames: pulumi.Output<string[]>;
    /** The app port of every lab on every ready node of the engine's cluster (empty on one machine). */
    readonly nodeUrls: pulumi.Output<string[]>;
    /** Status of every lesson check by id (in a class by student/id): "passed" or "failed". */
    readonly checks: pulumi.Output<Record<string, CheckStatus>>;
    /** e.g. "26 of 26 lesson checks passed". */
    readonly checkSummary: pulumi.Output<string>;
    /** In a classroom, one row per student in config order; empty for the one-learner lab. */
    readonly roster: pulumi.Output<RosterRow[]>;
    /** With registryAuth: the registry password, a secret (read it with --show-secrets); empty without. */
    readonly registryPassword: pulumi.Output<string>;
    /** In seats mode, per student: their seat's engine and TLS client files, a secret (npm run seat reads it); empty else. */
    readonly seatClients: pulumi.Output<Record<string, unknown>>;
    /** The class portal's tokens: the teacher's and each learner's (a secret; npm run portal reads them). */
    readonly portal: pulumi.Output<PortalTokenSet>;

    constructor(name: string, args: DockerLabArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:DockerLab", name, {}, opts);
        const { spec } = args;
        const shared = this.buildShared(name, spec, args.registryPassword);
        this.nodeUrls = MODE_COMPONENTS[spec.mode].nodeUrls(this, spec, labsOf(spec));
        const labs = isClassSpec(spec) ? this.buildClass(name, spec, shared) : this.buildOneLab(name, spec, shared);

        this.appUrls = labs.appUrls;
        this.containerNames = labs.containerNames;
        this.serviceNames = pulumi.all([...labs.serviceNames, ...shared.registry.serviceNames]);
        this.checks = labs.checks;
        this.checkSummary = labs.checkSummary;
        this.roster = labs.roster;
        this.registryUrl = shared.registry.url;
        this.imageRef = shared.image.repoDigest;
        this.registryPassword = shared.credentials ? shared.credentials.password : pulumi.output("");
        this.seatClients = labs.seatClients;
        const students = isClassSpec(spec) ? spec.students.map((lab) => lab.student?.name ?? lab.instance) : [];
        this.portal = new PortalTokens(`${name}-portal`, { students }, { parent: this }).tokens;

        this.registerOutputs({
            appUrls: this.appUrls,
            registryUrl: this.registryUrl,
            imageRef: this.imageRef,
            containerNames: this.containerNames,
            serviceNames: this.serviceNames,
            nodeUrls: this.nodeUrls,
            checks: this.checks,
            checkSummary: this.checkSummary,
            roster: this.roster,
            registryPassword: this.registryPassword,
            seatClients: this.seatClients,
            portal: this.portal,
        });
    }

    /** The engine provider, the network, registryAuth's credentials, the registry and the image: what every lab uses. */
    private buildShared(name: string, spec: Spec, password: pulumi.Input<string> | undefined): Shared {
        const mode = MODE_COMPONENTS[spec.mode];
        // The engine is explicit so that a lab can target a remote host without touching the rest.
        const engine = new docker.Provider(`${name}-engine`, { host: spec.dockerHost || undefined }, { parent: this });
        const withEngine = { parent: this, providers: { docker: engine } };
        const network = new docker.Network(`${name}-network`, networkArgs(spec.network), { parent: this, provider: engine });
        const platform = mode.platform(this, spec);

        // registryAuth: the password (given or generated), its htpasswd line and the checks' environment, all secrets.
        const auth = spec.registry.auth;
        const credentials = auth
            ? new RegistryCredentials(`${name}-registry-credentials`, { auth, instance: spec.instance, password }, { parent: this })
            : undefined;
        const registry = mode.registry(`${name}-registry`, { spec, network, platform, htpasswd: credentials?.htpasswd }, withEngine);
        // registryAuth: the login the push (and where the mode pulls on other nodes, every pull) uses.
        const registryLogin =
            auth && credentials ? { server: auth.server, username: auth.user, password: credentials.password } : undefined;
        const image = new AppImage(
            `${name}-image`,
            {
                image: spec.image,
                commandEnv: spec.commandEnv,
                registryReady: registry.ready,
                platform,
                ...(registryLogin ? { registryLogin } : {}),
            },
            withEngine,
        );
        return { engine, withEngine, network, registry, image, platform, registryLogin, credentials };
    }

    /** The one learner's app and checks, on the lab network, running the pushed image. */
    private buildOneLab(name: string, spec: LabSpec, shared: Shared): Labs {
        const app = buildLabApp(this, name, {
            lab: spec,
            image: shared.image.repoDigest,
            network: shared.network,
            registry: shared.registry.waitFor,
            platform: shared.platform,
            registryLogin: shared.registryLogin,
            secretEnv: shared.credentials?.env,
            engine: shared.engine,
        });
        return {
            appUrls: pulumi.output(spec.appUrls),
            containerNames: app.containerNames,
            serviceNames: app.serviceNames,
            checks: app.checks,
            checkSummary: app.checkSummary,
            roster: pulumi.output([]),
            seatClients: pulumi.output({}) as pulumi.Output<Record<string, unknown>>,
        };
    }

    /** A StudentLab per student; the checks keyed by student and id (alice/02-http-0), the roster in class order. */
    private buildClass(name: string, spec: ClassSpec, shared: Shared): Labs {
        const mode = MODE_COMPONENTS[spec.mode];
        const classLabs = mode.classLabs?.(
            name,
            { spec, classImageRef: shared.image.repoDigest, registry: shared.registry.waitFor, network: shared.network },
            shared.withEngine,
        );
        const students: ModeStudentLab[] =
            classLabs?.students ??
            spec.students.map(
                (lab) =>
                    new StudentLab(
                        `${name}-${lab.student?.name}`,
                        { lab, classImageRef: shared.image.repoDigest, registry: shared.registry.waitFor, platform: shared.platform },
                        shared.withEngine,
                    ),
            );
        const checks = pulumi
            .all(students.map((s) => s.checks))
            .apply((all) =>
                Object.fromEntries(
                    all.flatMap((statuses, i) => Object.entries(statuses).map(([id, status]) => [`${students[i].student}/${id}`, status])),
                ),
            );
        const roster = rosterOf(spec).map((entry, i) =>
            pulumi
                .all([students[i].imageRef, students[i].checkSummary])
                .apply(([imageRef, checkSummary]) => ({ ...entry, imageRef, checkSummary })),
        );
        return {
            appUrls: pulumi.all(students.map((s) => s.appUrls)).apply((urls) => urls.flat()),
            containerNames: pulumi.all(students.map((s) => s.containerNames)).apply((names) => names.flat()),
            serviceNames: students.flatMap((s) => s.serviceNames),
            checks,
            checkSummary: checks.apply((statuses) => {
                const all = Object.values(statuses);
                const passed = all.filter((s) => s === "passed").length;
                return `${passed} of ${all.length} lesson checks passed (${students.length} student${students.length === 1 ? "" : "s"})`;
            }),
            roster: pulumi.all(roster),
            seatClients: classLabs?.clients ?? (pulumi.output({}) as pulumi.Output<Record<string, unknown>>),
        };
    }
}
