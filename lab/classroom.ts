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
export const ADD_STUDENT_HINT = "pulumi config set --path 'students[0]' alice";

/** Whether `name` is a valid student name. */
export function isStudentName(name: string): boolean {
    return name.length <= STUDENT_NAME_MAX && STUDENT_NAME.test(name);
}

/**
 * The student list from a raw config value, and one problem per bad entry (naming the entry, its
 * value and the rule). The Pulumi CLI hands the program a declared array as JSON text (`["alice","bob"]`);
 * Pulumi.<stack>.yaml and the live harness give a list. Anything else is one problem.
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
        if (typeof entry !== "string") {
            problems.push(
                `students[${index}] = ${JSON.stringify(entry)}: must be a name in quotes; the CLI stores a number unless told otherwise: pulumi config set --path 'students[${index}]' ${JSON.stringify(String(entry))} --type string`,
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
    return { students, problems };
}

/** Where a class's app ports go: each student's first port, and what the class needs and has. */
export interface ClassPortPlan {
    /** First host port of each student's block of `replicas` consecutive ports, in student order. */
    starts: number[];
    /** Ports the class takes from appPort on: students × replicas, plus the registry port when a block skips it. */
    needed: number;
    /** Ports there are from appPort to 65535. */
    available: number;
    /** Whether the registry port falls inside the class's range (so the block holding it and all later ones shift by one). */
    skipsRegistryPort: boolean;
    /** Last port of the last block. */
    last: number;
}

/** The highest port number. */
export const MAX_PORT = 65535;

/**
 * Port blocks of a class: student k (0-based) gets `replicas` consecutive ports starting at
 * appPort + k × replicas; the block that would contain the registry port, and every block after
 * it, moves up by one. Blocks never overlap and never hold the registry port.
 */
export function classPortPlan(appPort: number, replicas: number, registryPort: number, students: number): ClassPortPlan {
    const starts: number[] = [];
    let shift = 0;
    for (let k = 0; k < students; k++) {
        let start = appPort + k * replicas + shift;
        if (shift === 0 && registryPort >= start && registryPort < start + replicas) {
            shift = 1;
            start += 1;
        }
        starts.push(start);
    }
    const needed = students * replicas + shift;
    return {
        starts,
        needed,
        available: MAX_PORT - appPort + 1,
        skipsRegistryPort: shift === 1,
        last: appPort + needed - 1,
    };
}

/** The config problem of a class that does not fit below 65536, or undefined when it fits. */
export function classPortProblem(appPort: number, replicas: number, registryPort: number, students: number): string | undefined {
    const plan = classPortPlan(appPort, replicas, registryPort, students);
    if (plan.last <= MAX_PORT) return undefined;
    const why = `${students} student${students === 1 ? "" : "s"} × ${replicas} replica${replicas === 1 ? "" : "s"}${plan.skipsRegistryPort ? `, plus registryPort ${registryPort} skipped` : ""}`;
    const maxAppPort = MAX_PORT - plan.needed + 1;
    return (
        `students: the class needs ${plan.needed} ports from appPort = ${appPort} (${why}), but there are only ${plan.available} from ${appPort} to ${MAX_PORT}; ` +
        (maxAppPort >= 1 ? `choose appPort <= ${maxAppPort}, fewer replicas or fewer students` : "choose fewer replicas or fewer students")
    );
}
