import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { LabSpec } from "../lab";
import { labelList, labsOf, nodeUrls, parseEnginePlatform, parseSwarmNodes, SWARM_NODES_COMMAND } from "../lab";
import { AppService } from "./appService";
import { type CheckStatus, LessonCheckCommands } from "./checkCommands";
import { AppImage } from "./image";
import { LocalRegistry } from "./registry";
import { RegistryCredentials } from "./registryCredentials";
import { AppReplicas } from "./replicas";
import { StudentLab } from "./student";
import { SwarmRegistry } from "./swarmRegistry";

/** One student's row of the class roster (the `roster` stack output). */
export interface RosterEntry {
    student: string;
    /** The student's app URLs, in replica order. */
    urls: string[];
    /** The student's container names, in replica order (empty in swarm mode). */
    containers: string[];
    /** Swarm mode: the student's app service. */
    service?: string;
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
    /** With registryAuth: the registry password (a secret). Default: a generated one (see RegistryCredentials). */
    registryPassword?: pulumi.Input<string>;
}

/**
 * The whole lab on one Docker engine: an explicit engine provider, a lab network, the local
 * registry, the app image pushed to it, the app replicas and the lesson checks. With students (a
 * classroom) the registry and the image build are the class's, and each student gets a StudentLab
 * (named `<name>-<student>`) with their own network, repository, replicas and checks instead.
 * In swarm mode the networks are attachable overlays, the registry is a service pinned to a manager
 * and each lab's app is one service (see AppService).
 */
export class DockerLab extends pulumi.ComponentResource {
    readonly appUrls: pulumi.Output<string[]>;
    readonly registryUrl: pulumi.Output<string>;
    /** repository@sha256:... of the pushed app image. */
    readonly imageRef: pulumi.Output<string>;
    /** The app containers' names; empty in swarm mode. (Every output is defined: an undefined one makes every up warn.) */
    readonly containerNames: pulumi.Output<string[]>;
    /** Swarm mode: the names of the app service(s), then the registry's; empty in containers mode. */
    readonly serviceNames: pulumi.Output<string[]>;
    /**
     * Swarm mode: the app port of every lab on every ready node of the swarm (the nodes are listed on
     * every preview and up, so a node that joins or leaves shows without a diff); empty in containers mode.
     */
    readonly nodeUrls: pulumi.Output<string[]>;
    /** Status of every lesson check by id: "passed" or "failed". */
    readonly checks: pulumi.Output<Record<string, CheckStatus>>;
    /** e.g. "26 of 26 lesson checks passed". */
    readonly checkSummary: pulumi.Output<string>;
    /** In a classroom, one entry per student in config order; empty for the one-learner lab. */
    readonly roster: pulumi.Output<RosterEntry[]>;
    /** With registryAuth: the registry password, a secret (read it with --show-secrets); empty without. */
    readonly registryPassword: pulumi.Output<string>;

