import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import {
    CLASS_CA_CERT_ENV,
    CLASS_CA_KEY_ENV,
    exerciseSheet,
    healthcheckArgs,
    type LabSpec,
    labelList,
    labImageRef,
    lessonSheet,
    networkArgs,
    parseTlsParts,
    pidsLimitCommand,
    portArgs,
    registryJoinCommands,
    resolveImageCommand,
    SEAT_TLS_PARTS,
    type SeatSpec,
    type SeatTlsPart,
    seatClientFilesCommands,
    seatsApp,
    seatTlsCommand,
    untagRepositoryCommand,
    workplaceExercises,
    workstationWorkplace,
} from "../../../lab";
import { type CheckStatus, LessonCheckCommands } from "../../checkCommands";
import { containersComponents } from "../containers";
import { type AppFile, SeatWorkstation } from "./workstation";

/** The class CA, as the class's SeatClass made it: its key and certificate (secrets). */
export interface ClassCa {
    key: pulumi.Output<string>;
    cert: pulumi.Output<string>;
}

/** A student's client of their seat's engine: the engine's address and the TLS files of a docker CLI that reaches it. */
export interface SeatClient {
    engineHost: string;
    ca: string;
    cert: string;
    key: string;
}

export interface SeatLabArgs {
    /** The student's lab from the class spec, in seats mode. Required. */
    lab: LabSpec;
    /** The class image as built and pushed once: repository@sha256:... in the class repository. Required. */
    classImageRef: pulumi.Input<string>;
    /** What the student's checks wait for on the class's engine: the registry as hardened, the base image pushed. Required. */
    classReady: pulumi.Resource[];
    /** The class CA that signs the seat's certificates. Required. */
    ca: ClassCa;
    /** The class registry's resources: it joins the seat's network once they exist, again when one is replaced. Required. */
    registry: pulumi.Resource[];
    /** The class's workstation image by digest (repository@sha256:...). Required. */
    workstationImage: pulumi.Input<string>;
    /** The app's source files, for the student's workstation (read once for the class). Required. */
    appFiles: AppFile[];
    /** Environment of the docker CLI on the class's engine (DOCKER_HOST when set). Default: the caller's environment. */
    classEnv?: Record<string, string>;
}

/**
 * One student's seat and the lab in it: the seat's certificates, its network (which the class
 * registry joins; no other seat's) and data volume, the seat (a dockerd container at its fixed
 * address there, healthy before anything goes in), the student's client files, an
 * engine provider for the seat, and inside it the lab network, the student's image pulled from the
 * class registry, the app replicas and the lesson checks, which reach the seat with TLS. Every
 * child is named from `name` (lab-alice-…), so another student's seat never changes it.
 */
export class SeatLab extends pulumi.ComponentResource {
    readonly student: string;
    readonly appUrls: pulumi.Output<string[]>;
    readonly containerNames: pulumi.Output<string[]>;
    readonly serviceNames: pulumi.Output<string>[] = [];
    /** The student's image in the seat: repository@sha256:..., the class image's digest. */
    readonly imageRef: pulumi.Output<string>;
    readonly checks: pulumi.Output<Record<string, CheckStatus>>;
    readonly checkSummary: pulumi.Output<string>;
    /** The seat's engine and the student's TLS files (a secret). */
    readonly client: pulumi.Output<SeatClient>;
    /** The seat's container on the class's engine. */
    readonly seat: docker.Container;

