import type { Lang } from "../../lab/exercises";
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
    /** Raw config values overriding the stack's file (as for npm run verify), for a lab made by the live harness. */
    config?: Record<string, string>;
}

export const EXERCISE_USAGE = [
    "usage: npm run exercise [-- COMMAND] [--lang zh|en] [--stack NAME] [--config JSON]",
    "  (no command)   list the exercises with their state (todo, done)",
    "  show ID        what to do",
    "  check ID       check what you did: ✓, or ✗ with what was expected, what was seen and a hint",
    "  solve ID       run the reference solution, explaining each command",
    "  reset [ID]     remove what the exercises (or one) created, and their progress",
].join("\n");

const NEEDS_ID: ExerciseCommandName[] = ["show", "check", "solve"];

/**
 * Parses the arguments after `npm run exercise --`. Options may come anywhere, as `--opt VALUE`
 * or `--opt=VALUE`. Throws one clear error for anything it does not know.
 */
export function parseExerciseArgs(argv: string[], env: Record<string, string | undefined>): ExerciseArgs {
    const positional: string[] = [];
    let lang: Lang | undefined;
    let stack = labStack(env);
    let config: Record<string, string> | undefined;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--help" || arg === "-h") return { command: "help", lang: lang ?? systemLang(env), stack };
        if (!arg.startsWith("--")) {
            positional.push(arg);
            continue;
        }
        const eq = arg.indexOf("=");
        const option = eq === -1 ? arg : arg.slice(0, eq);
        if (!["--lang", "--stack", "--config"].includes(option)) {
            throw new Error(`Unknown option ${JSON.stringify(arg)}: use --lang zh|en, --stack NAME, --config JSON (or --help)`);
        }
        const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
        if (value === undefined || value === "")
            throw new Error(`${option} needs a value: ${option} ${option === "--lang" ? "zh" : "VALUE"}`);
        if (option === "--lang") lang = parseLang(value);
        else if (option === "--stack") stack = value;
        else config = parseConfig(value);
    }
    const [word = "list", id, ...extra] = positional;
    const command = word.toLowerCase() as ExerciseCommandName;
    if (!(EXERCISE_COMMANDS as readonly string[]).includes(command)) {
        throw new Error(`Unknown command ${JSON.stringify(word)}: use list, show ID, check ID, solve ID or reset [ID]`);
    }
    if (NEEDS_ID.includes(command) && id === undefined) {
        throw new Error(`${command} needs an exercise id: npm run exercise -- ${command} ID (npm run exercise lists them)`);
    }
    if ((command === "list" || command === "help") && id !== undefined) extra.unshift(id);
    if (extra.length > 0) {
        throw new Error(
            `Unexpected argument ${JSON.stringify(extra[0])}: options go after --, e.g. npm run exercise -- show ${id ?? "ID"} --lang zh`,
        );
    }
    return {
        command,
        ...(command !== "list" && command !== "help" && id !== undefined ? { id } : {}),
        lang: lang ?? systemLang(env),
        stack,
        ...(config ? { config } : {}),
    };
}

function parseConfig(text: string): Record<string, string> {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        value = undefined;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new Error(`--config takes a JSON object such as '{"replicas":"3"}', not ${text}`);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}
