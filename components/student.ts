import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { LabSpec } from "../lab";
import { labImageRef, networkArgs, resolveImageCommand } from "../lab";
import type { CheckStatus } from "./checkCommands";
import { buildLabApp } from "./labApp";

export interface StudentLabArgs {
    /** The student's lab from the class spec (an entry of `spec.students`, with `student` set). Required. */
    lab: LabSpec;
    /** The class image as built and pushed once: its repository@sha256:... in the class repository. Required. */
    classImageRef: pulumi.Input<string>;
    /** What the student's checks wait for of the class's registry (as hardened). Required. */
    registry: pulumi.Resource[];
    /** The engine's platform (os/arch), when the lab's mode asked it. Default: none. */
    platform?: pulumi.Output<string>;
}

/**
 * One student's isolated lab in a classroom, on the class's engine and registry: the student's own
 * network, the class image copied into the student's repository (same digest, nothing rebuilt), the
 * student's app on their own ports (as the lab's mode runs it) and the student's own lesson checks.
 * Every child is named from `name` (e.g. lab-alice-…), so adding or removing another student leaves it untouched.
 */
export class StudentLab extends pulumi.ComponentResource {
    /** The student's name. */
    readonly student: string;
    /** The student's app URLs, in replica order. */
    readonly appUrls: pulumi.Output<string[]>;
    /** The student's container names, in replica order (empty where the mode names none). */
    readonly containerNames: pulumi.Output<string[]>;
    /** The student's app services (empty where the mode runs none). */
    readonly serviceNames: pulumi.Output<string>[];
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
        const student = lab.student;
        if (!student) throw new Error(`StudentLab ${name} needs a student's lab (spec.students[i]), not ${lab.instance} itself`);
        this.student = student.name;

        const network = new docker.Network(`${name}-network`, networkArgs(lab.network), { parent: this });

        // Same digest, the student's own repository: a cross-repository push that mounts the class's layers.
        const classImageRef = pulumi.output(args.classImageRef);
        const copy = new command.local.Command(
            `${name}-image`,
            {
                create: classImageRef.apply((ref) => resolveImageCommand(student.copyImageCommand, ref)),
                delete: lab.image.removeCommand,
                interpreter: ["/bin/sh", "-c"],
                environment: lab.commandEnv,
            },
            { parent: this },
        );
        // The reference follows from the class digest (the command fails unless the push reports it);
        // depending on the command's stdout makes the app wait for the push.
        this.imageRef = pulumi.all([classImageRef, copy.stdout]).apply(([ref]) => labImageRef(lab, ref));

        const app = buildLabApp(this, name, {
            lab,
            image: this.imageRef,
            network,
            registry: args.registry,
            platform: args.platform,
            // One check at a time per student, as verify runs them: a class's checks all at once overload a small engine.
            sequential: true,
        });

        this.appUrls = pulumi.output(lab.appUrls);
        this.containerNames = app.containerNames;
        this.serviceNames = app.serviceNames;
        this.repository = pulumi.output(lab.image.repository);
        this.checks = app.checks;
        this.checkSummary = app.checkSummary;

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
