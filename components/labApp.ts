import type * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import type { LabSpec } from "../lab";
import { type CheckStatus, LessonCheckCommands } from "./checkCommands";
import { MODE_COMPONENTS } from "./modes";
import type { RegistryLogin } from "./modes/types";

/** What a lab's app needs: its image, network, registry and the engine's platform. */
export interface LabAppArgs {
    /** The lab (the one learner's, or a student's). Required. */
    lab: LabSpec;
    /** The image the app runs, by digest. Required. */
    image: pulumi.Input<string>;
    /** The lab's network. Required. */
    network: docker.Network;
    /** What the checks wait for of the registry. Required. */
    registry: pulumi.Resource[];
    /** The engine's platform, when the mode asked it. Default: none. */
    platform?: pulumi.Output<string>;
    /** With registryAuth: the login the app's image is pulled with. Default: none. */
    registryLogin?: RegistryLogin;
    /** With registryAuth: the checks' password environment, a secret. Default: none. */
    secretEnv?: pulumi.Input<Record<string, string>>;
    /** One check at a time (a class's students: all at once overloads the engine). Default: false. */
    sequential?: boolean;
    /** The lab's engine, where `parent` does not pass it on to its children already. Default: the parent's. */
    engine?: docker.Provider;
}

/** A lab's app, as its mode runs it, and its lesson checks. */
export interface LabApp {
    containerNames: pulumi.Output<string[]>;
    serviceNames: pulumi.Output<string>[];
    checks: pulumi.Output<Record<string, CheckStatus>>;
    checkSummary: pulumi.Output<string>;
}

/**
 * Builds a lab's app (`<name>-app`, by the lab's mode) and its lesson checks (`<name>-check`) under
 * `parent`: the one learner's under DockerLab, a student's under their StudentLab.
 */
export function buildLabApp(parent: pulumi.ComponentResource, name: string, args: LabAppArgs): LabApp {
    const { lab } = args;
    const app = MODE_COMPONENTS[lab.mode].app(
        `${name}-app`,
        { lab, image: args.image, network: args.network, platform: args.platform, registryLogin: args.registryLogin },
        args.engine ? { parent, providers: { docker: args.engine } } : { parent },
    );
    const checks = new LessonCheckCommands(
        `${name}-check`,
        {
            checks: lab.checks,
            imageRef: args.image,
            triggers: app.triggers,
            dependsOn: [...app.dependsOn, ...args.registry],
            commandEnv: lab.commandEnv,
            secretEnv: args.secretEnv,
            sequential: args.sequential,
        },
        { parent },
    );
    return { containerNames: app.containerNames, serviceNames: app.serviceNames, checks: checks.statuses, checkSummary: checks.summary };
}
