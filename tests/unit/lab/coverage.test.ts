import * as fs from "node:fs";
import * as path from "node:path";
import { buildLabSpec } from "../../../lab";
import { labConfig } from "../../../tools/stack";
import { describeWithNotes, NOTES } from "../../helpers/notes";

// Every command the notes teach is run by a lesson check (or by one that documents why it runs
// the nearest local equivalent). The README's table of the notes' commands is the repository's own
// record of them, so these tests run on it in any clone; with the notes at hand the table is also
// compared with the notes themselves.

const README = fs.readFileSync(path.join(__dirname, "..", "..", "..", "README.md"), "utf8");
const checks = buildLabSpec(labConfig(), { project: "docker-lab", stack: "dev", appDir: "app" }).checks;

/** `docker image ls`, `docker images -f x` → `docker image ls`, `docker images`: the command without its arguments. */
function dockerCommand(text: string): string | undefined {
    const m = /^dockere? ?(image |container )?([a-z]+)/.exec(text);
    if (!m) return undefined;
    return m[2] === "image" || m[2] === "container" ? undefined : `docker ${m[1] ?? ""}${m[2]}`;
}

/** The first column of the README's "Every command of the notes" table, one cell per row. */
function readmeCommandCells(readme: string): string[] {
    const section = readme.split(/^### Every command of the notes$/m)[1]?.split(/^#{2,3} /m)[0] ?? "";
    return section
        .split("\n")
        .filter((line) => line.startsWith("| ") && !/^\| (command in the notes|---)/.test(line))
        .map((line) => line.split("|")[1].trim());
}

/** The commands a cell names in backticks: docker commands without arguments, other commands by their first word. */
function commandsOfCell(cell: string): string[] {
    return [...cell.matchAll(/`([^`]+)`/g)].map((m) => dockerCommand(m[1]) ?? m[1].split(" ")[0]);
}

const recorded = new Set(readmeCommandCells(README).flatMap(commandsOfCell));

/** Docker commands as the notes write them, typos ("dockere", "dockerimport") normalised. */
function dockerCommandsIn(notes: string): Set<string> {
    const found = new Set<string>();
    for (const m of notes.matchAll(/\bdockere? ?(image |container )?([a-z]+)/g)) {
        const command = dockerCommand(m[0]);
        if (command && !["hub", "host", "registry", "daemon"].some((word) => command.endsWith(` ${word}`))) found.add(command);
    }
    return found;
}

const taught = new Map<string, string[]>();
for (const check of checks) for (const command of check.teaches) taught.set(command, [...(taught.get(command) ?? []), check.id]);

test("the README's table of the notes' commands is found and read (a guard on the parser)", () => {
    expect(commandsOfCell("`docker images -f`, `docker container ls`, `head -n 2`, `>` and `less` / `more`")).toEqual([
        "docker images",
        "docker container ls",
        "head",
        ">",
        "less",
        "more",
    ]);
    for (const expected of ["docker image ls", "docker run", "docker image rm", "docker rmi", "docker exec", "cat", ">", "more"]) {
        expect(recorded).toContain(expected);
    }
});

test.each([...recorded])("%s, a command of the notes (README), is run by a lesson check", (command) => {
    expect(taught.get(command)).toEqual(expect.arrayContaining([expect.any(String)]));
});

test("checks teach only commands the README records as the notes'", () => {
    expect([...taught.keys()].filter((c) => !recorded.has(c))).toEqual([]);
});

test("a check that cannot run the notes' command as written says why and runs a local equivalent", () => {
    const substitutes = checks.filter((c) => c.substitutes);
    expect(substitutes.map((c) => c.substitutes?.notesCommand).sort()).toEqual([
        "docker run -it centos /bin/bash",
        "docker search",
        "less / more",
    ]);
    const cells = readmeCommandCells(README).map((cell) => cell.replace(/`/g, ""));
    for (const c of substitutes) {
        expect(cells.some((cell) => cell.includes(c.substitutes?.notesCommand ?? "?"))).toBe(true);
        expect(c.substitutes?.reason.en.length).toBeGreaterThan(30);
    }
});

describeWithNotes()("the README's record against the notes themselves", () => {
    const notes = NOTES ?? "";

    test("the notes' docker commands are found by the extraction (a guard on the regex)", () => {
        const commands = dockerCommandsIn(notes);
        for (const expected of [
            "docker image ls",
            "docker pull",
            "docker run",
            "docker image rm",
            "docker images",
            "docker import",
            "docker rmi",
            "docker container ls",
            "docker exec",
        ]) {
            expect(commands).toContain(expected);
        }
    });

    test("the README records exactly the notes' docker commands", () => {
        expect([...recorded].filter((c) => c.startsWith("docker ")).sort()).toEqual([...dockerCommandsIn(notes)].sort());
    });

    test("the other commands the README records are in the notes", () => {
        const others = [...recorded].filter((c) => !c.startsWith("docker "));
        expect(others.length).toBeGreaterThan(0);
        for (const command of others) expect(notes).toContain(command === ">" ? "重定向 >" : command);
    });

    test("the commands the substituting checks cannot run as written are the notes' own", () => {
        for (const c of checks.filter((check) => check.substitutes)) expect(notes).toContain(c.substitutes?.notesCommand.split(" / ")[0]);
    });
});
