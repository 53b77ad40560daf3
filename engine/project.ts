import * as path from "node:path";

/** The project root, one level above this folder: Pulumi.yaml, app/ and the stack files live there, and every lab command runs there. */
export const PROJECT_ROOT = path.join(__dirname, "..");
/** The project file, Pulumi.yaml, where the config schema is declared. */
export const PROJECT_FILE = path.join(PROJECT_ROOT, "Pulumi.yaml");
