import { DOCTOR_EXIT_CODES } from "../../../tools/doctor";
import { byId, DEFAULT_SOCKET, doctor, type FakeWorld, INSTANCE, problems, world } from "./doctorFake";

// The doctor in swarm mode, against the fake machine of ./doctorFake.ts: is the engine a swarm
// manager, are there nodes enough for host mode, can the ingress routing mesh work, and the ports
// the services publish on every interface.

const KERNEL = "6.1.0-18-amd64";
const SWARM = { mode: "swarm", appPort: "29080", registryPort: "29000" };
const HOST = { ...SWARM, publishMode: "host", replicas: "1" };
const manager = (nodes = ["Ready Active"]): FakeWorld["swarm"] => ({ state: "active", manager: true, nodes, services: [] });
/** The machine's own kernel is the engine's (a local Linux engine), with IPVS loaded or not. */
const linux = (ipvs: "loaded" | "module" | "none"): FakeWorld["files"] => ({
    "/proc/sys/kernel/osrelease": { content: `${KERNEL}\n` },
    ...(ipvs === "loaded" ? { "/proc/net/ip_vs": { content: "IP Virtual Server version 1.2.1 (size=4096)\n" } } : {}),
    ...(ipvs === "module" ? { [`/lib/modules/${KERNEL}/kernel/net/netfilter/ipvs/ip_vs.ko.xz`]: { content: "" } } : {}),
});

