import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { LabSpec } from "../lab";
import { labelList, labImageRef, resolveImageCommand } from "../lab";
import { AppService } from "./appService";
import { type CheckStatus, LessonCheckCommands } from "./checkCommands";
import { AppReplicas } from "./replicas";

export interface StudentLabArgs {
    /** The student's lab from the class spec (an entry of `spec.students`, with `student` set). Required. */
    lab: LabSpec;
    /** The class image as built and pushed once: its repository@sha256:... in the class repository. Required. */
    classImageRef: pulumi.Input<string>;
    /** The class's registry container and its PIDs limit (swarm mode: its service): the student's checks wait for them. Required. */
    registry: pulumi.Input<pulumi.Resource>[];
    /** Swarm mode: the engine's platform (os/arch) the student's tasks are placed on, the image's. Default: none. */
    platform?: pulumi.Input<string>;
    /** Environment of the docker CLI commands (DOCKER_HOST when set). Default: the caller's environment. */
    commandEnv?: Record<string, string>;
}

/**
 * One student's isolated lab in a classroom, on the class's engine and registry: the student's own
 * network, the class image copied into the student's repository (same digest, nothing rebuilt),
 * the student's replicas on their own ports (swarm mode: the student's app service on their port),
 * and the student's own lesson checks. Every child is
 * named from `name` (e.g. lab-alice-…), so adding or removing another student leaves it untouched.
 */
export class StudentLab extends pulumi.ComponentResource {
    /** The student's name. */
    readonly student: string;
    /** The student's app URLs, in replica order. */
    readonly appUrls: pulumi.Output<string[]>;
    /** The student's container names, in replica order (empty in swarm mode: see serviceName). */
    readonly containerNames: pulumi.Output<string[]>;
    /** Swarm mode: the student's app service; undefined in containers mode. */
    readonly serviceName: pulumi.Output<string> | undefined;
    /** The student's repository in the class registry, e.g. localhost:5000/docker-lab-dev/alice/hellodocker. */
    readonly repository: pulumi.Output<string>;
    /** repository@sha256:... in the student's repository: the class image's digest. */
    readonly imageRef: pulumi.Output<string>;
    /** Status of each of the student's checks by id: "passed" or "failed". */
    readonly checks: pulumi.Output<Record<string, CheckStatus>>;
    /** e.g. "26 of 26 lesson checks passed". */
    readonly checkSummary: pulumi.Output<string>;

    constructor(name: string, args: StudentLabArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:StudentLab", name, {}, opts);
        const { lab } = args;
        if (!lab.student) throw new Error(`StudentLab ${name} needs a student's lab (spec.students[i]), not ${lab.instance} itself`);
        this.student = lab.student.name;

        const network = new docker.Network(
            `${name}-network`,
            {
                name: lab.network.name,
                labels: labelList(lab.network.labels),
                ...(lab.network.driver ? { driver: lab.network.driver, attachable: lab.network.attachable } : {}),
            },
            { parent: this },
        );

        // Same digest, the student's own repository: a cross-repository push that mounts the class's layers.
        const classImageRef = pulumi.output(args.classImageRef);
        const copy = new command.local.Command(
            `${name}-image`,
            {
                create: classImageRef.apply((ref) => resolveImageCommand(lab.student!.copyImageCommand, ref)),
                delete: lab.image.removeCommand,
                interpreter: ["/bin/sh", "-c"],
                environment: args.commandEnv,
            },
            { parent: this },
        );
        // The reference follows from the class digest (the command fails unless the push reports it);
        // depending on the command's stdout makes the replicas wait for the push.
        this.imageRef = pulumi.all([classImageRef, copy.stdout]).apply(([ref]) => labImageRef(lab, ref));

        const service = lab.swarm?.app
            ? new AppService(
                  `${name}-app`,
                  { service: lab.swarm.app, image: this.imageRef, networkId: network.id, platform: args.platform },
                  { parent: this },
              )
            : undefined;
        const replicas = service
            ? undefined
            : new AppReplicas(
                  `${name}-app`,
                  { replicas: lab.replicas, image: this.imageRef, networkName: network.name, commandEnv: args.commandEnv },
                  { parent: this },
              );

        const checks = new LessonCheckCommands(
            `${name}-check`,
            {
                checks: lab.checks,
                imageRef: this.imageRef,
                triggers: service ? [service.service.id] : (replicas?.containers ?? []).map((c) => c.id),
                // The student's checks see the student's lab as hardened: every replica and its PIDs limit (or the service), and the registry.
                dependsOn: service
                    ? [service.service, ...args.registry]
                    : [...(replicas?.containers ?? []), ...(replicas?.pidsLimits ?? []), ...args.registry],
                commandEnv: args.commandEnv,
                // One check at a time per student, as verify runs them: a class's checks all at once
                // (260 for 10 students) overloaded a 2-core engine until replicas failed their healthchecks.
                sequential: true,
            },
            { parent: this },
        );

        this.appUrls = pulumi.output(lab.appUrls);
        this.containerNames = replicas ? replicas.names : pulumi.output([]);
        this.serviceName = service?.name;
        this.repository = pulumi.output(lab.image.repository);
        this.checks = checks.statuses;
        this.checkSummary = checks.summary;

        this.registerOutputs({
            student: this.student,
            appUrls: this.appUrls,
            containerNames: this.containerNames,
            repository: this.repository,
            imageRef: this.imageRef,
            checks: this.checks,
            checkSummary: this.checkSummary,
        });
    }
}
