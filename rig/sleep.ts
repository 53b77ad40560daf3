/** Resolves after `ms` milliseconds: the pause between two polls of an engine, a node or an app. */
export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
