import { classPortPlan } from "../../classroom";
import type { LabConfig } from "../../config/keys";
import { hostUrl } from "../../names";
import { shellQuote } from "../../shell";
import type { AppSpec } from "../../types";
import { type ContainersApp, containersApp, containersMode } from "../containers";
import type { LabModeModel } from "../types";
import { SEAT_ENGINE_PORT, type SeatSpec, seatClientDir, seatClientEnv, seatSpec } from "./seat";
import { seatSubnetsProblem } from "./subnets";
import { type WorkstationSpec, workstationImageSpec, workstationSpec, workstationWorkplace } from "./workstation";

/**
 * Seats mode, for a class: each student's lab runs in a Docker engine of its own (a seat, seat.ts),
 * as containers mode runs it, while the class registry and the image build stay on the class's
 * engine. The checks and the student's docker CLI reach the seat's engine with TLS (tls.ts).
 */

/** The app of a student's lab in seats mode: the replicas inside the seat, and the seat. */
export interface SeatsApp extends AppSpec {
    mode: "seats";
    /** The app as containers mode runs it, inside the seat (its ports published on the seat's own address). */
    inner: ContainersApp;
    seat: SeatSpec;
    /** Where the student works: a shell beside the seat, its docker CLI pointed at it. */
    workstation: WorkstationSpec;
}

/** The app of a lab in seats mode; throws for another mode's. */
export function seatsApp(app: AppSpec): SeatsApp {
    if (app.mode !== "seats") throw new Error(`A lab in mode ${app.mode} has no seat`);
    return app as SeatsApp;
}

/** Where the class's base image goes in the class registry (path and tag), so that each seat builds from it without a pull from outside. */
export function seatBaseImagePath(instance: string): string {
    return `${seatBaseRepositoryPath(instance)}:lab`;
}

/** The repository path of the class's base image in the class registry. */
export function seatBaseRepositoryPath(instance: string): string {
    return `${instance}/base`;
}

/** The config problems of seats mode: it needs a class, on this machine's engine. */
function configProblems(config: LabConfig): string[] {
    const problems: string[] = [];
    if (config.students.length === 0) {
        problems.push(
            "mode = seats: seats are one Docker engine per student, and there are no students; add them (npm run config -- set --path 'students[0]' alice), or use npm run config -- set mode containers",
        );
    }
    if (config.dockerHost !== "" && !config.dockerHost.startsWith("unix://")) {
        problems.push(
            `mode = seats with dockerHost = ${JSON.stringify(config.dockerHost)}: the seats' engines are published on this machine's bindAddress, so the class's engine must be this machine's; run npm run up on the engine's own machine (npm run config -- rm dockerHost)`,
        );
    }
    // The range's form is every mode's problem (config/parse.ts); whether it holds the class is seats mode's.
    if (seatSubnetsProblem(config.seatSubnets, 0) === undefined) {
        const room = seatSubnetsProblem(config.seatSubnets, config.students.length);
        if (room) problems.push(room);
    }
    // Inside a seat the app ports keep their numbers, and the seat's own engine listens on SEAT_ENGINE_PORT.
    const { starts } = classPortPlan(config.appPort, config.replicas + 1, config.registryPort, config.students.length);
    const clash = starts.findIndex((start) => SEAT_ENGINE_PORT >= start && SEAT_ENGINE_PORT < start + config.replicas);
    if (clash >= 0) {
        problems.push(
            `appPort = ${config.appPort}: in seats mode the app ports of students[${clash}] would include ${SEAT_ENGINE_PORT}, where each seat's engine listens; choose an appPort above it (npm run config -- set appPort 8080)`,
        );
    }
    return problems;
}

