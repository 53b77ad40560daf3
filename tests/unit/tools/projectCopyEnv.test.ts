import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { COPY_CLEARED_VARIABLES, copyEnv, copyPulumiEnv, forgetWorkspace, workspaceFile } from "../../../tools/projectCopyEnv";
import { DEFAULT_PASSPHRASE, DEFAULT_STACK, planInvocation, STATE_DIR } from "../../../tools/pulumiCli";

/** A caller's environment that sets everything that would send a copy's commands elsewhere. */
const DIRTY = {
    PATH: "/usr/bin",
    HOME: "/home/learner",
    PULUMI_HOME: "/home/learner/.pulumi-custom",
    DOCKER_HOST: "unix:///run/docker.sock",
    PULUMI_BACKEND_URL: "s3://someone-elses-bucket",
    PULUMI_CONFIG_PASSPHRASE: "mine",
    PULUMI_CONFIG_PASSPHRASE_FILE: "/home/learner/passphrase",
    LAB_SKIP_PREFLIGHT: "1",
    LAB_STACK: "prod",
    PULUMI_SKIP_UPDATE_CHECK: "false",
    npm_config_update_notifier: "true",
};

describe("the environment of npm run and pulumi in a project copy", () => {
    test("has none of the variables that pick another backend, stack or passphrase, or skip the preflight", () => {
        const clean = copyEnv(DIRTY);
        for (const key of COPY_CLEARED_VARIABLES) expect(clean).not.toHaveProperty(key);
        expect(Object.keys(clean).sort()).toEqual(
            ["DOCKER_HOST", "HOME", "PATH", "PULUMI_HOME", "PULUMI_SKIP_UPDATE_CHECK", "npm_config_update_notifier"].sort(),
        );
    });

    test("keeps the rest of the caller's environment, turns the update checks off, and leaves the caller's object alone", () => {
        const before = { ...DIRTY };
        expect(copyEnv(DIRTY)).toEqual({
            PATH: "/usr/bin",
            HOME: "/home/learner",
            PULUMI_HOME: "/home/learner/.pulumi-custom",
            DOCKER_HOST: "unix:///run/docker.sock",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            npm_config_update_notifier: "false",
        });
        expect(DIRTY).toEqual(before);
    });

    test("clears the caller's extra variables too", () => {
        const clean = copyEnv({ ...DIRTY, PULUMI_DEBUG_COMMANDS: "true", BENCH_LOG: "/tmp/x" }, ["PULUMI_DEBUG_COMMANDS", "BENCH_LOG"]);
        expect(clean).not.toHaveProperty("PULUMI_DEBUG_COMMANDS");
        expect(clean).not.toHaveProperty("BENCH_LOG");
        expect(clean.PATH).toBe("/usr/bin");
        expect(copyEnv({ PULUMI_DEBUG_COMMANDS: "true" })).toHaveProperty("PULUMI_DEBUG_COMMANDS", "true");
    });

    test("npm run up in it plans what a fresh checkout does: the local backend, the default passphrase and stack, the preflight", () => {
        const plan = planInvocation("up", copyEnv(DIRTY));
        const fresh = planInvocation("up", {});
        expect({ stack: plan.stack, preflight: plan.preflight, steps: plan.steps }).toEqual({
            stack: fresh.stack,
            preflight: true,
            steps: fresh.steps,
        });
        expect(plan.stack).toBe(DEFAULT_STACK);
        expect(plan.env.PULUMI_BACKEND_URL).toBe(`file://${STATE_DIR}`);
        expect(plan.env.PULUMI_CONFIG_PASSPHRASE).toBe(DEFAULT_PASSPHRASE);
        expect(plan.env).not.toHaveProperty("PULUMI_CONFIG_PASSPHRASE_FILE");
    });

    test("plain pulumi in it: the CLI's own variables over the caller's, the lab's default passphrase, no backend", () => {
        const env = copyPulumiEnv(copyEnv(DIRTY), { PATH: "/toolchain/bin:/usr/bin", PULUMI_HOME: "/toolchain/home" });
        expect(env).toEqual({
            PATH: "/toolchain/bin:/usr/bin",
            HOME: "/home/learner",
            PULUMI_HOME: "/toolchain/home",
            DOCKER_HOST: "unix:///run/docker.sock",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            npm_config_update_notifier: "false",
            PULUMI_CONFIG_PASSPHRASE: DEFAULT_PASSPHRASE,
        });
        expect(DEFAULT_PASSPHRASE).toBe("docker-lab"); // the passphrase the README names for plain pulumi commands
    });
});

describe("the CLI's workspace file of a project copy", () => {
    // sha1 of "/tmp/docker-lab-copy-abc/Pulumi.yaml", by `printf %s … | sha1sum`.
    const KEY = "c4487445f6104235400d816607d876ec3b6fddd1";
    const DIR = "/tmp/docker-lab-copy-abc";

    test("is <PULUMI_HOME>/workspaces/docker-lab-<sha1 of the Pulumi.yaml path>-workspace.json", () => {
        expect(workspaceFile(DIR, { PULUMI_HOME: "/toolchain/home" }, {}, "/root")).toBe(
            `/toolchain/home/workspaces/docker-lab-${KEY}-workspace.json`,
        );
    });

    test("PULUMI_HOME is the CLI's own, else the caller's, else ~/.pulumi", () => {
        const file = (cliEnv: Record<string, string>, env: Record<string, string>) => workspaceFile(DIR, cliEnv, env, "/home/learner");
        expect(file({ PULUMI_HOME: "/cli" }, { PULUMI_HOME: "/caller" })).toBe(`/cli/workspaces/docker-lab-${KEY}-workspace.json`);
        expect(file({}, { PULUMI_HOME: "/caller" })).toBe(`/caller/workspaces/docker-lab-${KEY}-workspace.json`);
        expect(file({}, {})).toBe(`/home/learner/.pulumi/workspaces/docker-lab-${KEY}-workspace.json`);
    });

    test("differs from one copy to the next", () => {
        expect(workspaceFile("/tmp/docker-lab-copy-abd", {}, {}, "/root")).not.toBe(workspaceFile(DIR, {}, {}, "/root"));
    });

    test("forgetWorkspace removes that file only, and does nothing when there is none", () => {
        const home = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-workspace-test-"));
        try {
            const cliEnv = { PULUMI_HOME: home };
            const mine = workspaceFile(DIR, cliEnv);
            const other = workspaceFile("/tmp/docker-lab-copy-other", cliEnv);
            fs.mkdirSync(path.dirname(mine), { recursive: true });
            fs.writeFileSync(mine, '{"stack":"e2e"}');
            fs.writeFileSync(other, '{"stack":"dev"}');
            forgetWorkspace(DIR, cliEnv);
            expect(fs.readdirSync(path.dirname(mine))).toEqual([path.basename(other)]);
            expect(() => forgetWorkspace(DIR, cliEnv)).not.toThrow();
        } finally {
            fs.rmSync(home, { recursive: true, force: true });
        }
    });
});
