import { IMAGE_DIGEST_PLACEHOLDER, IMAGE_REF_PLACEHOLDER } from "../constants";
import { shellQuote } from "../shell";
import type { CheckContext, Expectation, LessonCheck } from "./types";

const SAFE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._:/@\-[\]]*$/;

/** A function that fills the image placeholders with `imageRef`; rejects references that are not plain `repository@sha256:` ones. */
function imageFiller(imageRef: string): (text: string) => string {
    if (!SAFE_REFERENCE.test(imageRef) || !imageRef.includes("@sha256:")) {
        throw new Error(`Image reference ${JSON.stringify(imageRef)} is not of the form repository@sha256:<digest>`);
    }
    const digest = imageRef.slice(imageRef.indexOf("@") + 1);
    return (s: string) => s.split(IMAGE_REF_PLACEHOLDER).join(imageRef).split(IMAGE_DIGEST_PLACEHOLDER).join(digest);
}

/** Fills the image placeholders of a shell command (e.g. a student's copyImageCommand) with `imageRef`. */
export function resolveImageCommand(command: string, imageRef: string): string {
    return imageFiller(imageRef)(command);
}

/** Fills the image placeholders of a check. Rejects references that are not plain image references. */
export function resolveCheck(check: LessonCheck, ctx: CheckContext): LessonCheck {
    const fill = imageFiller(ctx.imageRef);
    const expect: Expectation = (() => {
        switch (check.expect.kind) {
            case "equals":
                return { kind: "equals", value: fill(check.expect.value) };
            case "containsAll":
                return { kind: "containsAll", values: check.expect.values.map(fill) };
            case "matchesAll":
                return { kind: "matchesAll", patterns: check.expect.patterns.map(fill) };
            case "sameOutputAs":
                return { kind: "sameOutputAs", command: fill(check.expect.command) };
        }
    })();
    return {
        ...check,
        command: fill(check.command),
        expect,
        ...(check.cleanup ? { cleanup: fill(check.cleanup) } : {}),
    };
}

/** Human wording of an expectation, used in failure reports. */
export function describeExpectation(expect: Expectation): string {
    switch (expect.kind) {
        case "equals":
            return `output equal to ${JSON.stringify(expect.value)}`;
        case "containsAll":
            return `output containing ${expect.values.map((v) => JSON.stringify(v)).join(" and ")}`;
        case "matchesAll":
            return `a line matching each of ${expect.patterns.map((p) => `/${p}/`).join(", ")}`;
        case "sameOutputAs":
            return `the same output as \`${expect.command}\``;
    }
}

/** Marker the script prints first on success, so runners can tell check output from noise. */
export const PASS_MARKER = "docker-lab check passed:";
/** Marker of the failure report on stderr. */
export const FAIL_MARKER = "docker-lab check FAILED:";

/**
 * Renders a resolved check as a POSIX shell script. On success it prints the pass marker and the
 * command's output and exits 0; otherwise it prints a report naming the step, the command, what
 * was expected and what came back, and exits 1. Cleanup runs on every exit.
 */
