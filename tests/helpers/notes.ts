import * as fs from "node:fs";
import * as path from "node:path";
import { gate } from "./suiteGate";

/**
 * The Docker study notes the lab is made from are not part of the repository. The tests that compare
 * the lab with them read the file DOCKER_LAB_NOTES names (absolute, or relative to the project root).
 */
const ROOT = path.join(__dirname, "..", "..");
const DEFAULT_NOTES = path.join("..", "shared", "seed", "docker-learning-notes.md");

export const NOTES_FILE = path.resolve(ROOT, process.env.DOCKER_LAB_NOTES || DEFAULT_NOTES);

/** The notes' text, or undefined when the file is absent. */
export const NOTES: string | undefined = fs.existsSync(NOTES_FILE) ? fs.readFileSync(NOTES_FILE, "utf8") : undefined;

/**
 * `describe` for the comparisons with the notes. Without the file they skip with one line; under
 * CI=true they fail instead, since CI has the notes and a skip there would hide drift from them.
 */
export function describeWithNotes(): jest.Describe {
    return gate("comparison with the notes", NOTES !== undefined, `${NOTES_FILE} is missing`, "set DOCKER_LAB_NOTES to the notes file");
}
