import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { CLASS_CA_PARTS, classCaCommand, parseTlsParts, seatBaseImageCommands, seatBaseImagePath, seatsApp } from "../../../lab";
import { AppImage } from "../../image";
import { containersComponents } from "../containers";
import type { ModeComponents } from "../types";
import { type ClassCa, SeatLab } from "./seatLab";
import { readAppFiles } from "./workstation";

/**
 * Seats mode: the class registry and the image build on the class's engine, as in containers mode;
 * the class CA and the base image in the class registry once; then each student's SeatLab (their
 * own engine, and their lab in it).
 */
export const seatsComponents: ModeComponents = {
    platform: () => undefined,
    registry: (name, args, opts) => containersComponents.registry(name, args, opts),
    app() {
        throw new Error("seats mode runs each app in its student's seat (classLabs); the config refuses seats without students");
    },
    classLabs(name, args, opts) {
        const { spec } = args;
        // Commands take no providers: only their parent.
        const parent = { parent: opts.parent };
        const caCommand = new command.local.Command(
            `${name}-seat-ca`,
            { create: classCaCommand(spec.instance), interpreter: ["/bin/sh", "-c"] },
            { ...parent, additionalSecretOutputs: ["stdout"] },
        );
        const caParts = pulumi.secret(caCommand.stdout.apply((out) => parseTlsParts(out, CLASS_CA_PARTS)));
        const ca: ClassCa = { key: caParts.apply((p) => p["ca-key"]), cert: caParts.apply((p) => p["ca-cert"]) };

        const base = seatBaseImageCommands(
            spec.image.buildArgs.BASE_IMAGE,
            `${spec.image.registryServer}/${seatBaseImagePath(spec.instance)}`,
        );
        const basePush = new command.local.Command(
            `${name}-seat-base`,
            { ...base, interpreter: ["/bin/sh", "-c"], environment: spec.commandEnv, triggers: [args.classImageRef] },
            { ...parent, dependsOn: args.registry },
        );

        // One workstation image for the class, from the first seat's spec: every seat's is the same.
        const first = spec.students[0];
        const workstationImage = first
            ? new AppImage(
                  `${name}-workstation-image`,
                  { image: seatsApp(first.app).workstation.image, commandEnv: spec.commandEnv, registryReady: args.registry },
                  opts,
              ).repoDigest
            : pulumi.output("");
        const appFiles = readAppFiles(spec.image.context);
        const students = spec.students.map(
            (lab) =>
                new SeatLab(
                    `${name}-${lab.student?.name}`,
                    {
                        lab,
                        classImageRef: args.classImageRef,
                        classReady: [...args.registry, basePush],
                        registry: args.registry,
                        workstationImage,
                        ca,
                        appFiles,
                        classEnv: spec.commandEnv,
                    },
                    opts,
                ),
        );
        const clients = pulumi.secret(
            pulumi.all(students.map((s) => s.client)).apply((all) => Object.fromEntries(all.map((c, i) => [students[i].student, c]))),
        );
        return { students, clients };
    },
    nodeUrls: () => pulumi.output([]),
};

export { type ClassCa, type SeatClient, SeatLab, type SeatLabArgs } from "./seatLab";
