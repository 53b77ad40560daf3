import { labScript } from "../pulumiCli";
import { finding } from "./findings";
import type { DoctorFinding } from "./types";

// How the state's problems become findings: each with the commands that fix it, `npm run up` ending the last.

/** A problem before its message is written: `npm run up` goes on the last one only. */
export interface Fix {
    id: string;
    /** What is wrong, without the fix. */
    text: string;
    /** Words before the commands, e.g. "fix" or "if no update runs on laptop2 any more, fix". */
    lead: string;
    commands: string[];
}

/**
 * The fixes as findings, `npm run up` ending the last: the checkpoint and the lock first, then the notes
 * (`findings`), then what the interrupted update left on the engine.
 */
export function stateFindings(stack: string, fixes: Fix[], findings: DoctorFinding[]): DoctorFinding[] {
    const last = fixes.at(-1);
    // `npm run up` works on LAB_STACK, else the default stack: name any other stack in the command itself.
    if (last) last.commands.push(labScript(stack, "up"));
    const problems = fixes.map((fix) => ({
        ...finding("state", fix.id, false, `${fix.text}: ${fix.lead}: ${fix.commands.join(", then ")}`),
        commands: fix.commands,
    }));
    const first = (f: DoctorFinding) => f.id === "state.checkpoint" || f.id.startsWith("state.lock");
    return [...problems.filter(first), ...findings, ...problems.filter((f) => !first(f))];
}
