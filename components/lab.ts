import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { LabSpec } from "../lab";
import { labelList } from "../lab";
import { type CheckStatus, LessonCheckCommands } from "./checkCommands";
import { AppImage } from "./image";
import { LocalRegistry } from "./registry";
import { AppReplicas } from "./replicas";
import { StudentLab } from "./student";

/** One student's row of the class roster (the `roster` stack output). */
export interface RosterEntry {
    student: string;
    /** The student's app URLs, in replica order. */
    urls: string[];
    /** The student's container names, in replica order. */
    containers: string[];
    /** The student's repository in the class registry. */
    repository: string;
    /** repository@sha256:... the student's replicas run: the class image's digest in the student's repository. */
    imageRef: string;
    /** e.g. "26 of 26 lesson checks passed". */
    checkSummary: string;
}

export interface DockerLabArgs {
    /** The whole lab specification, from `buildLabSpec(config, ...)`. Required. */
    spec: LabSpec;
}

/**
 * The whole lab on one Docker engine: an explicit engine provider, a lab network, the local
 * registry, the app image pushed to it, the app replicas and the lesson checks. With students (a
 * classroom) the registry and the image build are the class's, and each student gets a StudentLab
 * (named `<name>-<student>`) with their own network, repository, replicas and checks instead.
 */
export class DockerLab extends pulumi.ComponentResource {
    readonly appUrls: pulumi.Output<string[]>;
    readonly registryUrl: pulumi.Output<string>;
    /** repository@sha256:... of the pushed app image. */
    readonly imageRef: pulumi.Output<string>;
    readonly containerNames: pulumi.Output<string[]>;
    /** Status of every lesson check by id: "passed" or "failed". */
    readonly checks: pulumi.Output<Record<string, CheckStatus>>;
    /** e.g. "26 of 26 lesson checks passed". */
    readonly checkSummary: pulumi.Output<string>;
    /** In a classroom, one entry per student in config order; empty for the one-learner lab. */
    readonly roster: pulumi.Output<RosterEntry[]>;

    constructor(name: string, args: DockerLabArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:DockerLab", name, {}, opts);
        const { spec } = args;

        // The engine is explicit so that a lab can target a remote host without touching the rest.
        const engine = new docker.Provider(`${name}-engine`, { host: spec.dockerHost || undefined }, { parent: this });
        const withEngine = { parent: this, providers: { docker: engine } };

        const network = new docker.Network(
            `${name}-network`,
            { name: spec.network.name, labels: labelList(spec.network.labels) },
            { parent: this, provider: engine },
        );

        const registry = new LocalRegistry(
            `${name}-registry`,
            { registry: spec.registry, volume: spec.volume, networkName: network.name, commandEnv: spec.commandEnv },
            withEngine,
        );

        const image = new AppImage(
            `${name}-image`,
            { image: spec.image, commandEnv: spec.commandEnv, registryReady: [registry.container] },
            withEngine,
        );

        if (spec.students.length > 0) {
            const students = spec.students.map(
                (lab) =>
                    new StudentLab(
                        `${name}-${lab.student?.name}`,
                        {
                            lab,
                            classImageRef: image.repoDigest,
                            registry: [registry.container, registry.pidsLimit],
                            commandEnv: spec.commandEnv,
                        },
                        withEngine,
                    ),
            );
            this.roster = pulumi.all(
                students.map((s) =>
                    pulumi
                        .all([s.appUrls, s.containerNames, s.repository, s.imageRef, s.checkSummary])
                        .apply(([urls, containers, repository, imageRef, checkSummary]) => ({
                            student: s.student,
                            urls,
                            containers,
                            repository,
                            imageRef,
                            checkSummary,
                        })),
                ),
            );
            this.appUrls = pulumi.all(students.map((s) => s.appUrls)).apply((urls) => urls.flat());
            this.containerNames = pulumi.all(students.map((s) => s.containerNames)).apply((names) => names.flat());
            // One flat map, each check keyed by student and id (alice/02-http-0).
            this.checks = pulumi
                .all(students.map((s) => s.checks))
                .apply((all) =>
                    Object.fromEntries(
                        all.flatMap((statuses, i) =>
                            Object.entries(statuses).map(([id, status]) => [`${students[i].student}/${id}`, status]),
                        ),
                    ),
                );
            this.checkSummary = this.checks.apply((statuses) => {
                const all = Object.values(statuses);
                const passed = all.filter((s) => s === "passed").length;
                return `${passed} of ${all.length} lesson checks passed (${students.length} student${students.length === 1 ? "" : "s"})`;
            });
        } else {
            const replicas = new AppReplicas(
                `${name}-app`,
                { replicas: spec.replicas, image: image.repoDigest, networkName: network.name, commandEnv: spec.commandEnv },
                withEngine,
            );

            const checks = new LessonCheckCommands(
                `${name}-check`,
                {
                    checks: spec.checks,
                    imageRef: image.repoDigest,
                    triggers: replicas.containers.map((c) => c.id),
                    // Checks see the lab as hardened: every container and its PIDs limit.
                    dependsOn: [...replicas.containers, registry.container, ...replicas.pidsLimits, registry.pidsLimit],
                    commandEnv: spec.commandEnv,
                },
                { parent: this },
            );

            this.appUrls = pulumi.output(spec.appUrls);
            this.containerNames = replicas.names;
            this.checks = checks.statuses;
            this.checkSummary = checks.summary;
            this.roster = pulumi.output([]);
        }
        this.registryUrl = registry.url;
        this.imageRef = image.repoDigest;

        this.registerOutputs({
            appUrls: this.appUrls,
            registryUrl: this.registryUrl,
            imageRef: this.imageRef,
            containerNames: this.containerNames,
            checks: this.checks,
            checkSummary: this.checkSummary,
            roster: this.roster,
        });
    }
}
