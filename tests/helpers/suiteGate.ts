/**
 * Whether a suite that needs something from the machine (an engine, a browser) runs. In CI
 * (CI=true) a missing requirement is a failure, never a skip. Elsewhere the suite skips, with one
 * line saying why and how to fix it.
 *
 * @param name  the suite, e.g. "browser suite"
 * @param why   what is missing, e.g. "/usr/bin/chromium is missing"
 * @param fix   how to get it, e.g. "install Debian's chromium: apt-get install chromium"
 * @returns `describe` when available, else `describe.skip`
 */
export function gate(name: string, available: boolean, why: string, fix: string): jest.Describe {
    if (available) return describe;
    const reason = `${why} (${fix})`;
    if (process.env.CI === "true") throw new Error(`CI=true requires the ${name}, but ${reason}`);
    console.log(`${name} skipped: ${reason}`);
    return describe.skip;
}