export function renderCheckScript(check: LessonCheck): string {
    const text = JSON.stringify(check);
    if (text.includes(IMAGE_REF_PLACEHOLDER) || text.includes(IMAGE_DIGEST_PLACEHOLDER)) {
        throw new Error(`Check ${check.id} still has image placeholders: call resolveCheck first`);
    }
    const q = shellQuote;
    // In a classroom the id is each student's, so every line that names the check names the student too.
    const who = check.student === undefined ? check.id : `${check.id} for student ${check.student}`;
    const lines: string[] = [`# docker-lab lesson check ${who} (notes section ${check.section}): ${check.title.en}`];
    if (check.registryLogin) {
        lines.push(...registryLoginLines(check, who));
    } else if (check.cleanup) {
        lines.push(`trap ${q(`{ ${check.cleanup} ; } >/dev/null 2>&1`)} EXIT`);
    }
    lines.push(`out=$( { ${check.command} ; } 2>&1 ); status=$?`, "ok=1");
    const expect = check.expect;
    switch (expect.kind) {
        case "equals":
            lines.push(`[ "$out" = ${q(expect.value)} ] || ok=0`);
            break;
        case "containsAll":
            for (const v of expect.values) lines.push(`case "$out" in *${q(v)}*) ;; *) ok=0 ;; esac`);
            break;
        case "matchesAll":
            for (const p of expect.patterns) lines.push(`printf '%s\\n' "$out" | grep -Eq -- ${q(p)} || ok=0`);
            break;
        case "sameOutputAs":
            lines.push(`want=$( { ${expect.command} ; } 2>&1 ) || ok=0`, `[ "$out" = "$want" ] || ok=0`);
            break;
    }
    const expected =
        expect.kind === "sameOutputAs"
            ? `printf '  expected: %s\\n%s\\n' ${q(describeExpectation(expect))} "$want" | sed '2,$s/^/    /'`
            : `printf '  expected: %s\\n' ${q(describeExpectation(expect))}`;
    lines.push(
        `if [ "$status" -eq 0 ] && [ "$ok" -eq 1 ]; then printf '%s %s\\n' ${q(PASS_MARKER)} ${q(who)}; printf '%s\\n' "$out"; exit 0; fi`,
        "{",
        `  printf '%s %s (notes section %s: %s)\\n' ${q(FAIL_MARKER)} ${q(who)} ${q(check.section)} ${q(check.title.en)}`,
        `  printf '  command:  %s\\n' ${q(check.command)}`,
        `  ${expected}`,
        `  printf '  exit status: %s\\n  got:\\n' "$status"`,
        `  printf '%s\\n' "$out" | sed 's/^/    /'`,
        "} >&2",
        "exit 1",
    );
    return `${lines.join("\n")}\n`;
}

/**
 * The lines that log a check in to the lab's registry (registryAuth): a private DOCKER_CONFIG (a
 * fresh temporary folder, so checks running at once and the learner's own ~/.docker/config.json are
 * never touched; DOCKER_HOST still applies), `docker login --password-stdin` fed from the password's
 * environment variable (the script text holds only the variable's name), and at exit the check's
 * cleanup, `docker logout` and the folder's removal. A missing or refused password fails the check
 * with one line naming the cause and the fix.
 */
function registryLoginLines(check: LessonCheck, who: string): string[] {
    const q = shellQuote;
    const login = check.registryLogin as NonNullable<LessonCheck["registryLogin"]>;
    const variable = `$${login.passwordEnv}`;
    const atExit = [
        ...(check.cleanup ? [`{ ${check.cleanup} ; } >/dev/null 2>&1`] : []),
        `docker logout ${q(login.server)} >/dev/null 2>&1`,
        'rm -rf "$DOCKER_CONFIG"',
    ].join("; ");
    const fail = (cause: string) =>
        `{ printf '%s %s (notes section %s: %s)\\n  %s\\n' ${q(FAIL_MARKER)} ${q(who)} ${q(check.section)} ${q(check.title.en)} ${cause} >&2; exit 1; }`;
    const fix =
        "the password is the stack's: npm run -s pulumi -- stack output registryPassword --show-secrets; npm run verify reads it itself";
    return [
        `# logs in to ${login.server} as ${login.user} with a private docker config; the password comes from ${variable}`,
        "DOCKER_CONFIG=$(mktemp -d) || exit 1",
        "export DOCKER_CONFIG",
        `trap ${q(atExit)} EXIT`,
        `[ -n "${variable}" ] || ${fail(q(`the registry ${login.server} requires a login, but ${login.passwordEnv} is empty; ${fix}`))}`,
        `login=$(printf '%s' "${variable}" | docker login --username ${q(login.user)} --password-stdin ${q(login.server)} 2>&1) || ${fail(
            `"$(printf '%s' ${q(`docker login --username ${login.user} --password-stdin ${login.server} failed (a wrong registry password?); ${fix}: `)}; printf '%s' "$login" | tr '\\n' ' ')"`,
        )}`,
    ];
}
