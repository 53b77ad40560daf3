import type * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import type { ClassSpec, LabCore, SharedSpec } from "../../lab";
import type { CheckStatus } from "../checkCommands";

/**
 * What a mode builds: the registry and a lab's app, as its model in lab/modes describes them. DockerLab
 * and StudentLab assemble the rest (engine, network, image, checks) the same way for every mode.
 */

/** A registry login: its server, user and password (a secret). */
export interface RegistryLogin {
    server: string;
    username: string;
    password: pulumi.Input<string>;
}

export interface ModeRegistryArgs {
    /** The shared part of the spec: the registry, its volume, the engine's commands' environment. Required. */
    spec: SharedSpec;
    /** The lab network the registry joins. Required. */
    network: docker.Network;
    /** The engine's platform (os/arch), when the mode asked it. Default: none. */
    platform?: pulumi.Output<string>;
    /** With registryAuth: the htpasswd line, a secret. Required then; default: none. */
    htpasswd?: pulumi.Input<string>;
}

/** What the lab needs of its registry. */
export interface ModeRegistry {
    /** URL of the registry API from this machine. */
    url: pulumi.Output<string>;
    /** What the image push waits for: a registry that answers. */
    ready: pulumi.Resource[];
    /** What the lesson checks wait for: the registry as hardened. */
    waitFor: pulumi.Resource[];
    /** The registry's services (none where it runs as a container). */
    serviceNames: pulumi.Output<string>[];
}

export interface ModeAppArgs {
    /** The lab whose app this is (the one learner's, or a student's). Required. */
    lab: LabCore;
    /** Image reference with digest (repository@sha256:...), never a mutable tag. Required. */
    image: pulumi.Input<string>;
    /** The lab's network the app joins. Required. */
    network: docker.Network;
    /** The engine's platform (os/arch), when the mode asked it. Default: none. */
    platform?: pulumi.Output<string>;
    /** With registryAuth: the login the engine pulls the image with. Default: none. */
    registryLogin?: RegistryLogin;
}

/** What the lab needs of its app: its names, and what its checks re-run on and wait for. */
export interface ModeApp {
    /** The app's containers, in replica order (none where the engine names them). */
    containerNames: pulumi.Output<string[]>;
    /** The app's services (none where it runs as containers). */
    serviceNames: pulumi.Output<string>[];
    /** Values whose change re-runs the lab's checks: the ids of what runs the app. */
    triggers: pulumi.Input<unknown>[];
    /** What the lab's checks wait for: the app as hardened. */
    dependsOn: pulumi.Resource[];
}

/** What the class needs of one student's lab: where it is, what it runs, how its checks went. */
export interface ModeStudentLab {
    student: string;
    appUrls: pulumi.Output<string[]>;
    containerNames: pulumi.Output<string[]>;
    serviceNames: pulumi.Output<string>[];
    /** repository@sha256:... the student's app runs. */
    imageRef: pulumi.Output<string>;
    checks: pulumi.Output<Record<string, CheckStatus>>;
    checkSummary: pulumi.Output<string>;
}

export interface ModeClassArgs {
    /** The class. Required. */
    spec: ClassSpec;
    /** The class image as built and pushed once (repository@sha256:...). Required. */
    classImageRef: pulumi.Output<string>;
    /** What the students' checks wait for of the registry (as hardened). Required. */
    registry: pulumi.Resource[];
    /** The class network (the registry's). Required. */
    network: docker.Network;
}

/** A class's labs as a mode makes them where the students do not share the class's engine. */
export interface ModeClass {
    /** One per student, in class order. */
    students: ModeStudentLab[];
    /** Per student, how their own docker CLI reaches their lab (a secret). */
    clients: pulumi.Output<Record<string, unknown>>;
}

export interface ModeComponents {
    /** The engine's platform, asked once for the whole lab when the mode places what it runs by it; undefined: the image asks itself. */
    platform(parent: pulumi.Resource, spec: SharedSpec): pulumi.Output<string> | undefined;
    /** The registry, named `name`. */
    registry(name: string, args: ModeRegistryArgs, opts: pulumi.ComponentResourceOptions): ModeRegistry;
    /** A lab's app, named `name`. */
    app(name: string, args: ModeAppArgs, opts: pulumi.ComponentResourceOptions): ModeApp;
    /** A class's labs, named `<name>-<student>`, where the mode gives each student more than a lab on the class's engine. Default: a StudentLab each. */
    classLabs?(name: string, args: ModeClassArgs, opts: pulumi.ComponentResourceOptions): ModeClass;
    /** Where the labs' apps answer on every node of the engine's cluster (empty where the engine is one machine). */
    nodeUrls(parent: pulumi.Resource, spec: SharedSpec, labs: LabCore[]): pulumi.Output<string[]>;
}
