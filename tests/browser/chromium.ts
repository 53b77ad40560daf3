import * as fs from "node:fs";
import type { LaunchOptions } from "playwright-core";

/**
 * The browser suite drives Debian's chromium (never a downloaded browser) through playwright-core.
 * In CI (CI=true) a missing chromium is a failure, never a skip. Elsewhere the suite skips, with
 * one line saying why and how to install it.
 */
export const CHROMIUM = "/usr/bin/chromium";

export const chromiumPresent = fs.existsSync(CHROMIUM);
if (!chromiumPresent) {
    const why = `${CHROMIUM} is missing (install Debian's chromium: apt-get install chromium)`;
    if (process.env.CI === "true") throw new Error(`CI=true requires the browser suite, but ${why}`);
    console.log(`browser suite skipped: ${why}`);
}

/** `describe` when chromium is installed, else `describe.skip`. */
export const describeBrowser = chromiumPresent ? describe : describe.skip;

/** Headless, and nothing that reaches the network on its own (updates, sync, QUIC probes). */
export const LAUNCH_OPTIONS: LaunchOptions = {
    executablePath: CHROMIUM,
    headless: true,
    args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ],
};
