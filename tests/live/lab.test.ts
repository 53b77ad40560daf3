import { type CheckResult, FAIL_MARKER, PASS_MARKER, runChecks } from "../../components";
import { describeLive, liveImages, liveSpec } from "./engine";
import { docker, type LiveLab, leftovers, PROJECT_ROOT, provisionLab, removeLeftovers, teardownLab } from "./harness";

// Two labs at once on one engine, from the same spec the Pulumi program uses: the default
// settings (offline images selected through the normal config keys) and a second config.

describeLive("two labs provisioned from the spec on a real engine", () => {
    const images = liveImages();
    const specs = {
        defaults: liveSpec({ ...images }, "test-default"),
        second: liveSpec({ ...images, replicas: "3", appPort: "18080", registryPort: "15000" }, "test-second"),
    };
    const labs: Partial<Record<keyof typeof specs, LiveLab>> = {};
    const results: Partial<Record<keyof typeof specs, CheckResult[]>> = {};

    beforeAll(async () => {
        await removeLeftovers(Object.values(specs));
        const [a, b] = await Promise.all([provisionLab(specs.defaults), provisionLab(specs.second)]);
        labs.defaults = a;
        labs.second = b;
        for (const key of ["defaults", "second"] as const) {
            const lab = labs[key] as LiveLab;
            results[key] = await runChecks(lab.spec.checks, { imageRef: lab.imageRef }, { cwd: PROJECT_ROOT, env: lab.spec.commandEnv });
        }
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
                expect(body).toMatchObject({ app: "hellodocker", lab: spec.instance, hostname: spec.replicas[i].name });
            }
        }
    });

    test("replicas run with the spec's security settings", async () => {
        const replica = specs.second.replicas[0];
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
        const broken = lab.spec.replicas[1];
        await docker(["stop", "--time", "1", broken.name]);
        const after = await runChecks(lab.spec.checks, { imageRef: lab.imageRef }, { cwd: PROJECT_ROOT });
        const failed = after.filter((r) => !r.passed);
        expect(failed.map((r) => r.id).sort()).toEqual(["01.02-container-ls", "01.02-ps", "02-http-1"]);
        const ps = failed.find((r) => r.id === "01.02-ps") as CheckResult;
        expect(ps.stderr).toContain(`${FAIL_MARKER} 01.02-ps (notes section 01.02: docker ps lists every replica running and healthy)`);
        expect(ps.stderr).toContain("command:  docker ps --filter label=docker-lab.instance=docker-lab-test-second");
        expect(ps.stderr).toContain(`/^${broken.name} Up .*\\(healthy\\)$/`);
        const got = ps.stderr.slice(ps.stderr.indexOf("got:"));
        expect(got).toContain(`${lab.spec.replicas[0].name} Up`);
        expect(got).not.toContain(broken.name);
        const http = failed.find((r) => r.id === "02-http-1") as CheckResult;
        expect(http.stderr).toContain(`curl -fsS ${lab.spec.appUrls[1]}/`);
        expect(http.stderr).toMatch(/exit status: [1-9]/);
    });

    test("teardown leaves no container, network, volume or image tag of either lab", async () => {
        for (const spec of Object.values(specs)) {
            await teardownLab(spec);
            expect(await leftovers(spec)).toEqual({ containers: [], networks: [], volumes: [], images: [], tags: [] });
        }
    });
});