describe("doctor: swarm mode", () => {
    test("containers mode asks nothing about a swarm", async () => {
        const result = await doctor(world());
        expect(result.findings.some((f) => f.id.startsWith("engine.swarm") || f.id === "engine.mesh")).toBe(false);
        expect(result.calls.some((c) => c.args.join(" ").includes("Swarm") || c.args[0] === "node" || c.args[0] === "service")).toBe(false);
    });

    test("an engine in no swarm: one engine problem naming docker swarm init, joining as a manager, or mode containers", async () => {
        const result = await doctor(world({ kernel: KERNEL, files: linux("loaded") }), HOST);
        const swarm = byId(result, "engine.swarm");
        expect(swarm).toMatchObject({ ok: false, klass: "engine" });
        expect(swarm.message).toContain(`the engine at unix://${DEFAULT_SOCKET} is not in a swarm`);
        expect(swarm.message).toContain("fix: docker swarm init");
        expect(swarm.message).toContain("docker swarm join-token manager");
        expect(swarm.message).toContain("LAB_STACK=doctortest npm run config -- set mode containers");
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.engine);
        // Nothing is asked of a manager the engine is not.
        expect(result.calls.some((c) => c.args[0] === "node")).toBe(false);
    });

    test("a worker: services are created only through a manager; the fix names dockerHost and docker node promote", async () => {
        const result = await doctor(world({ swarm: { state: "active", manager: false, nodes: [], services: [] } }), HOST);
        const swarm = byId(result, "engine.swarm");
        expect(swarm.ok).toBe(false);
        expect(swarm.message).toMatch(
            /swarm worker.*fix: point the lab at a manager \(LAB_STACK=doctortest npm run config -- set dockerHost .*docker node promote/,
        );
    });

    test.each([
        ["locked", /docker swarm unlock/],
        ["pending", /swarm state is pending.*docker swarm leave --force/],
    ] as const)("a swarm that is %s is an engine problem with its fix", async (state, fix) => {
        const result = await doctor(world({ swarm: { state, manager: false, nodes: [], services: [] } }), HOST);
        expect(byId(result, "engine.swarm")).toMatchObject({ ok: false, message: expect.stringMatching(fix) });
    });

    test("a manager: all checks pass in host mode, naming the swarm's size", async () => {
        const result = await doctor(world({ swarm: manager(["Ready Active", "Ready Active", "Down Active"]) }), HOST);
        expect(problems(result)).toEqual([]);
        expect(byId(result, "engine.swarm").message).toBe("the engine is a manager of a swarm of 3 nodes (2 ready and active)");
        expect(result.exitCode).toBe(0);
    });

    test("host mode: more replicas than ready, active nodes is a problem naming replicas, more nodes or ingress", async () => {
        const result = await doctor(world({ swarm: manager(["Ready Active", "Ready Drain"]) }), { ...HOST, replicas: "3" });
        const nodes = byId(result, "engine.swarm-nodes");
        expect(nodes.ok).toBe(false);
        expect(nodes.message).toBe(
            "replicas = 3, but publishMode host runs at most one app task per node and only 1 node is ready and active, so the service would never converge: fix: LAB_STACK=doctortest npm run config -- set replicas 1, or add nodes (docker swarm join), or LAB_STACK=doctortest npm run config -- set publishMode ingress",
        );
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.engine);
    });

    test("ingress mode does not limit replicas to the nodes", async () => {
        const result = await doctor(world({ swarm: manager(), kernel: KERNEL, files: linux("loaded") }), { ...SWARM, replicas: "3" });
        expect(result.findings.some((f) => f.id === "engine.swarm-nodes")).toBe(false);
        expect(problems(result)).toEqual([]);
    });

    test("ingress mode on a local kernel without IPVS: the mesh cannot work; the fix names publishMode host and the ip_vs module", async () => {
        const result = await doctor(world({ swarm: manager(), kernel: KERNEL, files: linux("none") }), SWARM);
        const mesh = byId(result, "engine.mesh");
        expect(mesh).toMatchObject({ ok: false, klass: "engine" });
        expect(mesh.message).toContain(`kernel ${KERNEL} has no IPVS (no /proc/net/ip_vs, no ip_vs module under /lib/modules/${KERNEL})`);
        expect(mesh.message).toContain("Could not get ipvs family information from the kernel");
        expect(mesh.message).toContain(
            "fix: LAB_STACK=doctortest npm run config -- set publishMode host, or load the ip_vs kernel module (sudo modprobe ip_vs)",
        );
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.engine);
        expect(result.reads).toEqual(expect.arrayContaining(["/proc/sys/kernel/osrelease", "/proc/net/ip_vs"]));
    });

    test("ingress mode: IPVS loaded, or the module there to load, or built in: the mesh can work", async () => {
        for (const files of [
            linux("loaded"),
            linux("module"),
            { ...linux("none"), [`/lib/modules/${KERNEL}/modules.builtin`]: { content: "kernel/net/netfilter/ipvs/ip_vs.ko\n" } },
        ]) {
            const result = await doctor(world({ swarm: manager(), kernel: KERNEL, files }), SWARM);
            expect(byId(result, "engine.mesh").ok).toBe(true);
            expect(problems(result)).toEqual([]);
        }
    });

    test("ingress mode, host mode: the mesh is checked only for ingress", async () => {
        const result = await doctor(world({ swarm: manager(), kernel: KERNEL, files: linux("none") }), HOST);
        expect(result.findings.some((f) => f.id === "engine.mesh")).toBe(false);
    });

    test("an engine on another kernel (a VM, a remote host): a note, never a problem", async () => {
        for (const w of [
            world({ swarm: manager(), kernel: "5.15.49-linuxkit", files: linux("none") }),
            world({ swarm: manager(), kernel: KERNEL, files: {} }),
        ]) {
            const mesh = byId(await doctor(w, SWARM), "engine.mesh");
            expect(mesh.ok).toBe(true);
            expect(mesh.message).toMatch(
                /^note: the ingress routing mesh needs the ip_vs kernel module on every node.*LAB_STACK=doctortest npm run config -- set publishMode host/,
            );
        }
    });

    test("ports: the services publish on every interface, the app service's one port is checked, and the lab's own services hold theirs", async () => {
        const held = world({
            swarm: {
                ...manager(),
                services: [
                    { name: `${INSTANCE}-app`, instance: INSTANCE, ports: "*:29080->8080/tcp" },
                    { name: `${INSTANCE}-registry`, instance: INSTANCE, ports: "*:29000->5000/tcp" },
                ],
            },
            kernel: KERNEL,
            files: linux("loaded"),
            busy: [29000, 29080],
        });
        const result = await doctor(held, SWARM);
        expect(byId(result, "ports.ok").message).toBe(
            `ports on 0.0.0.0: 29000 (registry, registryPort) held by this lab (service ${INSTANCE}-registry), 29080 (app service, appPort) held by this lab (service ${INSTANCE}-app)`,
        );
        expect(problems(result)).toEqual([]);
        expect(result.portProbes.sort()).toEqual([29000, 29080]);
    });

    test("ports: a busy app port names appPort with a free one (one port per service, not one per replica)", async () => {
        const result = await doctor(world({ swarm: manager(), busy: [29080, 29081] }), { ...HOST, replicas: "1" });
        expect(byId(result, "ports.29080").message).toBe(
            "port 29080 on 0.0.0.0 (app service, appPort) is in use by another program: fix: stop it (find it with lsof -i :29080 or ss -ltnp), or LAB_STACK=doctortest npm run config -- set appPort 29082",
        );
    });
});
