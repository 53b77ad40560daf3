import { labExercises } from "../../../lab";
import { emptyProgress, recordCheck } from "../../../tools/exercise";
import { GRADE_COLUMNS, gradeRows, gradesCsv, gradesJson, ONE_LEARNER } from "../../../tools/portal";
import { classSpec } from "../../helpers/specs";

describe("the grades export", () => {
    const spec = classSpec({ mode: "seats", students: ["alice", "bob"] }, "class");
    const exercises = labExercises(spec, "class", "alice");
    const [first, second] = exercises;
    let alice = emptyProgress("class", "alice");
    alice = recordCheck(alice, first.id, false, new Date("2026-12-05T10:00:00Z"));
    alice = recordCheck(alice, first.id, true, new Date("2026-12-05T10:05:00Z"));
    alice = recordCheck(alice, second.id, false, new Date("2026-12-05T10:06:00Z"));
    const rows = gradeRows([
        { student: "alice", exercises, progress: alice },
        { student: "bob", exercises: labExercises(spec, "class", "bob"), progress: emptyProgress("class", "bob") },
    ]);

    test("one row per student and exercise, in class order, then the notes' order", () => {
        expect(rows).toHaveLength(2 * exercises.length);
        expect(rows.slice(0, exercises.length).map((r) => r.exercise)).toEqual(exercises.map((e) => e.id));
        expect(rows[exercises.length].student).toBe("bob");
        expect(rows[0]).toEqual({
            student: "alice",
            exercise: first.id,
            section: first.section,
            state: "done",
            firstPassedAt: "2026-12-05T10:05:00.000Z",
            attempts: 2,
            solvedByReference: false,
        });
        expect(rows[1]).toMatchObject({ state: "attempted", firstPassedAt: "", attempts: 1 });
        expect(rows[2]).toMatchObject({ state: "todo", firstPassedAt: "", attempts: 0 });
        expect(gradeRows([{ exercises: [first], progress: emptyProgress("dev") }])[0].student).toBe(ONE_LEARNER);
    });

    test("CSV: the documented header, CRLF lines, one line per row", () => {
        const csv = gradesCsv(rows);
        const lines = csv.split("\r\n");
        expect(lines[0]).toBe("student,exercise,section,state,firstPassedAt,attempts,solvedByReference");
        expect(lines[0].split(",")).toEqual(GRADE_COLUMNS);
        expect(lines[1]).toBe(`alice,${first.id},${first.section},done,2026-12-05T10:05:00.000Z,2,false`);
        expect(lines).toHaveLength(rows.length + 2);
        expect(lines[lines.length - 1]).toBe("");
    });

    test("CSV quotes commas, quotes and line breaks, and defuses spreadsheet formulas", () => {
        const row = { ...rows[0], student: 'o"neil, jr\nx' };
        expect(gradesCsv([row]).split("\r\n")[1]).toMatch(/^"o""neil, jr\nx",/);
        expect(gradesCsv([{ ...rows[0], student: "=HYPERLINK(1)" }]).split("\r\n")[1]).toMatch(/^'=HYPERLINK\(1\),/);
        expect(gradesCsv([{ ...rows[0], student: "@x" }]).split("\r\n")[1]).toMatch(/^'@x,/);
    });

    test("JSON: the lab, the stack, the time, the columns and the same rows", () => {
        const parsed = JSON.parse(gradesJson(rows, { lab: spec.instance, stack: "class", exportedAt: "2026-12-05T11:00:00.000Z" }));
        expect(parsed).toEqual({
            lab: spec.instance,
            stack: "class",
            exportedAt: "2026-12-05T11:00:00.000Z",
            columns: GRADE_COLUMNS,
            rows,
        });
    });
});
