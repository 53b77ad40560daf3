import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { LabSpec } from "../lab";
import { labelList } from "../lab";
import { type CheckStatus, LessonCheckCommands } from "./checkCommands";
import { AppImage } from "./image";
import { LocalRegistry } from "./registry";
import { AppReplicas } from "./replicas";

export interface DockerLabArgs {
    /** The whole lab specification, from `buildLabSpec(config, ...)`. Required. */
    spec: LabSpec;
}

/**
 * The whole lab on one Docker engine: an explicit engine provider, a lab network, the local
 * registry, the app image pushed to it, the app replicas and the lesson checks.
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
        this.registryUrl = registry.url;
        this.imageRef = image.repoDigest;
        this.containerNames = replicas.names;
        this.checks = checks.statuses;
        this.checkSummary = checks.summary;

        this.registerOutputs({
            appUrls: this.appUrls,
            registryUrl: this.registryUrl,
            imageRef: this.imageRef,
            containerNames: this.containerNames,
            checks: this.checks,
            checkSummary: this.checkSummary,
        });
    }
}