export const seatsMode: LabModeModel = {
    // The app's ports, then the seat's engine port.
    appPortCount: (config) => config.replicas + 1,
    portProblems: () => [],
    configProblems,
    images: ["seatImage"],
    network: (name, labels) => ({ name, labels }),
    registryServer: containersMode.registryServer,
    htpasswdPath: containersMode.htpasswdPath,
    registryRun: () => ({ mode: "seats" }),
    app(config, input) {
        const { shared } = input;
        if (!input.student) throw new Error("seats mode makes a seat per student: a lab in seats mode needs a student");
        if (input.place === undefined)
            throw new Error("seats mode gives each seat a subnet by the student's place: a lab in seats mode needs it");
        const seat = seatSpec(config, {
            instance: shared.instance,
            student: input.student,
            prefix: input.prefix,
            labels: input.labels,
            firstPort: input.firstPort,
            registryName: shared.registry.container.name,
            place: input.place,
        });
        // Inside the seat the replicas publish on the seat's own address, which the seat publishes on bindAddress.
        const inner = containersApp(containersMode.app({ ...config, bindAddress: seat.address }, input).app);
        const workstation = workstationSpec(seat, input.labels, workstationImageSpec(shared.image, shared.instance, config.seatImage));
        const app: SeatsApp = { mode: "seats", inner, seat, workstation };
        return { app, appUrls: inner.replicas.map((r) => hostUrl(config.bindAddress, r.ports[0].external)) };
    },
    engineNetwork: (lab) => seatsApp(lab.app).seat.network.name,
    labEngine(app, shared) {
        const { seat } = seatsApp(app);
        return {
            commandEnv: seatClientEnv(seat, seatClientDir(shared.instance, seat.tls.student)),
            registryServer: seat.registryServer,
            baseImage: `${seat.registryServer}/${seatBaseImagePath(shared.instance)}`,
        };
    },
    workplace(lab) {
        const { seat, workstation } = seatsApp(lab.app);
        return workstationWorkplace(seat, workstation);
    },
    appContainers: (app) => seatsApp(app).inner.replicas,
    appServices: () => [],
    registryServices: () => [],
    exec: (app) => containersMode.exec(seatsApp(app).inner),
    execContainer: (app) => containersMode.execContainer(seatsApp(app).inner),
    listingChecks: (ctx, app) => containersMode.listingChecks(ctx, seatsApp(app).inner),
    httpChecks: (ctx, app) => containersMode.httpChecks(ctx, seatsApp(app).inner),
    guarded: (shared, labs) => [
        { kind: "container", role: "registry", name: shared.registry.container.name },
        ...labs.flatMap((lab) => [
            { kind: "container" as const, role: "seat" as const, name: seatsApp(lab.app).seat.name },
            { kind: "container" as const, role: "workstation" as const, name: seatsApp(lab.app).workstation.name },
        ]),
    ],
    appPorts: (lab) => {
        const { seat } = seatsApp(lab.app);
        const who = lab.student?.name ?? seat.tls.student;
        return seat.ports.map((p, i) => ({
            port: p.external,
            role: p.external === seat.enginePort ? `the seat engine of ${who}` : `app replica ${i} of ${who}`,
        }));
    },
    portsOnEveryInterface: false,
    portHolders: ["container"],
};

export {
    registryJoinCommands,
    SEAT_CLIENT_ENV,
    SEAT_ENGINE_PORT,
    type SeatSpec,
    type SeatTlsFile,
    seatClientDir,
    seatClientEnv,
    seatClientFilesCommands,
    seatSpec,
} from "./seat";
export { SEAT_SUBNET_PREFIX, type SeatAddresses, seatAddresses, seatSubnetsProblem, subnetsOverlap } from "./subnets";
export {
    CLASS_CA_CERT_ENV,
    CLASS_CA_KEY_ENV,
    CLASS_CA_PARTS,
    classCaCommand,
    parseTlsParts,
    SEAT_TLS_PARTS,
    type SeatTlsInput,
    type SeatTlsPart,
    seatTlsCommand,
    seatTlsResourceName,
} from "./tls";
export {
    exerciseSheet,
    homeFileEnv,
    homeFilesCommand,
    lessonSheet,
    WORKSTATION_CONTEXT,
    WORKSTATION_HOME,
    WORKSTATION_LOGIN_SHELL,
    WORKSTATION_UID,
    WORKSTATION_USER,
    type WorkstationSpec,
    workstationImageSpec,
    workstationSpec,
    workstationWorkplace,
} from "./workstation";

/** The commands that put the class's base image into the class registry (where every seat's lesson build pulls it from), and take its tag away. */
export function seatBaseImageCommands(baseImage: string, target: string): { create: string; delete: string } {
    const q = shellQuote;
    return {
        // BuildKit may have used the base image without keeping it in the image store: pull it then.
        create: `{ docker image inspect ${q(baseImage)} >/dev/null 2>&1 || docker pull ${q(baseImage)} >/dev/null; } && docker tag ${q(baseImage)} ${q(target)} && docker push ${q(target)} >/dev/null`,
        delete: `docker image rm ${q(target)} >/dev/null 2>&1 || true`,
    };
}
