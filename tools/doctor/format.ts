import { DOCTOR_EXIT_CODES, type DoctorFinding, exitCodeOf, isProblem } from "./types";

/** Collapses whitespace (stderr of docker is often several lines) and shortens to `max` characters. */
export function oneLine(text: string, max = 160): string {
    const line = text.replace(/\s+/g, " ").trim();
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The end of a docker error chain ("a: b: c: no such host" → "c: no such host"), for a short reason. */
export function shortReason(stderr: string): string {
    const first = stderr.split("\n").find((l) => l.trim()) ?? "";
    const parts = first.trim().split(": ");
    return oneLine(parts.slice(-2).join(": "), 140);
}

/** Human-readable size: 512 MiB, 3.2 GiB. */
export function formatBytes(bytes: number): string {
    if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
    return `${Math.floor(bytes / 1024 ** 2)} MiB`;
}

/**
 * One line per finding ("✓ ", or "✗ " for a problem and for checks skipped because of one), then a summary
 * line with the number of problems (skipped checks are not counted) and the exit code.
 */
export function formatFindings(findings: DoctorFinding[], options: { problemsOnly?: boolean } = {}): string {
    const shown = options.problemsOnly ? findings.filter((f) => !f.ok) : findings;
    const lines = shown.map((f) => `${f.ok ? "✓" : "✗"} ${f.message}`);
    const problems = findings.filter(isProblem);
    if (problems.length === 0) {
        lines.push(`doctor: all ${findings.length} checks passed; exit code 0`);
    } else {
        const classes = [...new Set(problems.map((f) => f.klass))].sort((a, b) => DOCTOR_EXIT_CODES[a] - DOCTOR_EXIT_CODES[b]);
        const code = exitCodeOf(findings);
        lines.push(
            `doctor: ${problems.length} problem${problems.length === 1 ? "" : "s"} (${classes.join(", ")}); exit code ${code} (${classes[0]})`,
        );
    }
    return lines.join("\n");
}
