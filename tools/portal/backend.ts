import type { Stack } from "@pulumi/pulumi/automation";
import { type ContainerState, containerState, docker, type EngineEndpoint, PROJECT_ROOT, repoDigestOf } from "../../engine";
import { type Exercise, isClassSpec, type Spec, seatsApp, studentLab } from "../../lab";
import { checkImage, type ExerciseLab, emptyWorkDirCommand, runCommands, runExerciseCheck } from "../exercise";
import { describeDamage } from "../labGuard";
import { verifyLab } from "../verify";
import { type PortalBackend, PortalError } from "./model";
import { seatUrns, stateResources } from "./stack";

/**
 * The portal's real backend: checks through the lab's own check engine, seat states from the
 * engine API, re-verify through verifyLab, and a seat's reset through the Automation API.
 */

/** Empties a seat's engine from inside it: every container, then every image, network and volume not in use. */
export const EMPTY_SEAT_ENGINE =
    "docker ps -aq | xargs -r docker rm -f >/dev/null && docker system prune -af >/dev/null && docker volume ls -q | xargs -r docker volume rm -f >/dev/null";

export function liveBackend(stack: Stack, spec: Spec, endpoint: EngineEndpoint, registryPassword?: string): PortalBackend {
    return {
        async check(lab: ExerciseLab, exercise: Exercise) {
            const image = await checkImage(lab);
            if ("damage" in image) {
                const fix = lab.student === undefined ? "run npm run up" : "ask your teacher to reset your seat";
                const broken = image.damage.map((d) => describeDamage(d, lab.stack, "en")).join("; ");
                throw new PortalError(409, `your lab is not whole, so nothing was checked (${broken}); ${fix}`);
            }
            return runExerciseCheck(lab, exercise, image.imageRef);
        },

        async seatStates(students: readonly string[]) {
            const states = await Promise.all(
                students.map(async (student): Promise<[string, ContainerState | undefined]> => {
                    const { seat } = seatsApp(studentLab(spec, student).app);
                    return [student, await containerState(endpoint, seat.name)];
                }),
            );
            return new Map(states);
        },

        async verify(student: string | undefined) {
            const imageRef = await repoDigestOf(spec);
            const report = await verifyLab(spec, imageRef, {
                cwd: PROJECT_ROOT,
                engine: spec.dockerHost || "the class's engine",
                ...(isClassSpec(spec) && student !== undefined ? { student } : {}),
                ...(registryPassword === undefined ? {} : { registryPassword }),
            });
            return { passed: report.passed, total: report.passed + report.failed };
        },

        async resetSeat(lab: ExerciseLab, log: (line: string) => void) {
            const student = lab.student as string;
            const { seat } = seatsApp(lab.lab.app);
            log(`emptying ${student}'s engine (${seat.name})`);
            const emptied = await docker(["exec", seat.name, "/bin/sh", "-c", EMPTY_SEAT_ENGINE], spec.commandEnv);
            // A seat that is stopped or gone has nothing to empty: the refresh and update below bring it back.
            if (emptied.status !== 0) log(`${seat.name} could not be emptied (${emptied.stderr.trim().split("\n").pop()}); rebuilding it`);
            const cleared = await runCommands(lab, [emptyWorkDirCommand(lab)]);
            if (!cleared.ok) log(`the work folder could not be emptied: ${cleared.results[cleared.results.length - 1]?.output.trim()}`);
            const urns = seatUrns(await stateResources(stack), student);
            if (urns.length === 0) throw new Error(`the stack has no seat of ${student}: npm run up makes it`);
            log(`refreshing ${urns.length} resources of ${student}'s seat`);
            await stack.refresh({ target: urns, onOutput: (out) => log(out.trimEnd()) });
            log(`updating ${student}'s seat`);
            await stack.up({ target: urns, onOutput: (out) => log(out.trimEnd()) });
        },
    };
}