    constructor(name: string, args: SeatLabArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:SeatLab", name, {}, opts);
        const { lab } = args;
        if (!lab.student) throw new Error(`SeatLab ${name} needs a student's lab (spec.students[i])`);
        const { seat } = seatsApp(lab.app);
        this.student = lab.student.name;

        const parts = this.certificates(name, seat, args.ca);
        const seatPids = this.seatContainer(name, seat, parts, args);
        this.seat = seatPids.container;
        this.client = pulumi.secret(
            pulumi
                .all([args.ca.cert, parts])
                .apply(([ca, p]) => ({ engineHost: seat.engineHost, ca, cert: p["client-cert"], key: p["client-key"] })),
        );
        const clientFiles = this.clientFiles(name, lab);
        this.workstation(name, lab, seatPids.network, args);
        const engine = new docker.Provider(
            `${name}-seat-engine`,
            {
                host: seat.engineHost,
                caMaterial: args.ca.cert,
                certMaterial: parts.apply((p) => p["client-cert"]),
                keyMaterial: parts.apply((p) => p["client-key"]),
            },
            { parent: this, dependsOn: [seatPids.container, seatPids.pidsLimit] },
        );
        const registryJoin = this.registryJoin(name, seat, seatPids.network, args);
        this.imageRef = this.image(name, lab, args, engine, registryJoin);

        const labNetwork = new docker.Network(`${name}-network`, networkArgs(lab.network), {
            parent: this,
            provider: engine,
            dependsOn: [clientFiles],
        });
        const app = containersComponents.app(
            `${name}-app`,
            { lab: { ...lab, app: seatsApp(lab.app).inner }, image: this.imageRef, network: labNetwork },
            { parent: this, providers: { docker: engine } },
        );
        const checks = new LessonCheckCommands(
            `${name}-check`,
            {
                checks: lab.checks,
                imageRef: this.imageRef,
                triggers: app.triggers,
                dependsOn: [...app.dependsOn, ...args.classReady, clientFiles],
                commandEnv: lab.commandEnv,
                // One check at a time per student, as verify runs them.
                sequential: true,
            },
            { parent: this },
        );

        this.appUrls = pulumi.output(lab.appUrls);
        this.containerNames = app.containerNames;
        this.checks = checks.statuses;
        this.checkSummary = checks.summary;

        this.registerOutputs({
            student: this.student,
            appUrls: this.appUrls,
            containerNames: this.containerNames,
            imageRef: this.imageRef,
            checks: this.checks,
            checkSummary: this.checkSummary,
            client: this.client,
        });
    }

    /** The seat's clients CA, server and client certificates, made once by openssl; every part a secret. */
    private certificates(name: string, seat: SeatSpec, ca: ClassCa): pulumi.Output<Record<SeatTlsPart, string>> {
        const tls = new command.local.Command(
            `${name}-seat-tls`,
            {
                create: seatTlsCommand(seat.tls),
                interpreter: ["/bin/sh", "-c"],
                environment: pulumi.secret(
                    pulumi.all([ca.key, ca.cert]).apply(([key, cert]) => ({ [CLASS_CA_KEY_ENV]: key, [CLASS_CA_CERT_ENV]: cert })),
                ),
            },
            { parent: this, additionalSecretOutputs: ["stdout", "environment"] },
        );
        return pulumi.secret(tls.stdout.apply((out) => parseTlsParts(out, SEAT_TLS_PARTS)));
    }

    /** The seat's network and data volume, the seat itself (healthy before `up` goes on), and its PIDs limit. */
    private seatContainer(
        name: string,
        seat: SeatSpec,
        parts: pulumi.Output<Record<SeatTlsPart, string>>,
        args: SeatLabArgs,
    ): { container: docker.Container; pidsLimit: command.local.Command; network: docker.Network } {
        const network = new docker.Network(`${name}-seat-network`, networkArgs(seat.network), { parent: this });
        const volume = new docker.Volume(
            `${name}-seat-data`,
            { name: seat.volume.name, labels: labelList(seat.volume.labels) },
            { parent: this },
        );
        const container = new docker.Container(
            `${name}-seat`,
            {
                ...seatContainerArgs(seat, network.name, volume.name),
                uploads: seat.tlsFiles.map((f) => ({ file: f.path, content: parts.apply((p) => p[f.part]), permissions: "0600" })),
            },
            // Fixed host ports: the old seat goes before its replacement starts. The engine does not
            // report systempaths=unconfined back: a label carries the options (SeatSpec.containerLabels).
            { parent: this, deleteBeforeReplace: true, ignoreChanges: ["securityOpts"] },
        );
        const pidsLimit = new command.local.Command(
            `${name}-seat-pids-limit`,
            { create: pidsLimitCommand(seat), environment: args.classEnv, triggers: [container.id] },
            { parent: this },
        );
        return { container, pidsLimit, network };
    }

