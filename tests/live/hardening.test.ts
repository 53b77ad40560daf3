import { docker, dockerOk } from "../../engine";
import { type ContainerSpec, OFFLINE_IMAGES } from "../../lab";
import { type LiveLab, leftovers, provisionLab, removeLeftovers, teardownLab } from "../../rig";
import { labConfig } from "../../tools/stack";
import { labSpec, replicasOf } from "../helpers/specs";
import { describeLive, liveImages } from "./engine";

// CIS Docker Benchmark section 5 (container runtime) on a running lab: every container, the
// registry included, is inspected on the engine and its settings in effect compared with the spec.

const MIB = 1024 * 1024;
const ROOT_USERS = ["", "0", "root", "0:0", "root:root"];

/** The parts of `docker inspect` that section 5 looks at. */
interface Inspected {
    Config: { User: string };
    HostConfig: {
        Memory: number;
        MemorySwap: number;
        CpuShares: number;
        PidsLimit: number | null;
        ReadonlyRootfs: boolean;
        Tmpfs: Record<string, string> | null;
        CapAdd: string[] | null;
        CapDrop: string[] | null;
        SecurityOpt: string[] | null;
        RestartPolicy: { Name: string; MaximumRetryCount: number };
        PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
        Privileged: boolean;
        NetworkMode: string;
        PidMode: string;
        IpcMode: string;
        UTSMode: string;
        UsernsMode: string;
        Devices: unknown[] | null;
    };
    Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
}

async function inspect(name: string, env: Record<string, string>): Promise<Inspected> {
    return (JSON.parse(await dockerOk(["inspect", name], `inspecting ${name}`, env)) as Inspected[])[0];
}

