import { DEFAULT_STACK, labStack } from "../pulumiCli";

const USAGE = `usage: npm run doctor [-- --stack NAME] [--json]   (stack default: $LAB_STACK, else ${DEFAULT_STACK})`;

export interface DoctorArgs {
    stack: string;
    json: boolean;
}

export function parseDoctorArgs(argv: string[], env: Record<string, string | undefined>): DoctorArgs | string {
    const args: DoctorArgs = { stack: labStack(env), json: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") args.json = true;
        else if (arg === "--stack" && argv[i + 1] && !argv[i + 1].startsWith("-")) args.stack = argv[++i];
        else if (arg.startsWith("--stack=") && arg.length > "--stack=".length) args.stack = arg.slice("--stack=".length);
        else return `unknown or incomplete argument ${JSON.stringify(arg)}; ${USAGE}`;
    }
    return args;
}
