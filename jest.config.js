// Five suites: `unit` (pure functions and the program under Pulumi mocks), `live` (a real Docker
// engine), `browser` (the lab report in headless Debian chromium), `e2e` (the real Pulumi CLI) and
// `terminal` (npm run exercise in tmux). `npm test` runs all five; tests/live/engine.ts,
// tests/browser/chromium.ts, tests/e2e/gate.ts and tests/terminal/exercise.test.ts decide whether a suite may skip.
const transform = { "^.+\\.ts$": ["ts-jest", { tsconfig: { isolatedModules: true }, diagnostics: false }] };

module.exports = {
    projects: [
        { displayName: "unit", testEnvironment: "node", transform, testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
        {
            displayName: "live",
            testEnvironment: "node",
            transform,
            testMatch: ["<rootDir>/tests/live/**/*.test.ts"],
            globalSetup: "<rootDir>/tests/live/globalSetup.ts",
        },
        { displayName: "browser", testEnvironment: "node", transform, testMatch: ["<rootDir>/tests/browser/**/*.test.ts"] },
        // The real Pulumi CLI through npm run up/down (tests/e2e/gate.ts decides whether it may skip).
        { displayName: "e2e", testEnvironment: "node", transform, testMatch: ["<rootDir>/tests/e2e/**/*.test.ts"] },
        // npm run exercise in a real pseudo-terminal (Debian's tmux; tests/terminal/exercise.test.ts decides whether it may skip).
        { displayName: "terminal", testEnvironment: "node", transform, testMatch: ["<rootDir>/tests/terminal/**/*.test.ts"] },
    ],
};
