import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../engine";

/**
 * A throw-away copy of the project, for runs of the real Pulumi CLI that must not touch the
 * learner's own lab: its own `.pulumi-state`, its own `Pulumi.<stack>.yaml` and its own `app/` to
 * change. The e2e suite and the benchmark drive `npm run up` / `down` and `pulumi` inside one.
 */

/**
 * What a copy holds: what `npm run up`, `down`, `verify` and `doctor` load, and nothing of the learner's state,
 * reports or tests. rig/ and bench/ stay out: no command a copy runs loads them (scripts/bench.ts is not run there).
 */
export const PROJECT_COPY_ENTRIES = [
    "Pulumi.yaml",
    "package.json",
    "tsconfig.json",
    "tsconfig.pulumi.json",
    "index.ts",
    "app",
    // The seats' workstation image's build context.
    "workstation",
    // Holds only its .gitignore: the backend of Pulumi.yaml needs the folder to exist.
    ".pulumi-state/.gitignore",
    "components",
    "lab",
    "engine",
    "tools",
    "scripts",
] as const;

/**
 * Copies the project into a new temp folder whose name starts with `prefix`, with `node_modules` as
 * a link to the project's own (no install). Returns the folder; remove it with `removeProjectCopy`.
 */
export function copyProject(prefix: string, from: string = PROJECT_ROOT): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    for (const entry of PROJECT_COPY_ENTRIES) {
        fs.mkdirSync(path.dirname(path.join(dir, entry)), { recursive: true });
        fs.cpSync(path.join(from, entry), path.join(dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(from, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}

/** Removes a copy made by `copyProject`; refuses any folder outside the temp folder. */
export function removeProjectCopy(dir: string): void {
    if (path.dirname(path.resolve(dir)) !== path.resolve(os.tmpdir())) {
        throw new Error(`Not a project copy in ${os.tmpdir()}: ${dir}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
}
