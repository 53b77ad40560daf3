import { EventEmitter } from "node:events";
import type { ContainerState } from "../../engine";
import { isClassSpec, type Spec, type WorkplaceContainer } from "../../lab";
import {
    type ExerciseLab,
    exerciseLabOf,
    hintFor,
    loadProgress,
    type Progress,
    progressOf,
    recordCheck,
    saveProgress,
    seenOutput,
} from "../exercise";
import { type GradeRow, gradeRows } from "./grades";
import { type CheckAnswer, exerciseView, type LearnerState, NO_TERMINAL, type PortalBackend, PortalError } from "./model";
import { checksTally, latest, NO_SEAT, type PortalAction, type Roster, type RosterStudent, seatStateOf } from "./roster";
import type { PortalRole, TokenTable } from "./tokens";

/**
 * The class portal's model: who may open what (the tokens), each learner's exercises, progress and
 * activity, the teacher's roster and its actions. The engine and the stack are reached through a
 * PortalBackend, so the model is tested with a fake one; tools/portal/backend.ts is the real one.
 */

/** One learner as the portal keeps them. */
export interface PortalLearner {
    student?: string;
    token: string;
    /** The learner's exercises where they work, or why the portal has none for them. */
    lab?: ExerciseLab;
    unavailable?: string;
    /** Lesson checks in their lab. */
    checksTotal: number;
    verified?: { passed: number; total: number; at: string };
    lastActivity?: string;
    busy?: PortalAction;
    lastAction?: RosterStudent["lastAction"];
}

export interface PortalOptions {
    stack: string;
    spec: Spec;
    tokens: TokenTable;
    /** The stack's `checks` output: each lesson check's status as the last up left it. */
    upChecks: Record<string, string>;
    /** Project root: where the progress files are. */
    root: string;
    backend: PortalBackend;
    now?: () => Date;
}

export class ClassPortal extends EventEmitter {
    readonly learners: PortalLearner[];
    private readonly now: () => Date;
    /** Per learner, the chain their checks and actions wait on: one progress file is never written twice at once. */
    private readonly queues = new Map<PortalLearner, Promise<unknown>>();
    /** Resets run one at a time: each is an update of the one stack. */
    private resetQueue: Promise<unknown> = Promise.resolve();
    private seats = new Map<string, ContainerState | undefined>();
    private changed?: NodeJS.Timeout;

    constructor(readonly options: PortalOptions) {
        super();
        // Each teacher's tab listens for roster changes: more than EventEmitter's default 10 is no leak.
        this.setMaxListeners(0);
        this.now = options.now ?? (() => new Date());
        const { spec } = options;
        const students: (string | undefined)[] = isClassSpec(spec) ? spec.students.map((lab) => lab.student?.name) : [undefined];
        this.learners = students.map((student) => this.learnerOf(student));
    }

    private learnerOf(student: string | undefined): PortalLearner {
        const { spec, stack, root, tokens } = this.options;
        const token = tokens.learnerToken(student);
        if (token === undefined) {
            throw new Error(
                `the stack's portal tokens have none for ${student ?? "the learner"}: run npm run up (it adds the missing ones)`,
            );
        }
        const checksTotal = isClassSpec(spec)
            ? (spec.students.find((l) => l.student?.name === student)?.checks.length ?? 0)
            : spec.checks.length;
        try {
            return { student, token, checksTotal, lab: exerciseLabOf(spec, stack, root, student) };
        } catch (err) {
            return { student, token, checksTotal, unavailable: (err as Error).message };
        }
    }

    /** Who `token` lets in. */
    role(token: string): PortalRole | undefined {
        return this.options.tokens.find(token);
    }

    /** The learner a learner's role opens. */
    learner(role: PortalRole & { kind: "learner" }): PortalLearner {
        const found = this.learners.find((l) => l.student === role.student);
        if (!found) throw new PortalError(404, `${role.student ?? "the learner"} is no longer in this class: ask the teacher`);
        return found;
    }

