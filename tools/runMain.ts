/**
 * The end of every script in scripts/: runs the command and sets process.exitCode to what it
 * returns; an error it throws is printed as one line (after `errorPrefix`) and exits `errorExitCode`.
 */
export function runMain(main: () => Promise<number>, options: { errorPrefix?: string; errorExitCode?: number } = {}): void {
    main().then(
        (code) => {
            process.exitCode = code;
        },
        (err: unknown) => {
            console.error(`${options.errorPrefix ?? ""}${err instanceof Error ? err.message : String(err)}`);
            process.exitCode = options.errorExitCode ?? 1;
        },
    );
}
