import * as fs from "node:fs";
import * as path from "node:path";
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { healthcheckArgs, homeFilesCommand, labelList, pidsLimitCommand, type WorkstationSpec } from "../../../lab";

/** One file of the app's source. */
export interface AppFile {
    name: string;
    content: string;
}

/** The files of the app's source folder (relative to the project root), in name order: read once for a whole class. */
export function readAppFiles(appDir: string): AppFile[] {
    return fs
        .readdirSync(appDir, { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name)
        .sort()
        .map((name) => ({ name, content: fs.readFileSync(path.join(appDir, name), "utf8") }));
}

export interface SeatWorkstationArgs {
    /** The workstation, from workstationSpec. Required. */
    spec: WorkstationSpec;
    /** The seat's network (the workstation's only one). Required. */
    networkName: pulumi.Input<string>;
    /** The class's workstation image by digest (repository@sha256:...). Required. */
    image: pulumi.Input<string>;
    /** The student's TLS files for their seat (a secret). Required. */
    client: pulumi.Output<{ ca: string; cert: string; key: string }>;
    /** The app's source files (name and text), copied into the student's home. Required. */
    appFiles: AppFile[];
    /** The lessons file's text. Required. */
    lessons: string;
    /** The exercises file's text. Required. */
    exercises: string;
    /** Environment of the docker CLI on the class's engine (DOCKER_HOST when set). Default: the caller's environment. */
    classEnv?: Record<string, string>;
}

/**
 * A seat's workstation (lab/modes/seats/workstation.ts): the student's shell, on the seat's network
 * only, running as the student with a read-only root, and their home on a volume of its own with the
 * docker CLI pointed at the seat and the student's TLS files, the app's source and the lessons in it.
 * `npm run seat -- shell NAME` opens it.
 */
export class SeatWorkstation extends pulumi.ComponentResource {
    readonly container: docker.Container;

    constructor(name: string, args: SeatWorkstationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:SeatWorkstation", name, {}, opts);
        const { spec } = args;
        const home = new docker.Volume(`${name}-home`, { name: spec.home.volume, labels: labelList(spec.home.labels) }, { parent: this });
        this.container = new docker.Container(
            `${name}-container`,
            {
                name: spec.name,
                hostname: spec.hostname,
                image: args.image,
                user: spec.user,
                readOnly: true,
                tmpfs: spec.tmpfs,
                volumes: [{ volumeName: home.name, containerPath: spec.home.path }],
                envs: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
                labels: labelList(spec.labels),
                networksAdvanced: [{ name: args.networkName }],
                capabilities: { drops: spec.capDrop },
                securityOpts: spec.securityOpts,
                memory: spec.memoryMb,
                memorySwap: spec.memoryMb,
                cpuShares: spec.cpuShares,
                healthcheck: healthcheckArgs(spec.healthcheck),
                restart: spec.restartPolicy,
                mustRun: true,
            },
            { parent: this },
        );
        // The student's TLS files, the app's source, the lessons and the exercises, written into the home volume once the
        // workstation runs (its healthcheck waits for them), again when it is replaced or a file changes.
        const paths = [
            `${spec.certDir}/ca.pem`,
            `${spec.certDir}/cert.pem`,
            `${spec.certDir}/key.pem`,
            ...args.appFiles.map((f) => `${spec.appDir}/${f.name}`),
            spec.lessonsFile,
            spec.exercisesFile,
        ];
        const files = homeFilesCommand(spec, paths);
        const withNewline = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);
        new command.local.Command(
            `${name}-files`,
            {
                create: files.create,
                interpreter: ["/bin/sh", "-c"],
                environment: pulumi.secret(
                    args.client.apply((c) => ({
                        ...args.classEnv,
                        ...files.environment([
                            ...[c.ca, c.cert, c.key].map(withNewline),
                            ...args.appFiles.map((f) => f.content),
                            args.lessons,
                            args.exercises,
                        ]),
                    })),
                ),
                triggers: [this.container.id],
            },
            { parent: this, additionalSecretOutputs: ["environment"] },
        );
        new command.local.Command(
            `${name}-pids-limit`,
            { create: pidsLimitCommand(spec), environment: args.classEnv, triggers: [this.container.id] },
            { parent: this },
        );
        this.registerOutputs({ name: this.container.name });
    }
}
