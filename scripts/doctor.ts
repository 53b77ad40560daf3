import { DOCTOR_EXIT_CODES, formatFindings, runDoctor } from "../components/doctor";
import { DEFAULT_STACK, PROJECT_ROOT } from "./pulumi";

/**
 * `npm run doctor [-- --stack NAME] [--json]`: checks Node.js, the Docker engine, ports, disk space
 * and images for one stack. Progress goes to stderr, findings to stdout; the exit code says which
 * class of problem was found (see DOCTOR_EXIT_CODES; 1 = usage error or the doctor itself failed).
 */

const USAGE = `usage: npm run doctor [-- --stack NAME] [--json]   (stack default: $LAB_STACK, else ${DEFAULT_STACK})`;

interface Args {
    stack: string;
    json: boolean;
}

export function parseDoctorArgs(argv: string[], env: Record<string, string | undefined>): Args | string {
    const args: Args = { stack: env.LAB_STACK || DEFAULT_STACK, json: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") args.json = true;
        else if (arg === "--stack" && argv[i + 1] && !argv[i + 1].startsWith("-")) args.stack = argv[++i];
        else if (arg.startsWith("--stack=") && arg.length > "--stack=".length) args.stack = arg.slice("--stack=".length);
        else return `unknown or incomplete argument ${JSON.stringify(arg)}; ${USAGE}`;
    }
    return args;
}

async function main(): Promise<number> {
    const args = parseDoctorArgs(process.argv.slice(2), process.env);
    if (typeof args === "string") {
        console.error(args);
        return 1;
    }
    const result = await runDoctor({
        stack: args.stack,
        projectDir: PROJECT_ROOT,
        onProgress: (message) => process.stderr.write(`${message}\n`),
    });
    if (args.json) {
        process.stdout.write(
            `${JSON.stringify({ stack: args.stack, exitCode: result.exitCode, exitCodes: DOCTOR_EXIT_CODES, findings: result.findings }, null, 2)}\n`,
        );
    } else {
        process.stdout.write(`${formatFindings(result.findings)}\n`);
    }
    return result.exitCode;
}

if (require.main === module) {
    main().then(
        (code) => {
            process.exitCode = code;
        },
        (err: unknown) => {
            console.error(`doctor failed: ${err instanceof Error ? err.message : String(err)}`);
            process.exitCode = 1;
        },
    );
}
