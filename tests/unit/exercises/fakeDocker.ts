import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * A `docker` stand-in on PATH for unit tests: answers each call whose arguments match a pattern
 * with canned output (and exit status), and records every call, one line each.
 */
export interface FakeDocker {
    /** Every call's arguments, joined by spaces, in order. */
    calls: () => string[];
    restore: () => void;
}

export interface FakeAnswer {
    /** A shell `case` pattern matched against all arguments joined by spaces. */
    pattern: string;
    stdout?: string;
    stderr?: string;
    status?: number;
}

export function fakeDocker(answers: FakeAnswer[]): FakeDocker {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-fake-docker-"));
    const log = path.join(dir, "calls.log");
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const cases = answers.map(
        (a) => `  ${a.pattern}) printf '%s' ${q(a.stdout ?? "")}; printf '%s' ${q(a.stderr ?? "")} >&2; exit ${a.status ?? 0} ;;`,
    );
    fs.writeFileSync(
        path.join(dir, "docker"),
        ["#!/bin/sh", `printf '%s\\n' "$*" >> ${q(log)}`, 'case "$*" in', ...cases, "  *) exit 0 ;;", "esac", ""].join("\n"),
        { mode: 0o755 },
    );
    const saved = process.env.PATH;
    process.env.PATH = `${dir}${path.delimiter}${saved}`;
    return {
        calls: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : []),
        restore: () => {
            process.env.PATH = saved;
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
