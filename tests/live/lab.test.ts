import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type CheckResult, docker, PROJECT_ROOT } from "../../engine";
import { FAIL_MARKER, oneLab, PASS_MARKER } from "../../lab";
import { type LiveLab, leftovers, provisionLab, removeLeftovers, teardownLab } from "../../rig";
import { type VerifyReport, verifyLab } from "../../tools";
import { labSpec, replicasOf } from "../helpers/specs";
import { describeLive, liveImages } from "./engine";

// Two labs at once on one engine, from the same spec the Pulumi program uses: the default
// settings (offline images selected through the normal config keys; ports of its own, as the
// learner's own lab on this engine holds the default ones, restarted with the engine) and a second config.
// The default lab is verified through verifyLab, the second through the `npm run verify` script.

/** Runs scripts/verify.ts as `npm run verify -- ARGS --json` does and parses its report. */
function runVerifyScript(stack: string, config: Record<string, string>): { status: number | null; report: VerifyReport; stderr: string } {
    const out = spawnSync(
        process.execPath,
        [
            require.resolve("ts-node/dist/bin"),
            "--transpile-only",
            "scripts/verify.ts",
            "--stack",
            stack,
            "--config",
            JSON.stringify(config),
            "--json",
        ],
        { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 120_000 },
    );
    if (!out.stdout.trim().startsWith("{")) throw new Error(`verify printed no report (exit ${out.status}):\n${out.stderr}`);
    return { status: out.status, report: JSON.parse(out.stdout), stderr: out.stderr };
}

describeLive("two labs provisioned from the spec on a real engine", () => {
    const images = liveImages();
    const secondConfig = { ...images, replicas: "3", appPort: "18080", registryPort: "15000" };
    const specs = {
        defaults: labSpec({ ...images, appPort: "28080", registryPort: "25000" }, "test-default"),
        second: labSpec(secondConfig, "test-second"),
    };
    const labs: Partial<Record<keyof typeof specs, LiveLab>> = {};
    const results: Partial<Record<keyof typeof specs, CheckResult[]>> = {};

    beforeAll(async () => {
        await removeLeftovers(Object.values(specs));
        const [a, b] = await Promise.all([provisionLab(specs.defaults), provisionLab(specs.second)]);
        labs.defaults = a;
        labs.second = b;
        const byLibrary = await verifyLab(a.spec, a.imageRef, { cwd: PROJECT_ROOT, engine: "live test engine" });
        results.defaults = byLibrary.checks.map((c) => c.result);
        const byScript = runVerifyScript("test-second", secondConfig);
        expect(byScript.status).toBe(0);
        results.second = byScript.report.checks.map((c) => c.result);
    });

    afterAll(async () => {
        await removeLeftovers(Object.values(specs));
    });

    test.each(["defaults", "second"] as const)("every lesson check passes on the %s lab", (key) => {
        const failed = (results[key] ?? []).filter((r) => !r.passed);
        expect(failed.map((r) => `${r.id}\n${r.stderr}`)).toEqual([]);
        expect(results[key]).toHaveLength(specs[key].checks.length);
        for (const r of results[key] ?? []) expect(r.stdout.startsWith(`${PASS_MARKER} ${r.id}\n`)).toBe(true);
    });

    test("the pushed image is referenced by digest in the lab's own registry", () => {
        for (const key of ["defaults", "second"] as const) {
            const lab = labs[key] as LiveLab;
            expect(lab.imageRef).toMatch(new RegExp(`^${lab.spec.image.repository.replace(/\./g, "\\.")}@sha256:[a-f0-9]{64}$`));
        }
        expect(labs.defaults?.imageRef.split("@")[0]).not.toBe(labs.second?.imageRef.split("@")[0]);
    });

    test("the two labs run side by side: each replica answers with its own lab id", async () => {
        for (const key of ["defaults", "second"] as const) {
            const spec = specs[key];
            for (const [i, url] of spec.appUrls.entries()) {
                const body = (await (await fetch(`${url}/`)).json()) as Record<string, string>;
                expect(body).toMatchObject({ app: "hellodocker", lab: spec.instance, hostname: replicasOf(spec)[i].name });
            }
        }
    });

    test("replicas run with the spec's security settings", async () => {
        const replica = replicasOf(specs.second)[0];
        const out = await docker([
            "inspect",
            "--format",
            "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{json .HostConfig.CapDrop}} {{json .HostConfig.SecurityOpt}} {{.HostConfig.Memory}}",
            replica.name,
        ]);
        expect(out.stdout.trim()).toBe(
            `${replica.user} true ${JSON.stringify(replica.capDrop)} ${JSON.stringify(replica.securityOpts)} ${(replica.memoryMb ?? 0) * 1024 * 1024}`,
        );
    });

    test("a stopped replica makes exactly its own checks fail, each with a full report", async () => {
        const lab = labs.second as LiveLab;
        const broken = replicasOf(oneLab(lab.spec))[1];
        await docker(["stop", "--time", "1", broken.name]);
        const verify = runVerifyScript("test-second", secondConfig);
        expect(verify.status).toBe(1);
        expect(verify.report.imageRef).toBe(lab.imageRef);
        const failed = verify.report.checks.map((c) => c.result).filter((r) => !r.passed);
        expect(verify.report.failed).toBe(failed.length);
        expect(failed.map((r) => r.id).sort()).toEqual(["01.02-container-ls", "01.02-ps", "02-http-1"]);
        const ps = failed.find((r) => r.id === "01.02-ps") as CheckResult;
        expect(ps.stderr).toContain(`${FAIL_MARKER} 01.02-ps (notes section 01.02: docker ps lists every replica running and healthy)`);
        expect(ps.stderr).toContain("command:  docker ps --filter label=docker-lab.instance=docker-lab-test-second");
        expect(ps.stderr).toContain(`/^${broken.name} Up .*\\(healthy\\)$/`);
        const got = ps.stderr.slice(ps.stderr.indexOf("got:"));
        expect(got).toContain(`${replicasOf(oneLab(lab.spec))[0].name} Up`);
        expect(got).not.toContain(broken.name);
        const http = failed.find((r) => r.id === "02-http-1") as CheckResult;
        expect(http.stderr).toContain(`curl -fsS ${oneLab(lab.spec).appUrls[1]}/`);
        expect(http.stderr).toMatch(/exit status: [1-9]/);
    });

    test("verify wrote the lab report for the lab it checked", () => {
        const html = fs.readFileSync(path.join(PROJECT_ROOT, "lab-report", "index.html"), "utf8");
        const markdown = fs.readFileSync(path.join(PROJECT_ROOT, "lab-report.md"), "utf8");
        for (const text of [html, markdown]) {
            expect(text).toContain(specs.second.instance);
            for (const replica of replicasOf(specs.second)) expect(text).toContain(replica.name);
        }
    });

    test("teardown leaves no container, network, volume or image tag of either lab", async () => {
        for (const spec of Object.values(specs)) {
            await teardownLab(spec);
            expect(await leftovers(spec)).toEqual({ containers: [], networks: [], volumes: [], images: [], tags: [] });
        }
    });
});
