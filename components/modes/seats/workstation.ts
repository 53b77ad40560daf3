import * as fs from "node:fs";
import * as path from "node:path";
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { healthcheckArgs, labelList, pidsLimitCommand, type WorkstationSpec } from "../../../lab";

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
    /** The student's TLS files for their seat (a secret). Required. */
    client: pulumi.Output<{ ca: string; cert: string; key: string }>;
    /** The app's source files (name and text), copied into the student's home. Required. */
    appFiles: AppFile[];
    /** The lessons file's text. Required. */
    lessons: string;
    /** Environment of the docker CLI on the class's engine (DOCKER_HOST when set). Default: the caller's environment. */
    classEnv?: Record<string, string>;
}

/**
 * A seat's workstation (lab/modes/seats/workstation.ts): the student's shell, on the seat's network
 * only, with the docker CLI pointed at the seat and the student's TLS files, the app's source and the
 * lessons in their home. `npm run seat -- shell NAME` opens it.
 */
export class SeatWorkstation extends pulumi.ComponentResource {
    readonly container: docker.Container;

    constructor(name: string, args: SeatWorkstationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:SeatWorkstation", name, {}, opts);
        const { spec } = args;
        const tlsFile = (file: string, pick: (c: { ca: string; cert: string; key: string }) => string) => ({
            file: `${spec.certDir}/${file}`,
            content: args.client.apply(pick),
            permissions: "0600",
        });
        // The workstation is replaced when an app file changes.
        const appFiles = args.appFiles.map((f) => ({ file: `${spec.appDir}/${f.name}`, content: f.content }));

        this.container = new docker.Container(
            `${name}-container`,
            {
                name: spec.name,
                hostname: spec.hostname,
                image: spec.image,
                entrypoints: spec.entrypoint,
                envs: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
                labels: labelList(spec.labels),
                networksAdvanced: [{ name: args.networkName }],
                capabilities: { adds: spec.capAdd, drops: spec.capDrop },
                securityOpts: spec.securityOpts,
                memory: spec.memoryMb,
                memorySwap: spec.memoryMb,
                cpuShares: spec.cpuShares,
                healthcheck: healthcheckArgs(spec.healthcheck),
                restart: spec.restartPolicy,
                uploads: [
                    tlsFile("ca.pem", (c) => c.ca),
                    tlsFile("cert.pem", (c) => c.cert),
                    tlsFile("key.pem", (c) => c.key),
                    ...appFiles,
                    { file: spec.lessonsFile, content: args.lessons },
                ],
                mustRun: true,
            },
            { parent: this },
        );
        new command.local.Command(
            `${name}-pids-limit`,
            { create: pidsLimitCommand(spec), environment: args.classEnv, triggers: [this.container.id] },
            { parent: this },
        );
        this.registerOutputs({ name: this.container.name });
    }
}
