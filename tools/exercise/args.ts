import type { Lang } from "../../lab";
import { ArgumentError, parseArgs, stackAndConfig } from "../args";
import { labStack } from "../pulumiCli";
import { parseLang, systemLang } from "./lang";

/** What `npm run exercise -- …` was asked to do. */
export const EXERCISE_COMMANDS = ["list", "show", "check", "solve", "reset", "help"] as const;
export type ExerciseCommandName = (typeof EXERCISE_COMMANDS)[number];

export interface ExerciseArgs {
    command: ExerciseCommandName;
    /** The exercise (show, check, solve; optional for reset). */
    id?: string;
    lang: Lang;
    /** The Pulumi stack whose lab the exercises run on: --stack, else LAB_STACK, else dev. */
    stack: string;
    /** In a class of seats: the student whose exercises these are, done in their workstation. */
    student?: string;
    /** Raw config values overriding the stack's file (as for npm run verify), for a lab made by the live harness. */
    config?: Record<string, string>;
}

export const EXERCISE_USAGE = [
    "usage: npm run exercise [-- COMMAND] [--lang zh|en] [--stack NAME] [--student NAME] [--config JSON]",
    "  (no command)   list the exercises with their state (todo, done)",
    "  show ID        what to do",
    "  check ID       check what you did: ✓, or ✗ with what was expected, what was seen and a hint",
    "  solve ID       run the reference solution, explaining each command",
    "  reset [ID]     remove what the exercises (or one) created, and their progress",
    "  --student NAME in a class of seats: that student's exercises, checked in their workstation",
].join("\n");

const NEEDS_ID: ExerciseCommandName[] = ["show", "check", "solve"];

const EXERCISE_ARGS = {
    options: { lang: "zh|en", stack: "NAME", student: "NAME", config: "JSON" },
    positionals: true,
    help: true,
} as const;

/**
 * Parses the arguments after `npm run exercise --`, by the commands' convention (tools/args.ts):
 * options anywhere, as `--opt VALUE` or `--opt=VALUE`. Throws one clear error for anything it does not know.
 */
export function parseExerciseArgs(argv: string[], env: Record<string, string | undefined>): ExerciseArgs {
    const { options, positionals, help } = parseArgs(argv, EXERCISE_ARGS);
    if (help) return { command: "help", lang: systemLang(env), stack: labStack(env) };
    const lang = options.lang === undefined ? systemLang(env) : parseLang(options.lang);
    const { stack, config } = stackAndConfig(options, env);
    const [word = "list", id, ...extra] = positionals;
    const command = word.toLowerCase() as ExerciseCommandName;
    if (!(EXERCISE_COMMANDS as readonly string[]).includes(command)) {
        throw new ArgumentError(`unknown command ${JSON.stringify(word)}: use list, show ID, check ID, solve ID or reset [ID]`);
    }
    if (NEEDS_ID.includes(command) && id === undefined) {
        throw new ArgumentError(`${command} needs an exercise id: npm run exercise -- ${command} ID (npm run exercise lists them)`);
    }
    if ((command === "list" || command === "help") && id !== undefined) extra.unshift(id);
    if (extra.length > 0) {
        throw new ArgumentError(
            `unexpected argument ${JSON.stringify(extra[0])}: options go after --, e.g. npm run exercise -- show ${id ?? "ID"} --lang zh`,
        );
    }
    return {
        command,
        ...(command !== "list" && command !== "help" && id !== undefined ? { id } : {}),
        lang,
        stack,
        ...(options.student === undefined ? {} : { student: options.student }),
        ...(config ? { config } : {}),
    };
}
