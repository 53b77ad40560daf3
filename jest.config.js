// Two suites: `unit` (pure functions and the program under Pulumi mocks) and `live` (a real
// Docker engine). `npm test` runs both; tests/live/engine.ts decides whether live may skip.
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
    ],
};