/** Runs `sh -c SCRIPT` in the container and returns its exit status and output. */
async function execIn(name: string, script: string, env: Record<string, string>) {
    const r = await docker(["exec", name, "sh", "-c", script], env);
    return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

describeLive("CIS section 5 on every container of a running lab", () => {
    const images = liveImages();
    const config = { ...images, replicas: "2", appPort: "19180", registryPort: "19100" };
    const spec = labSpec(config, "test-hardening");
    const bindAddress = labConfig(config).bindAddress;
    const env = spec.commandEnv;
    const containers: ContainerSpec[] = [spec.registry.container, ...replicasOf(spec)];
    const inspected = new Map<string, Inspected>();
    let lab: LiveLab;

    beforeAll(async () => {
        await removeLeftovers([spec]);
        lab = await provisionLab(spec);
        for (const c of containers) inspected.set(c.name, await inspect(c.name, env));
    });

    afterAll(async () => {
        await removeLeftovers([spec]);
    });

    const each = test.each(containers.map((c) => [c.name, c] as const));

    each("%s: memory limited without swap, CPU share and PIDs limit as the spec says", (_name, c) => {
        const h = (inspected.get(c.name) as Inspected).HostConfig;
        expect({ Memory: h.Memory, MemorySwap: h.MemorySwap, CpuShares: h.CpuShares, PidsLimit: h.PidsLimit }).toEqual({
            Memory: c.memoryMb * MIB,
            MemorySwap: c.memorySwapMb * MIB,
            CpuShares: c.cpuShares,
            PidsLimit: c.pidsLimit,
        });
        expect(h.MemorySwap).toBe(h.Memory);
        expect(h.Memory).toBeGreaterThan(0);
        expect([0, 1024]).not.toContain(h.CpuShares);
        expect(h.PidsLimit).toBeGreaterThan(0);
    });

    each("%s: the kernel enforces the PIDs and memory limits (cgroup files inside the container)", async (_name, c) => {
        // cgroup v2 has one file per controller at the root; v1 a folder per controller.
        const pids = await execIn(c.name, "cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max", env);
        expect(pids).toEqual({ status: 0, out: String(c.pidsLimit) });
        const memory = await execIn(
            c.name,
            "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes",
            env,
        );
        expect(memory).toEqual({ status: 0, out: String(c.memoryMb * MIB) });
    });

    each("%s: read-only root; only its volumes and the /tmp tmpfs are writable", async (_name, c) => {
        const i = inspected.get(c.name) as Inspected;
        expect(i.HostConfig.ReadonlyRootfs).toBe(c.readOnlyRootFilesystem);
        expect(c.readOnlyRootFilesystem).toBe(true);
        expect(i.HostConfig.Tmpfs).toEqual(c.tmpfs);
        expect(i.Mounts.filter((m) => m.Type !== "tmpfs").map((m) => ({ Type: m.Type, Name: m.Name, Destination: m.Destination }))).toEqual(
            c.volumes.map((v) => ({ Type: "volume", Name: v.volumeName, Destination: v.containerPath })),
        );
        expect(i.Mounts.some((m) => m.Source.endsWith("docker.sock"))).toBe(false);
        const root = await execIn(c.name, "touch /hardening-probe", env);
        expect(root.status).not.toBe(0);
        expect(root.out).toMatch(/read-only file system/i);
        for (const dir of [...Object.keys(c.tmpfs), ...c.volumes.map((v) => v.containerPath)]) {
            expect({ dir, ...(await execIn(c.name, `touch ${dir}/hardening-probe && rm ${dir}/hardening-probe`, env)) }).toEqual({
                dir,
                status: 0,
                out: "",
            });
        }
        // noexec on /tmp: a file written there cannot be run.
        const exec = await execIn(c.name, "printf '#!/bin/sh\\necho ran\\n' > /tmp/x && chmod +x /tmp/x && /tmp/x", env);
        expect(exec.status).not.toBe(0);
        expect(exec.out).not.toContain("ran");
    });

    each("%s: no capabilities, no new privileges, not privileged, no host namespaces or devices", (_name, c) => {
        const h = (inspected.get(c.name) as Inspected).HostConfig;
        expect(h.CapDrop).toEqual(c.capDrop);
        expect(h.CapDrop).toEqual(["ALL"]);
        expect(h.CapAdd ?? []).toEqual([]);
        expect(h.SecurityOpt).toEqual(c.securityOpts);
        expect(h.SecurityOpt).toContain("no-new-privileges:true");
        expect(h.Privileged).toBe(false);
        expect(h.NetworkMode).toBe(spec.network.name);
        for (const mode of [h.PidMode, h.IpcMode, h.UTSMode, h.UsernsMode]) expect(mode).not.toBe("host");
        expect(h.Devices ?? []).toEqual([]);
    });

    each("%s: restart unless-stopped with no retry count (CIS 5.15), ports bound to the bind address only", (_name, c) => {
        const h = (inspected.get(c.name) as Inspected).HostConfig;
        expect(h.RestartPolicy).toEqual({ Name: "unless-stopped", MaximumRetryCount: 0 });
        expect(c.restartPolicy).toBe("unless-stopped");
        const bindings = Object.entries(h.PortBindings).flatMap(([port, list]) => list.map((b) => ({ port, ...b })));
        expect(bindings).toEqual(c.ports.map((p) => ({ port: `${p.internal}/tcp`, HostIp: p.ip, HostPort: String(p.external) })));
        for (const b of bindings) expect(b.HostIp).toBe(bindAddress);
    });

    test("every container runs as a non-root user: the app as the spec's, the registry as its image's", async () => {
        for (const r of replicasOf(spec)) {
            const user = (inspected.get(r.name) as Inspected).Config.User;
            expect(user).toBe(r.user);
            expect(ROOT_USERS).not.toContain(user);
            expect((await execIn(r.name, "id -u", env)).out).toBe((r.user as string).split(":")[0]);
        }
        const registry = spec.registry.container;
        expect(registry.user).toBeUndefined();
        const imageUser = (await dockerOk(["image", "inspect", "--format", "{{.Config.User}}", spec.registry.image], "", env)).trim();
        expect((inspected.get(registry.name) as Inspected).Config.User).toBe(imageUser);
        if (spec.registry.image === OFFLINE_IMAGES.registryImage) {
            // The offline image declares the registry user; the official registry:2 declares none (README exception).
            expect(imageUser).toBe("65532:65532");
            expect(ROOT_USERS).not.toContain(imageUser);
            expect((await execIn(registry.name, "id -u", env)).out).toBe("65532");
        }
    });

    test("the hardened lab works: every replica answers, the registry serves the pushed image", async () => {
        for (const [i, url] of spec.appUrls.entries()) {
            const body = (await (await fetch(`${url}/`)).json()) as Record<string, string>;
            expect(body).toMatchObject({ lab: spec.instance, hostname: replicasOf(spec)[i].name });
        }
        const tags = (await (await fetch(`${spec.registry.url}/v2/${spec.image.registryPath}/tags/list`)).json()) as { tags: string[] };
        expect(tags.tags).toContain(spec.image.tag);
        expect(lab.imageRef.startsWith(`${spec.image.repository}@sha256:`)).toBe(true);
    });

    test("teardown leaves nothing of the lab", async () => {
        await teardownLab(spec);
        expect(await leftovers(spec)).toEqual({ containers: [], networks: [], volumes: [], images: [], tags: [] });
    });
});