    /**
     * The class registry on the seat's network. Replaced after its old self is gone (a disconnect after
     * the new connect would undo it), when the seat's network or one of the registry's resources is.
     */
    private registryJoin(name: string, seat: SeatSpec, network: docker.Network, args: SeatLabArgs): command.local.Command {
        const ids = args.registry.filter((r): r is pulumi.CustomResource => r instanceof pulumi.CustomResource).map((r) => r.id);
        return new command.local.Command(
            `${name}-seat-registry`,
            { ...registryJoinCommands(seat), environment: args.classEnv, triggers: [network.id, ...ids] },
            { parent: this, dependsOn: args.registry, deleteBeforeReplace: true },
        );
    }

    /** Where the student works: their shell beside the seat, on its network. */
    private workstation(name: string, lab: LabSpec, network: docker.Network, args: SeatLabArgs): SeatWorkstation {
        const { seat, workstation } = seatsApp(lab.app);
        return new SeatWorkstation(
            `${name}-workstation`,
            {
                spec: workstation,
                networkName: network.name,
                image: args.workstationImage,
                client: this.client,
                appFiles: args.appFiles,
                lessons: lessonSheet(this.student, lab.image.name, lab.checks),
                exercises: exerciseSheet(this.student, workplaceExercises(lab, workstationWorkplace(seat, workstation)).exercises),
                classEnv: args.classEnv,
            },
            { parent: this },
        );
    }

    /** The student's client files, which the checks' docker CLI reads (DOCKER_CERT_PATH); rewritten with a new seat, removed with it. */
    private clientFiles(name: string, lab: LabSpec): command.local.Command {
        const files = seatClientFilesCommands(lab.commandEnv.DOCKER_CERT_PATH);
        return new command.local.Command(
            `${name}-seat-client`,
            {
                create: files.create,
                delete: files.delete,
                interpreter: ["/bin/sh", "-c"],
                environment: pulumi.secret(this.client.apply((c) => files.environment(c))),
                triggers: [this.seat.id],
            },
            { parent: this, additionalSecretOutputs: ["environment"] },
        );
    }

    /**
     * The class image in the student's repository (copied on the class's engine), pulled into the seat
     * by its tag (the lessons list it so) once the registry is on the seat's network; the app runs it by digest.
     */
    private image(
        name: string,
        lab: LabSpec,
        args: SeatLabArgs,
        engine: docker.Provider,
        registryJoin: command.local.Command,
    ): pulumi.Output<string> {
        const student = lab.student as NonNullable<LabSpec["student"]>;
        const classImageRef = pulumi.output(args.classImageRef);
        const copy = new command.local.Command(
            `${name}-image`,
            {
                create: classImageRef.apply((ref) => resolveImageCommand(student.copyImageCommand, ref)),
                delete: untagRepositoryCommand(student.classRepository),
                interpreter: ["/bin/sh", "-c"],
                environment: args.classEnv,
            },
            { parent: this, dependsOn: args.classReady },
        );
        const pulled = new docker.RemoteImage(
            `${name}-pull`,
            { name: lab.image.name, keepLocally: true, pullTriggers: [classImageRef] },
            { parent: this, provider: engine, dependsOn: [copy, registryJoin] },
        );
        return pulumi.all([classImageRef, pulled.repoDigest]).apply(([ref]) => labImageRef(lab, ref));
    }
}

/** `docker.Container` inputs of a seat, but its TLS files. */
function seatContainerArgs(seat: SeatSpec, network: pulumi.Input<string>, volume: pulumi.Input<string>): docker.ContainerArgs {
    return {
        name: seat.name,
        hostname: seat.hostname,
        image: seat.image,
        entrypoints: seat.entrypoint,
        command: seat.dockerdArgs,
        labels: labelList(seat.containerLabels),
        networksAdvanced: [{ name: network, ipv4Address: seat.address }],
        ports: portArgs(seat.ports),
        capabilities: { adds: seat.capAdd },
        securityOpts: seat.securityOpts,
        volumes: [
            { volumeName: volume, containerPath: "/var/lib/docker" },
            ...seat.binds.map((b) => ({ hostPath: b.hostPath, containerPath: b.containerPath })),
        ],
        memory: seat.memoryMb,
        memorySwap: seat.memoryMb,
        cpus: seat.cpus,
        restart: seat.restartPolicy,
        healthcheck: healthcheckArgs(seat.healthcheck),
        wait: true,
        waitTimeout: seat.waitTimeoutSeconds,
        mustRun: true,
    };
}
