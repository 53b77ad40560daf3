// Three suites: `unit` (pure functions and the program under Pulumi mocks), `live` (a real Docker
// engine) and `browser` (the lab report in headless Debian chromium). `npm test` runs all three;
// tests/live/engine.ts and tests/browser/chromium.ts decide whether a suite may skip.
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
    ],
};
