import * as fs from "node:fs";
import type { LaunchOptions } from "playwright-core";
import { gate } from "../helpers/suiteGate";

/**
 * The browser suite drives Debian's chromium (never a downloaded browser) through playwright-core.
 * In CI (CI=true) a missing chromium is a failure, never a skip. Elsewhere the suite skips, with
 * one line saying why and how to install it.
 */
const CHROMIUM = "/usr/bin/chromium";

/** `describe` when chromium is installed, else `describe.skip`. */
export const describeBrowser = gate(
    "browser suite",
    fs.existsSync(CHROMIUM),
    `${CHROMIUM} is missing`,
    "install Debian's chromium: apt-get install chromium",
);

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
