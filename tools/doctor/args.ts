import { ArgumentError, parseArgs, stackAndConfig } from "../args";

export interface DoctorArgs {
    stack: string;
    json: boolean;
}

const DOCTOR_ARGS = { options: { stack: "NAME", json: true } } as const;

/** `npm run doctor` arguments, or the one-line usage mistake. */
export function parseDoctorArgs(argv: string[], env: Record<string, string | undefined>): DoctorArgs | string {
    try {
        const { options } = parseArgs(argv, DOCTOR_ARGS);
        return { stack: stackAndConfig(options, env).stack, json: options.json === true };
    } catch (e) {
        if (e instanceof ArgumentError) return e.message;
        throw e;
    }
}
