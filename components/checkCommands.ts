import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { type LessonCheck, PASS_MARKER, renderCheckScript, resolveCheck } from "../lab";

export type CheckStatus = "passed" | "failed";

/** A check passed when the first line of its stdout starts with the pass marker its script prints. */
const statusOf = (stdout: string | undefined): CheckStatus => ((stdout ?? "").split("\n")[0].startsWith(PASS_MARKER) ? "passed" : "failed");

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
    /**
     * With registryAuth: the registry password's environment (LAB_REGISTRY_PASSWORD, LAB_REGISTRY_BASIC_AUTH),
     * a secret, added to commandEnv; the commands' environment is then a secret in the state. Default: none.
     */
    secretEnv?: pulumi.Input<Record<string, string>>;
    /** Run the checks one after another, in order (each waits for the one before). Default: false, all at once. */
    sequential?: boolean;
}

/**
 * One `local.Command` per lesson check. Each runs the check's rendered shell script, the same
 * script the live tests run, and fails `up` with a report naming the step, the command, what was
 * expected and what came back. A new image digest or new containers re-run them.
 */
export class LessonCheckCommands extends pulumi.ComponentResource {
    readonly commands: command.local.Command[];
    /** Status of every check by id, in the checks' order: "passed" when its stdout opens with the pass marker, else "failed". */
    readonly statuses: pulumi.Output<Record<string, CheckStatus>>;
    /** One line, e.g. "26 of 26 lesson checks passed". */
    readonly summary: pulumi.Output<string>;

    constructor(name: string, args: LessonCheckCommandsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:LessonCheckCommands", name, {}, opts);

        const imageRef = pulumi.output(args.imageRef);
        const secretEnv = args.secretEnv;
        const environment = secretEnv
            ? pulumi.secret(pulumi.output(secretEnv).apply((env) => ({ ...(args.commandEnv ?? {}), ...env })))
            : args.commandEnv;
        this.commands = [];
        for (const check of args.checks) {
            const previous = args.sequential ? this.commands.slice(-1) : [];
            this.commands.push(
                new command.local.Command(
                    `${name}-${check.id}`,
                    {
                        create: imageRef.apply((ref) => renderCheckScript(resolveCheck(check, { imageRef: ref }))),
                        interpreter: ["/bin/sh", "-c"],
                        environment,
                        triggers: [imageRef, ...(args.triggers ?? [])],
                    },
                    {
                        parent: this,
                        dependsOn: [...(args.dependsOn ?? []), ...previous],
                        ...(secretEnv ? { additionalSecretOutputs: ["environment"] } : {}),
                    },
                ),
            );
        }
        // Only the status: the full outputs (rendered by Pulumi as garbled YAML) stay in verify and the lab report.
        this.statuses = pulumi
            .all(this.commands.map((c) => c.stdout))
            .apply((outputs) => Object.fromEntries(args.checks.map((check, i) => [check.id, statusOf(outputs[i])])));
        this.summary = this.statuses.apply((statuses) => {
            const all = Object.values(statuses);
            return `${all.filter((s) => s === "passed").length} of ${all.length} lesson checks passed`;
        });

        this.registerOutputs({ statuses: this.statuses, summary: this.summary });
    }
}
