import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { type LessonCheck, renderCheckScript, resolveCheck } from "../lab";

export interface LessonCheckCommandsArgs {
    /** The lesson checks to run, in order (from the lab spec). Required. */
    checks: LessonCheck[];
    /** Pushed image reference with digest; fills the checks' image placeholders. Required. */
    imageRef: pulumi.Input<string>;
    /** Values whose change re-runs every check, e.g. the container ids. Default: none. */
    triggers?: pulumi.Input<unknown>[];
    /** Resources the checks wait for, normally the healthy replicas. Default: none. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** Environment of the docker CLI (DOCKER_HOST when set). Default: the caller's environment. */
    commandEnv?: Record<string, string>;
}

/**
 * One `local.Command` per lesson check. Each runs the check's rendered shell script, the same
 * script the live tests run, and fails `up` with a report naming the step, the command, what was
 * expected and what came back. A new image digest or new containers re-run them.
 */
export class LessonCheckCommands extends pulumi.ComponentResource {
    readonly commands: command.local.Command[];
    /** Output of every check by id. */
    readonly results: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: LessonCheckCommandsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:LessonCheckCommands", name, {}, opts);

        const imageRef = pulumi.output(args.imageRef);
        this.commands = args.checks.map(
            (check) =>
                new command.local.Command(
                    `${name}-${check.id}`,
                    {
                        create: imageRef.apply((ref) => renderCheckScript(resolveCheck(check, { imageRef: ref }))),
                        interpreter: ["/bin/sh", "-c"],
                        environment: args.commandEnv,
                        triggers: [imageRef, ...(args.triggers ?? [])],
                    },
                    { parent: this, dependsOn: args.dependsOn },
                ),
        );
        this.results = pulumi
            .all(this.commands.map((c) => c.stdout))
            .apply((outputs) => Object.fromEntries(args.checks.map((check, i) => [check.id, outputs[i]])));

        this.registerOutputs({ results: this.results });
    }
}