    /** A student by name, for the teacher's actions; 404 naming the class's students when there is none. */
    student(name: string): PortalLearner {
        const found = this.learners.find((l) => l.student === name);
        if (found) return found;
        const names = this.learners.map((l) => l.student ?? "(the one learner)").join(", ");
        throw new PortalError(404, `no student ${JSON.stringify(name)} in this class (its students: ${names})`);
    }

    /** The workstation a learner's terminal opens in, or undefined where they have none (no seats). */
    workstation(learner: PortalLearner): WorkplaceContainer | undefined {
        return learner.lab?.place.container;
    }

    /** Marks a learner active now (a page load, a check, typing in the terminal) and tells the roster. */
    touch(learner: PortalLearner): void {
        learner.lastActivity = this.now().toISOString();
        this.changedSoon();
    }

    private progressOf(learner: PortalLearner): Progress | undefined {
        const lab = learner.lab;
        if (!lab) return undefined;
        // Read afresh each time: `npm run exercise` in the learner's own shell writes the same file.
        return loadProgress(lab.progressFile, lab.stack, lab.student).progress;
    }

    /** The student's page's data. */
    state(learner: PortalLearner): LearnerState {
        const { spec } = this.options;
        const lab = learner.lab;
        const terminal = this.workstation(learner) ? ({ available: true } as const) : ({ available: false, reason: NO_TERMINAL } as const);
        if (!lab) {
            throw new PortalError(409, learner.unavailable ?? "this lab has no exercises");
        }
        const progress = this.progressOf(learner) as Progress;
        const exercises = lab.exercises.map((e) => exerciseView(e, progressOf(progress, e.id)));
        return {
            lab: spec.instance,
            student: learner.student ?? null,
            terminal,
            exercises,
            done: exercises.filter((e) => e.state === "done").length,
            total: exercises.length,
        };
    }

    /** Runs the check of exercise `id` for the learner and records it in their progress. */
    async check(learner: PortalLearner, id: string): Promise<CheckAnswer> {
        const lab = learner.lab;
        if (!lab) throw new PortalError(409, learner.unavailable ?? "this lab has no exercises");
        const exercise = lab.exercises.find((e) => e.id === id);
        if (!exercise)
            throw new PortalError(404, `no exercise ${JSON.stringify(id)} (the exercises: ${lab.exercises.map((e) => e.id).join(", ")})`);
        if (learner.busy === "reset") throw new PortalError(409, "your seat is being reset by the teacher: check again when it is back");
        this.touch(learner);
        return this.queued(learner, async () => {
            const result = await this.options.backend.check(lab, exercise);
            const before = loadProgress(lab.progressFile, lab.stack, lab.student).progress;
            const progress = recordCheck(before, exercise.id, result.passed, this.now());
            saveProgress(lab.progressFile, progress);
            const entry = progressOf(progress, exercise.id);
            const views = lab.exercises.map((e) => exerciseView(e, progressOf(progress, e.id)));
            const hint = result.passed ? undefined : hintFor(exercise, entry.failedChecks);
            this.changedSoon();
            return {
                id: exercise.id,
                passed: result.passed,
                expected: exercise.expected,
                seen: seenOutput(result),
                ...(hint ? { hint: { ...hint, text: exercise.hints[hint.index] } } : {}),
                exercise: exerciseView(exercise, entry),
                done: views.filter((v) => v.state === "done").length,
                total: views.length,
            };
        });
    }

    /** The teacher's re-verify of a learner: runs in the background; the roster shows it running, then its count. */
    verify(learner: PortalLearner): void {
        this.startAction(learner, "verify", async () => {
            const count = await this.options.backend.verify(learner.student);
            learner.verified = { ...count, at: this.now().toISOString() };
            return `${count.passed} of ${count.total} checks passed`;
        });
    }

    /** The teacher's reset of a student's seat: a fresh lab, then its checks again; other seats untouched. */
    reset(learner: PortalLearner): void {
        const lab = learner.lab;
        if (!lab || !this.workstation(learner)) {
            throw new PortalError(
                409,
                `${learner.student ?? "the learner"} has no seat to reset: only a class of seats gives each student one`,
            );
        }
        this.startAction(learner, "reset", async () => {
            const turn = this.resetQueue.then(() => this.options.backend.resetSeat(lab, (line) => this.emit("log", learner.student, line)));
            this.resetQueue = turn.catch(() => undefined);
            await turn;
            const count = await this.options.backend.verify(learner.student);
            learner.verified = { ...count, at: this.now().toISOString() };
            return `seat rebuilt; ${count.passed} of ${count.total} checks passed`;
        });
    }

