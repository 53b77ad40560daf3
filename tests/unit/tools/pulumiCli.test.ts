import * as path from "node:path";
import { DEFAULT_PASSPHRASE, DEFAULT_STACK, planInvocation, STATE_DIR } from "../../../tools/pulumiCli";

describe("npm run up/down/preview", () => {
    test("up selects (or creates) the stack, then runs pulumi up --yes on the local file backend", () => {
        const plan = planInvocation("up", {});
        expect(plan.steps).toEqual([
            ["stack", "select", "--create", DEFAULT_STACK],
            ["up", "--yes", "--skip-preview", "--stack", DEFAULT_STACK],
        ]);
        expect(plan.env.PULUMI_BACKEND_URL).toBe(`file://${STATE_DIR}`);
        expect(STATE_DIR).toBe(path.join(__dirname, "..", "..", "..", ".pulumi-state"));
        expect(plan.env.PULUMI_CONFIG_PASSPHRASE).toBe(DEFAULT_PASSPHRASE);
        expect(plan.preflight).toBe(true);
        expect(plan.verifyAfter).toBe(true);
    });

    test("only up runs the preflight and verify; LAB_SKIP_PREFLIGHT=1 skips the preflight", () => {
        expect(planInvocation("down", {})).toMatchObject({ preflight: false, verifyAfter: false });
        expect(planInvocation("preview", {})).toMatchObject({ preflight: false, verifyAfter: false });
        expect(planInvocation("up", { LAB_SKIP_PREFLIGHT: "1" })).toMatchObject({ preflight: false, verifyAfter: true });
    });

    test("down destroys, preview previews, extra arguments pass through", () => {
        expect(planInvocation("down", {}).steps[1]).toEqual(["destroy", "--yes", "--stack", DEFAULT_STACK]);
        expect(planInvocation("preview", {}, ["--diff"]).steps[1]).toEqual(["preview", "--stack", DEFAULT_STACK, "--diff"]);
    });

    test("the user's passphrase, passphrase file, backend and stack win over the defaults", () => {
        const plan = planInvocation("up", {
            PULUMI_CONFIG_PASSPHRASE: "s3cret",
            PULUMI_BACKEND_URL: "file:///srv/state",
            LAB_STACK: "class-7",
        });
        expect(plan.env.PULUMI_CONFIG_PASSPHRASE).toBe("s3cret");
        expect(plan.env.PULUMI_BACKEND_URL).toBe("file:///srv/state");
        expect(plan.steps[0]).toEqual(["stack", "select", "--create", "class-7"]);
        expect(planInvocation("up", { PULUMI_CONFIG_PASSPHRASE_FILE: "/p" }).env.PULUMI_CONFIG_PASSPHRASE).toBeUndefined();
        expect(planInvocation("up", { PULUMI_CONFIG_PASSPHRASE: "" }).env.PULUMI_CONFIG_PASSPHRASE).toBe("");
    });

    test("an unknown command is rejected with the choices", () => {
        expect(() => planInvocation("deploy", {})).toThrow(/Unknown lab command "deploy": use one of up, down, preview/);
    });
});
