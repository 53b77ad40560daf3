import * as fs from "node:fs";
import * as os from "node:os";
import { runProcess, runShellCommand, stdoutOf } from "../../../engine";

describe("the process runner (engine/shell.ts)", () => {
    test("gives the exit status, stdout and stderr apart, and both interleaved as they came", async () => {
        const run = await runShellCommand("echo one; sleep 0.05; echo two >&2; sleep 0.05; echo three; exit 3");
        expect(run).toEqual({ status: 3, stdout: "one\nthree\n", stderr: "two\n", output: "one\ntwo\nthree\n" });
    });

    test("runs in cwd with env added to this process's environment", async () => {
        const run = await runShellCommand('pwd; echo "$LAB_TEST_VALUE"; test -n "$PATH" && echo path', {
            cwd: os.tmpdir(),
            env: { LAB_TEST_VALUE: "a b" },
        });
        expect(run.stdout.split("\n")).toEqual([fs.realpathSync(os.tmpdir()), "a b", "path", ""]);
    });

    test("hands each line to onLine as it comes, the unterminated last one at the end", async () => {
        const lines: string[] = [];
        const run = await runShellCommand("printf 'a\\r\\nb\\n'; printf 'c' >&2; sleep 0.05; printf 'd'", { onLine: (l) => lines.push(l) });
        expect(lines).toEqual(["a", "b", "cd"]);
        expect(run.output).toBe("a\r\nb\ncd");
    });

    test("keeps a character whole when the process writes it in two parts", async () => {
        const run = await runShellCommand("printf '\\342'; sleep 0.05; printf '\\202\\254\\n'");
        expect(run.stdout).toBe("€\n");
    });

    test("runs a program without a shell, and rejects only when it cannot start", async () => {
        expect((await runProcess("printf", ["%s|", "a b", "$HOME"])).stdout).toBe("a b|$HOME|");
        await expect(runProcess("/nonexistent/program", [])).rejects.toThrow(/ENOENT/);
    });

    test("stdoutOf gives stdout, or throws with what failed and its stderr or exit status", async () => {
        await expect(stdoutOf("/bin/sh", ["-c", "echo out"], "saying out")).resolves.toBe("out\n");
        await expect(stdoutOf("/bin/sh", ["-c", "echo why >&2; exit 2"], "Doing x")).rejects.toThrow(/^Doing x failed: why$/);
        await expect(stdoutOf("/bin/sh", ["-c", "exit 4"], "Doing y")).rejects.toThrow(/^Doing y failed: exit status 4$/);
        await expect(stdoutOf("/nonexistent/program", [], "Running it")).rejects.toThrow(/^Running it failed: .*ENOENT/);
    });
});
