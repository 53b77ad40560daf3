import type { LabConfig } from "../config/keys";
import type { LessonContext } from "../notes/context";
import type { LessonCheck, Workplace } from "../notes/types";
import type { AppSpec, ContainerSpec, LabCore, NetworkSpec, RegistryRun, RegistrySpec, SharedSpec } from "../types";

/**
 * A mode: how a lab runs its app and its registry on the engine. Everything that differs between
 * modes is here, once; the spec, the checks, the components and the tools ask the lab's mode
 * (MODES[spec.mode], lab/modes/index.ts) instead of deciding on the mode's name.
 */

/** What the spec gives a mode to make one lab's app from. */
export interface AppInput {
    /** Prefix of the names of the lab's objects: the instance, or `<instance>-<student>` in a class. */
    prefix: string;
    /** The lab's first app port (a student's block of ports in a class starts here). */
    firstPort: number;
    /** Labels of the lab's objects (in a class with the student's label). */
    labels: Record<string, string>;
    /** The app's environment: LAB_INSTANCE, and LAB_STUDENT in a class. */
    env: Record<string, string>;
    /** A student's lab in a class (more labs on one engine: calmer healthchecks, longer waits). */
    inClass: boolean;
    /** The student whose lab it is, in a class. */
    student?: string;
    /** The student's place in the class (their index in students, which free seats keep), in a class. */
    place?: number;
    /** What the lab shares with the class (or is, for the one learner): its registry, network and image build. */
    shared: SharedSpec;
}

/** The engine a lab's own objects and checks live on, where it is not the class's (seats mode). */
export interface LabEngine {
    /** Environment of the docker CLI that reaches the lab's engine. */
    commandEnv: Record<string, string>;
    /** The registry's host as the lab's engine reaches it. */
    registryServer: string;
    /** The base image as the lab's engine pulls it (the BASE_IMAGE of the lessons' build). */
    baseImage: string;
}

/** What the objects a learner may break by hand are, as the lab guard names them. */
export type LabObjectRole = "registry" | "replica" | "registry-service" | "app-service" | "seat" | "workstation";

/** An object `pulumi up` made that a learner can stop or remove by hand, and the kind of engine object it is. */
export interface GuardedObject {
    kind: "container" | "service";
    role: LabObjectRole;
    name: string;
}

/** A host port the app of a lab publishes, and what uses it (as the doctor says it). */
export interface AppPort {
    port: number;
    role: string;
}

export interface LabModeModel {
    /** How many host ports one lab's app publishes from its first port on (a class gives each student a block of this size). */
    appPortCount(config: LabConfig): number;
    /** The one-learner lab's problems with its app ports and the registry port, each naming the key and the fix. */
    portProblems(config: LabConfig): string[];
    /** The config keys of the images the mode runs beside the base and registry images (for the doctor). Default: none. */
    images?: readonly "seatImage"[];
    /** The mode's own problems with the config (beyond ports), each naming the key and the fix. Default: none. */
    configProblems?(config: LabConfig): string[];
    /** The network of a lab on the class's engine, where the lab's own network is elsewhere (in its seat). Default: the lab's network. */
    engineNetwork?(lab: LabCore): string;
    /** Where a student's lab has an engine of its own: how its checks reach it. Default: the class's engine. */
    labEngine?(app: AppSpec, shared: SharedSpec): LabEngine;
    /** Where a student of a class does the exercises, when the mode gives them a place of their own. Default: this machine, beside the others (sharedWorkplace). */
    workplace?(lab: LabCore): Workplace;

    /** The lab network. */
    network(name: string, labels: Record<string, string>): NetworkSpec;
    /** The registry's host as the engine reaches it, unless registryAddress says otherwise. */
    registryServer(config: LabConfig): string;
    /** Where the registry reads its htpasswd file with registryAuth. */
    htpasswdPath: string;
    /** How the mode runs the registry, from its container spec. */
    registryRun(config: LabConfig, container: ContainerSpec, labels: Record<string, string>): RegistryRun;

    /** One lab's app, and where this machine reaches it. */
    app(config: LabConfig, input: AppInput): { app: AppSpec; appUrls: string[] };
    /** The containers the app runs under names of its own, in order (none where the engine names them). */
    appContainers(app: AppSpec): ContainerSpec[];
    /** The names of the app's services (none where it has no service). */
    appServices(app: AppSpec): string[];
    /** The names of the registry's services (none where it runs as a container). */
    registryServices(registry: RegistrySpec): string[];

    /** `docker exec` of a command in the app, as the lesson checks run it. */
    exec(app: AppSpec): (command: string) => string;
    /** What the checks' `docker exec` lands in: its memory limit is the one the cgroup check reads. */
    execContainer(app: AppSpec): ContainerSpec;
    /** The mode's checks of section 01.02 that list the app's containers. */
    listingChecks(ctx: LessonContext, app: AppSpec): LessonCheck[];
    /** The mode's checks of section 02: the packaged app answers HTTP where the mode publishes it. */
    httpChecks(ctx: LessonContext, app: AppSpec): LessonCheck[];

    /** What of the lab (the shared part and every lab that runs the app) a learner can break by hand, the registry first. */
    guarded(shared: SharedSpec, labs: LabCore[]): GuardedObject[];
    /** The host ports a lab's app publishes, for the doctor. */
    appPorts(lab: LabCore): AppPort[];
    /** Whether the mode publishes on every interface (so the doctor checks ports there), not on bindAddress. */
    portsOnEveryInterface: boolean;
    /** The kinds of engine object that hold the lab's published ports. */
    portHolders: readonly ("container" | "service")[];
}
