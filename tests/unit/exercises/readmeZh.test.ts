import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../../engine";
import { CONFIG_KEYS, labExercises, NOTES_SECTIONS } from "../../../lab";
import { labSpec } from "../../helpers/specs";

// README.zh-CN.md keeps up with the code: every config key and every exercise, each under its notes section.

const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.zh-CN.md"), "utf8");
const rows = readme.split("\n").filter((line) => line.startsWith("| "));

test("every config key has a row", () => {
    for (const key of CONFIG_KEYS) expect(rows.some((row) => row.startsWith(`| \`${key}\` |`))).toBe(true);
});

test("every exercise has a row in the exercise table, after its notes section's first row", () => {
    const exercises = labExercises(labSpec({}, "dev"), "dev");
    const table = rows.filter((row) => /^\| (0[0-9.]+)( |$)/.test(row));
    expect(table.map((row) => /`([^`]+)`/.exec(row)?.[1])).toEqual(exercises.map((e) => e.id));
    for (const e of exercises) {
        const first = table.findIndex((row) => row.startsWith(`| ${e.section}`));
        expect(table[first]).toContain(NOTES_SECTIONS[e.section]);
        expect(table.findIndex((row) => row.includes(`\`${e.id}\``))).toBeGreaterThanOrEqual(first);
    }
});
