import * as fs from "node:fs";
import * as path from "node:path";
import { buildLabSpec } from "../../../lab";
import { labConfig } from "../../../tools/stack";

// Every command the notes teach is run by a lesson check (or by one that documents why it runs
// the nearest local equivalent). The commands are read from the notes themselves.

const NOTES = fs.readFileSync(path.join(__dirname, "..", "..", "..", "..", "shared", "seed", "docker-learning-notes.md"), "utf8");
const checks = buildLabSpec(labConfig(), { project: "docker-lab", stack: "dev", appDir: "app" }).checks;

/** Docker commands as the notes write them, typos ("dockere", "dockerimport") normalised. */
function dockerCommandsInNotes(): Set<string> {
    const found = new Set<string>();
    for (const m of NOTES.matchAll(/\bdockere? ?(image |container )?([a-z]+)/g)) {
        const sub = m[2] === "image" || m[2] === "container" ? "" : m[2];
        if (!sub || ["hub", "host", "registry", "daemon"].includes(sub)) continue;
        found.add(`docker ${m[1] ?? ""}${sub}`);
    }
    return found;
}

/** The Linux commands of the notes' "回顾基础Linux操作" block. */
const LINUX_COMMANDS = ["head", "tail", "less", "more", ">", "cat"];

const taught = new Map<string, string[]>();
for (const check of checks) for (const command of check.teaches) taught.set(command, [...(taught.get(command) ?? []), check.id]);

test("the notes' docker commands are found by the extraction (a guard on the regex)", () => {
    const commands = dockerCommandsInNotes();
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

test.each([...dockerCommandsInNotes(), ...LINUX_COMMANDS])("%s from the notes is run by a lesson check", (command) => {
    expect(taught.get(command)).toEqual(expect.arrayContaining([expect.any(String)]));
});

test("the Linux commands listed are in the notes", () => {
    for (const command of LINUX_COMMANDS) expect(NOTES).toContain(command === ">" ? "重定向 >" : command);
});

test("checks teach only commands that are in the notes", () => {
    const known = new Set([...dockerCommandsInNotes(), ...LINUX_COMMANDS]);
    expect([...taught.keys()].filter((c) => !known.has(c))).toEqual([]);
});

test("a check that cannot run the notes' command as written says why and runs a local equivalent", () => {
    const substitutes = checks.filter((c) => c.substitutes);
    expect(substitutes.map((c) => c.substitutes?.notesCommand).sort()).toEqual([
        "docker run -it centos /bin/bash",
        "docker search",
        "less / more",
    ]);
    for (const c of substitutes) {
        expect(NOTES).toContain(c.substitutes?.notesCommand.split(" / ")[0]);
        expect(c.substitutes?.reason.en.length).toBeGreaterThan(30);
    }
});
