/**
 * A classroom: the rules for student names and the arithmetic of the students' port blocks. Pure;
 * config.ts validates with it and spec.ts lays the class out with it, so both agree by construction.
 */

/** Longest student name: a DNS label, so the name stays usable in hostnames and registry paths. */
export const STUDENT_NAME_MAX = 63;

/**
 * Lowercase letters, digits and `-`, starting and ending with a letter or digit. The end rule is
 * the registry's: a repository path component (`<instance>/<student>/<image>`) may not end with `-`.
 */
const STUDENT_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** What a student name must look like, as the config error says it. */
export const STUDENT_NAME_RULE = `lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${STUDENT_NAME_MAX} characters (for example alice or team-2)`;

/** How a teacher adds a student, as the config errors suggest it. */
export const ADD_STUDENT_HINT = "npm run config -- set --path 'students[0]' alice";

/** Whether `name` is a valid student name. */
export function isStudentName(name: string): boolean {
    return name.length <= STUDENT_NAME_MAX && STUDENT_NAME.test(name);
}

/** How a teacher removes a student without moving anyone else's ports, as the docs and errors say it. */
export const FREE_SEAT_HINT = "npm run config -- set --path 'students[1]' ''";

/**
 * The student list from a raw config value, and one problem per bad entry (naming the entry, its
 * value and the rule). The Pulumi CLI hands the program a declared array as JSON text (`["alice","bob"]`);
 * Pulumi.<stack>.yaml and the live harness give a list. Anything else is one problem.
 *
 * Each position is a seat with its own block of ports. An empty string is a free seat: a student
 * removed that way leaves every later student on their ports (removing the entry itself moves
 * every later student one block down, which replaces their containers).
 */
export function parseStudents(raw: unknown): { students: string[]; problems: string[] } {
    let list: unknown = raw;
    if (typeof raw === "string") {
        const text = raw.trim();
        try {
            list = text === "" ? [] : JSON.parse(text);
        } catch {
            list = raw;
        }
    }
    if (!Array.isArray(list)) {
        return {
            students: [],
            problems: [
                `students = ${JSON.stringify(raw)}: must be a list of student names such as ["alice","bob"]; add one with ${ADD_STUDENT_HINT} (the next with 'students[1]')`,
            ],
        };
    }
    const problems: string[] = [];
    const seen = new Map<string, number>();
    const students = list.map((entry, index) => {
        const name = typeof entry === "string" ? entry : String(entry);
        if (entry === "") return name; // a free seat
        if (typeof entry !== "string") {
            problems.push(
                `students[${index}] = ${JSON.stringify(entry)}: must be a name in quotes; the CLI stores a number unless told otherwise: npm run config -- set --path 'students[${index}]' ${JSON.stringify(String(entry))} --type string`,
            );
        } else if (!isStudentName(entry)) {
            problems.push(
                `students[${index}] = ${JSON.stringify(entry)}: a student name must be ${STUDENT_NAME_RULE}${entry.length > STUDENT_NAME_MAX ? `; this one has ${entry.length}` : ""}`,
            );
        } else if (seen.has(entry)) {
            problems.push(
                `students[${index}] = ${JSON.stringify(entry)}: the same name as students[${seen.get(entry)}]; every student needs a name of their own`,
            );
        }
        if (!seen.has(name)) seen.set(name, index);
        return name;
    });
    if (students.length > 0 && students.every((name) => name === "")) {
        problems.push(
            `students = ${JSON.stringify(students)}: every seat is empty; name a student (${ADD_STUDENT_HINT}), or remove the key for the one-learner lab (npm run config -- rm students)`,
        );
    }
    return { students, problems };
}

/** Where a class's app ports go: each student's first port, and what the class needs and has. */
export interface ClassPortPlan {
    /** First host port of each student's block of `replicas` consecutive ports, in student order. */
    starts: number[];
    /** Ports the class spans from appPort on: students × replicas, plus the ports a block skips to clear the registry port. */
    needed: number;
    /** Ports there are from appPort to 65535. */
    available: number;
    /** How many ports a block skips to clear the registry port (the registry port and any free ones before it); 0 when none. */
    skipped: number;
    /** Last port of the last block. */
    last: number;
}

/** The highest port number. */
export const MAX_PORT = 65535;

/**
 * Port blocks of a class: student k (0-based) gets `replicas` consecutive ports starting at
 * appPort + k × replicas. The block that would contain the registry port starts right after it
 * instead, and every later block moves up as far. Blocks never overlap and never hold the registry
 * port; a student's replica i is always on the block's first port + i.
 */
export function classPortPlan(appPort: number, replicas: number, registryPort: number, students: number): ClassPortPlan {
    const starts: number[] = [];
    let skipped = 0;
    for (let k = 0; k < students; k++) {
        let start = appPort + k * replicas + skipped;
        if (skipped === 0 && registryPort >= start && registryPort < start + replicas) {
            skipped = registryPort - start + 1;
            start = registryPort + 1;
        }
        starts.push(start);
    }
    const needed = students * replicas + skipped;
    return { starts, needed, available: MAX_PORT - appPort + 1, skipped, last: appPort + needed - 1 };
}

/** Ports a class spans from appPort on (students × replicas, plus the ports skipped to clear the registry port), in O(1). */
function classSpan(appPort: number, replicas: number, registryPort: number, students: number): number {
    const plain = students * replicas;
    const inside = registryPort >= appPort && registryPort < appPort + plain;
    return plain + (inside ? ((registryPort - appPort) % replicas) + 1 : 0);
}

/** The highest appPort at which the class fits below 65536, or undefined when none does. */
export function highestFittingAppPort(replicas: number, registryPort: number, students: number): number | undefined {
    // The span is students × replicas plus 0..replicas skipped ports: the answer is at most that far below 65536 - students × replicas.
    const top = MAX_PORT + 1 - students * replicas;
    for (let appPort = top; appPort >= Math.max(1, top - replicas); appPort--) {
        if (appPort + classSpan(appPort, replicas, registryPort, students) - 1 <= MAX_PORT) return appPort;
    }
    return undefined;
}

/** The config problem of a class that does not fit below 65536, or undefined when it fits. */
export function classPortProblem(appPort: number, replicas: number, registryPort: number, students: number): string | undefined {
    const plan = classPortPlan(appPort, replicas, registryPort, students);
    if (plan.last <= MAX_PORT) return undefined;
    const skip =
        plan.skipped === 0
            ? ""
            : plan.skipped === 1
              ? `, plus registryPort ${registryPort}, which a block skips`
              : `, plus ${plan.skipped} ports a block skips to clear registryPort ${registryPort}`;
    const why = `${students} student${students === 1 ? "" : "s"} × ${replicas} replica${replicas === 1 ? "" : "s"}${skip}`;
    const fitting = highestFittingAppPort(replicas, registryPort, students);
    return (
        `students: the class needs ${plan.needed} ports from appPort = ${appPort} (${why}), but there are only ${plan.available} from ${appPort} to ${MAX_PORT}; ` +
        (fitting !== undefined
            ? `the highest appPort this class fits at is ${fitting} (npm run config -- set appPort ${fitting}), or use fewer replicas or fewer students`
            : "use fewer replicas or fewer students")
    );
}
