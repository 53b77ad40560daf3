import * as fs from "node:fs";
import * as path from "node:path";

// Imported first by the policy tests: without the pack's own dependencies they fail with this one line.
const sdk = path.join(__dirname, "..", "..", "..", "policy", "node_modules", "@pulumi", "policy", "package.json");
if (!fs.existsSync(sdk)) {
    throw new Error(`The policy pack's dependencies are not installed (${sdk} is missing); fix: npm ci --prefix policy`);
}
