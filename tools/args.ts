import { labStack } from "./pulumiCli";

/**
 * The one argument convention of the lab's commands (npm run verify, doctor, exercise, bench):
 * `--opt VALUE` or `--opt=VALUE` for an option with a value, a flag alone, options anywhere among the
 * words (positionals) of a command that takes any, the last of a repeated option wins, and `-h`/`--help`
 * (where a command has help) anywhere wins over every mistake. A mistake is one line naming the argument
 * and the fix. A value after a space may not start with `--` (it is taken for a forgotten value);
 * `--opt=VALUE` takes any value.
 */

/** A command's options by name (without `--`): the placeholder of the value in messages ("NAME"), or `true` for a flag. */
export type OptionSpecs = Readonly<Record<string, string | true>>;

export interface ArgsSpec<O extends OptionSpecs> {
    options: O;
    /** Whether the command takes words that are not options; without, each is a mistake. */
    positionals?: boolean;
    /** Whether `-h`/`--help` asks for the command's usage. */
    help?: boolean;
}

/** The options given: a value option's value, `true` for a flag; absent when not given. */
export type ParsedOptions<O extends OptionSpecs> = { -readonly [K in keyof O]?: O[K] extends string ? string : true };

export interface ParsedArgs<O extends OptionSpecs> {
    options: ParsedOptions<O>;
    positionals: string[];
    /** `-h` or `--help` was given (only for a spec with `help`); the rest is then not parsed. */
    help: boolean;
}

/** A usage mistake; its message is the one line to show. */
export class ArgumentError extends Error {
    override name = "ArgumentError";
}

const HELP = ["-h", "--help"];

/** The options as a command's messages list them: `--stack NAME, --json (or --help)`. */
export function optionsHint(spec: ArgsSpec<OptionSpecs>): string {
    const options = Object.entries(spec.options).map(([name, value]) => (value === true ? `--${name}` : `--${name} ${value}`));
    return `${options.join(", ")}${spec.help ? " (or --help)" : ""}`;
}

/** Parses `argv` by `spec`; throws an ArgumentError with the first mistake, unless help was asked for. */
export function parseArgs<const O extends OptionSpecs>(argv: readonly string[], spec: ArgsSpec<O>): ParsedArgs<O> {
    const options: Record<string, string | true> = {};
    const positionals: string[] = [];
    let help = false;
    let mistake: string | undefined;
    const fail = (message: string) => {
        mistake ??= message;
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (spec.help && HELP.includes(arg)) help = true;
        else if (!arg.startsWith("-") || arg === "-") {
            if (spec.positionals) positionals.push(arg);
            else fail(`unexpected argument ${JSON.stringify(arg)}: use ${optionsHint(spec)}`);
        } else {
            const eq = arg.indexOf("=");
            const option = eq === -1 ? arg : arg.slice(0, eq);
            const name = option.slice(2);
            const placeholder = option.startsWith("--") && Object.hasOwn(spec.options, name) ? spec.options[name] : undefined;
            if (placeholder === undefined) fail(`unknown option ${JSON.stringify(option)}: use ${optionsHint(spec)}`);
            else if (placeholder === true) {
                if (eq === -1) options[name] = true;
                else fail(`${option} takes no value: ${option}`);
            } else {
                const value = eq === -1 ? argv[i + 1] : arg.slice(eq + 1);
                const forgotten = eq === -1 && (value === undefined || value.startsWith("--"));
                if (forgotten || value === "") fail(`${option} needs a value: ${option} ${placeholder}`);
                else options[name] = value;
                if (eq === -1 && !forgotten) i++;
            }
        }
    }
    if (help) return { options: {}, positionals: [], help };
    if (mistake !== undefined) throw new ArgumentError(mistake);
    return { options: options as ParsedOptions<O>, positionals, help };
}

/** `--config JSON`: a JSON object of raw config values (as `pulumi config` holds them), each value as a string. */
export function parseConfigOption(text: string): Record<string, string> {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        value = undefined;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new ArgumentError(`--config takes a JSON object such as '{"replicas":"3"}', not ${text}`);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** The lab a command works on: `--stack` (else $LAB_STACK, else dev) and `--config` when given. */
export function stackAndConfig(
    options: { stack?: string; config?: string },
    env: Record<string, string | undefined>,
): { stack: string; config?: Record<string, string> } {
    const stack = options.stack ?? labStack(env);
    return options.config === undefined ? { stack } : { stack, config: parseConfigOption(options.config) };
}