    constructor(name: string, args: DockerLabArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:DockerLab", name, {}, opts);
        const { spec } = args;

        // The engine is explicit so that a lab can target a remote host without touching the rest.
        const engine = new docker.Provider(`${name}-engine`, { host: spec.dockerHost || undefined }, { parent: this });
        const withEngine = { parent: this, providers: { docker: engine } };

        const swarm = spec.swarm;
        const network = new docker.Network(
            `${name}-network`,
            {
                name: spec.network.name,
                labels: labelList(spec.network.labels),
                ...(spec.network.driver ? { driver: spec.network.driver, attachable: spec.network.attachable } : {}),
            },
            { parent: this, provider: engine },
        );

        // Swarm mode: the engine's platform, asked once: the image is built for it and every service is placed on it.
        // An invoke, as AppImage's own: stdout not logged.
        const platform = swarm
            ? command.local
                  .runOutput(
                      {
                          command: spec.image.platformCommand,
                          environment: spec.commandEnv,
                          logging: command.types.enums.local.Logging.Stderr,
                      },
                      { parent: this },
                  )
                  .apply((r) => parseEnginePlatform(r.stdout, spec.image.platformCommand))
            : undefined;

        // registryAuth: the password (given or generated), its htpasswd line and the checks' environment, all secrets.
        const auth = spec.registry.auth;
        const credentials = auth
            ? new RegistryCredentials(
                  `${name}-registry-credentials`,
                  { auth, instance: spec.instance, password: args.registryPassword },
                  { parent: this },
              )
            : undefined;

        // The registry: a container, or (swarm mode) a service. `ready` gates the push, `waitFor` the checks.
        const registry = swarm
            ? (() => {
                  const r = new SwarmRegistry(
                      `${name}-registry`,
                      {
                          service: swarm.registry,
                          registry: spec.registry,
                          volume: spec.volume,
                          networkId: network.id,
                          platform,
                          htpasswd: credentials?.htpasswd,
                      },
                      withEngine,
                  );
                  return { url: r.url, ready: [r.service], waitFor: [r.service], service: r.service, local: undefined };
              })()
            : (() => {
                  const r = new LocalRegistry(
                      `${name}-registry`,
                      {
                          registry: spec.registry,
                          volume: spec.volume,
                          networkName: network.name,
                          commandEnv: spec.commandEnv,
                          htpasswd: credentials?.htpasswd,
                      },
                      withEngine,
                  );
                  return { url: r.url, ready: [r.container], waitFor: [r.container, r.pidsLimit], service: undefined, local: r };
              })();

        // registryAuth: the login the push (and in swarm mode every node's pull) uses.
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

        // Swarm mode: the nodes, listed on every preview and up (an invoke; stdout not logged).
        const nodes = swarm
            ? command.local
                  .runOutput(
                      { command: SWARM_NODES_COMMAND, environment: spec.commandEnv, logging: command.types.enums.local.Logging.Stderr },
                      { parent: this },
                  )
                  .apply((r) => parseSwarmNodes(r.stdout))
            : undefined;
        this.nodeUrls = nodes
            ? nodes.apply((n) => labsOf(spec).flatMap((lab) => nodeUrls(n, lab.swarm?.app?.task.ports[0].external ?? 0)))
            : pulumi.output([]);

        if (spec.students.length > 0) {
            const students = spec.students.map(
                (lab) =>
                    new StudentLab(
                        `${name}-${lab.student?.name}`,
                        {
                            lab,
                            classImageRef: image.repoDigest,
                            registry: registry.waitFor,
                            commandEnv: spec.commandEnv,
                            platform,
                        },
                        withEngine,
                    ),
            );
            this.roster = pulumi.all(
                students.map((s) =>
                    pulumi
                        .all([s.appUrls, s.containerNames, s.repository, s.imageRef, s.checkSummary, s.serviceName])
                        .apply(([urls, containers, repository, imageRef, checkSummary, service]) => ({
                            student: s.student,
                            urls,
                            containers,
                            ...(service !== undefined ? { service } : {}),
                            repository,
                            imageRef,
                            checkSummary,
                        })),
                ),
            );
            this.appUrls = pulumi.all(students.map((s) => s.appUrls)).apply((urls) => urls.flat());
            this.containerNames = pulumi.all(students.map((s) => s.containerNames)).apply((names) => names.flat());
            this.serviceNames = swarm
                ? pulumi.all([...students.map((s) => s.serviceName as pulumi.Output<string>), registry.service!.name])
                : pulumi.output([]);
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
        } else if (swarm?.app) {
            const app = new AppService(
                `${name}-app`,
                { service: swarm.app, image: image.repoDigest, networkId: network.id, platform, registryLogin },
                withEngine,
            );

            const checks = new LessonCheckCommands(
                `${name}-check`,
                {
                    checks: spec.checks,
                    imageRef: image.repoDigest,
                    triggers: [app.service.id],
                    dependsOn: [app.service, ...registry.waitFor],
                    commandEnv: spec.commandEnv,
                    secretEnv: credentials?.env,
                },
                { parent: this },
            );

            this.appUrls = pulumi.output(spec.appUrls);
            this.containerNames = pulumi.output([]);
            this.serviceNames = pulumi.all([app.name, registry.service!.name]);
            this.checks = checks.statuses;
            this.checkSummary = checks.summary;
            this.roster = pulumi.output([]);
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
                    dependsOn: registry.local
                        ? [...replicas.containers, registry.local.container, ...replicas.pidsLimits, registry.local.pidsLimit]
                        : [...replicas.containers, ...replicas.pidsLimits, ...registry.waitFor],
                    commandEnv: spec.commandEnv,
                    secretEnv: credentials?.env,
                },
                { parent: this },
            );

            this.appUrls = pulumi.output(spec.appUrls);
            this.containerNames = replicas.names;
            this.serviceNames = pulumi.output([]);
            this.checks = checks.statuses;
            this.checkSummary = checks.summary;
            this.roster = pulumi.output([]);
        }
        this.registryUrl = registry.url;
        this.imageRef = image.repoDigest;
        this.registryPassword = credentials ? credentials.password : pulumi.output("");

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
        });
    }
}