    private startAction(learner: PortalLearner, kind: PortalAction, run: () => Promise<string>): void {
        if (learner.busy)
            throw new PortalError(409, `${learner.student ?? "the learner"} is busy (${learner.busy} running): wait for it to finish`);
        learner.busy = kind;
        this.changedSoon();
        const done = (ok: boolean, message: string) => {
            learner.busy = undefined;
            learner.lastAction = { kind, ok, message, at: this.now().toISOString() };
            this.changedSoon();
            this.emit("action", learner.student, learner.lastAction);
        };
        this.queued(learner, run).then(
            (message) => done(true, message),
            (err: Error) => done(false, err.message.split("\n")[0]),
        );
    }

    private queued<T>(learner: PortalLearner, run: () => Promise<T>): Promise<T> {
        const turn = (this.queues.get(learner) ?? Promise.resolve()).then(run);
        this.queues.set(
            learner,
            turn.catch(() => undefined),
        );
        return turn;
    }

    /** Asks the engine how every seat is, and tells the roster when that changed. */
    async pollSeats(): Promise<void> {
        const students = this.learners.filter((l) => this.workstation(l)).map((l) => l.student as string);
        if (students.length === 0) return;
        const states = await this.options.backend.seatStates(students);
        const before = JSON.stringify([...this.seats]);
        this.seats = states;
        if (JSON.stringify([...states]) !== before) this.changedSoon();
    }

    /** The teacher's roster now. */
    roster(): Roster {
        const { spec, stack, upChecks } = this.options;
        const exercisesTotal = this.learners.find((l) => l.lab)?.lab?.exercises.length ?? 0;
        const students = this.learners.map((learner): RosterStudent => {
            const progress = this.progressOf(learner);
            const entries = progress ? Object.values(progress.exercises) : [];
            const lastCheck = latest(...entries.map((e) => e.doneAt));
            return {
                ...(learner.student === undefined ? {} : { student: learner.student }),
                link: `/s/${learner.token}/`,
                seat: this.workstation(learner) && learner.student ? seatStateOf(this.seats.get(learner.student)) : NO_SEAT,
                checks: checksTally(upChecks, isClassSpec(spec) ? learner.student : undefined, learner.checksTotal, learner.verified),
                exercises: { done: entries.filter((e) => e.done).length, total: learner.lab?.exercises.length ?? 0 },
                ...optional("lastActivity", latest(learner.lastActivity, lastCheck)),
                ...optional("busy", learner.busy),
                ...optional("lastAction", learner.lastAction),
            };
        });
        return {
            lab: spec.instance,
            stack,
            mode: spec.mode,
            terminal: this.learners.some((l) => this.workstation(l) !== undefined),
            updatedAt: this.now().toISOString(),
            checksTotal: this.learners[0]?.checksTotal ?? 0,
            exercisesTotal,
            students,
        };
    }

    /** Every learner's grade rows (tools/portal/grades.ts). */
    grades(): GradeRow[] {
        return gradeRows(
            this.learners.flatMap((l) =>
                l.lab
                    ? [
                          {
                              ...(l.student === undefined ? {} : { student: l.student }),
                              exercises: l.lab.exercises,
                              progress: this.progressOf(l) as Progress,
                          },
                      ]
                    : [],
            ),
        );
    }

    /** Tells listeners (the teacher's event streams) that the roster changed, once per burst of changes. */
    private changedSoon(): void {
        if (this.changed) return;
        this.changed = setTimeout(() => {
            this.changed = undefined;
            // Computed once for every listener (each teacher's tab), and not at all without one: it reads every learner's progress file.
            if (this.listenerCount("roster") > 0) this.emit("roster", this.roster());
        }, 50);
    }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
    return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
