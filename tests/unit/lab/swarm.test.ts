import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    appContainers,
    buildClassSpec,
    buildLabSpec,
    buildSpec,
    CONFIG_KEYS,
    LabConfigError,
    type LabSpec,
    labsOf,
    MANAGER_CONSTRAINT,
    monitorSeconds,
    nodeUrls,
    parseSwarmNodes,
    renderCheckScript,
    resolveCheck,
    SERVICE_NAME_LABEL,
    type SpecContext,
    serviceArgs,
    servicePlatforms,
    shellQuote,
    taskHostname,
    taskHostnameTemplate,
    tmpfsMounts,
} from "../../../lab";
import { meshRequests } from "../../../lab/modes/swarm/checks";
import { labConfig } from "../../../tools/stack";
import { appServiceOf, registryServiceOf, replicasOf, swarmAppOf } from "../../helpers/specs";

// Swarm mode in the pure model: config keys and their validation, the services derived from the
// containers the containers mode runs, the swarm variants of the checks, and the service inputs.

const ctx: SpecContext = { project: "docker-lab", stack: "dev", appDir: "app" };
const spec = (raw: Record<string, unknown> = {}) => buildLabSpec(labConfig(raw), ctx);
const anySpec = (raw: Record<string, unknown> = {}) => buildSpec(labConfig(raw), ctx);
const HOST = { mode: "swarm", publishMode: "host" };
const INGRESS = { mode: "swarm" };

function configError(raw: Record<string, unknown>): string {
    try {
        labConfig(raw);
    } catch (err) {
        expect(err).toBeInstanceOf(LabConfigError);
        return (err as Error).message;
    }
    throw new Error(`labConfig(${JSON.stringify(raw)}) accepted an invalid config`);
}

describe("config: mode, publishMode, registryAddress", () => {
    test("declared keys, defaulting to the containers mode, the ingress mesh and the mode's own registry address", () => {
        expect(CONFIG_KEYS).toEqual(expect.arrayContaining(["mode", "publishMode", "registryAddress"]));
        const config = labConfig();
        expect({ mode: config.mode, publishMode: config.publishMode, registryAddress: config.registryAddress }).toEqual({
            mode: "containers",
            publishMode: "ingress",
            registryAddress: "",
        });
    });

    test.each([
        [{ mode: "kubernetes" }, 'mode = "kubernetes": must be containers, swarm or seats (npm run config -- set mode containers)'],
        [{ mode: "Swarm" }, 'mode = "Swarm": must be containers, swarm or seats'],
        [{ publishMode: "nodeport" }, 'publishMode = "nodeport": must be ingress or host (npm run config -- set publishMode ingress)'],
        [{ registryAddress: "http://10.0.0.5:5000" }, 'registryAddress = "http://10.0.0.5:5000": must be empty'],
        [{ registryAddress: "10.0.0.5:5000/path" }, "(no scheme, no path)"],
        [
            { ...HOST, registryPort: "8080" },
            "registryPort = 8080: equals appPort, the port the app service publishes; choose another registryPort (npm run config -- set registryPort 8081)",
        ],
    ])("%j is rejected naming the key, the value and the fix", (raw, message) => {
        expect(configError(raw)).toContain(message);
    });

    test("valid registry addresses: host, host:port, IPv4, bracketed IPv6", () => {
        for (const registryAddress of ["registry.lan", "10.0.0.5:5000", "manager-1:5000", "[fd00::5]:5000"]) {
            expect(labConfig({ registryAddress }).registryAddress).toBe(registryAddress);
        }
    });

    test("swarm mode publishes one app port, so replicas do not widen the app's port range", () => {
        expect(() => labConfig({ ...HOST, appPort: "65535", replicas: "3", registryPort: "5000" })).not.toThrow();
        expect(() => labConfig({ ...HOST, appPort: "8080", replicas: "3", registryPort: "8081" })).not.toThrow();
        // The containers mode still rejects both.
        expect(configError({ appPort: "65535", replicas: "3" })).toContain("go past 65535");
        expect(configError({ appPort: "8080", replicas: "3", registryPort: "8081" })).toContain("overlaps the app ports 8080..8082");
    });
});

describe("spec in swarm mode", () => {
    const containers = spec({ replicas: "3" });
    const host = spec({ ...HOST, replicas: "3" });
    const ingress = spec({ ...INGRESS, replicas: "3" });

    test("no containers: one app service of `replicas` tasks, a registry service, an attachable overlay network", () => {
        for (const s of [host, ingress]) {
            expect(s.mode).toBe("swarm");
            expect(appContainers(s)).toEqual([]);
            expect(appServiceOf(s).name).toBe("docker-lab-dev-app");
            expect(appServiceOf(s).replicas).toBe(3);
            expect(registryServiceOf(s).name).toBe("docker-lab-dev-registry");
            expect(s.network).toEqual({
                name: "docker-lab-dev-net",
                labels: containers.network.labels,
                driver: "overlay",
                attachable: true,
            });
        }
        expect(containers.mode).toBe("containers");
        expect(containers.app.mode).toBe("containers");
        expect(containers.registry.run).toEqual({ mode: "containers" });
        expect(containers.network).toEqual({ name: "docker-lab-dev-net", labels: containers.network.labels });
    });

    test("each task runs the containers' replica: same healthcheck, limits and security settings, only its name, hostname and labels differ", () => {
        const { name, hostname, ports, labels, ...task } = appServiceOf(host).task;
        const { name: _n, hostname: _h, ports: _p, labels: replicaLabels, ...replica } = replicasOf(containers)[0];
        expect(task).toEqual(replica);
        expect(name).toBe("docker-lab-dev-app");
        expect(hostname).toBe("docker-lab-dev-app-{{.Task.Slot}}");
        expect(ports).toEqual([{ internal: 8080, external: 8080, ip: "127.0.0.1" }]);
        const { "docker-lab.replica": _replica, ...withoutReplica } = replicaLabels;
        expect(labels).toEqual(withoutReplica);
        // The settings the issue names, spelled out.
        expect(task).toMatchObject({ readOnlyRootFilesystem: true, user: "1000:1000", capDrop: ["ALL"], memoryMb: 128 });
        expect(task.tmpfs).toEqual({ "/tmp": "rw,noexec,nosuid,size=16m" });
    });

    test("host mode: at most one task per node, stop-first (the old task frees the node's port), no CPU share but a CPU limit", () => {
        const app = appServiceOf(host);
        expect(app).toMatchObject({ publishMode: "host", maxReplicasPerNode: 1, constraints: [], nanoCpus: 1_000_000_000 });
        expect(app.update).toEqual({ parallelism: 1, delaySeconds: 0, failureAction: "rollback", monitorSeconds: 10, order: "stop-first" });
        expect(app.rollback).toEqual({ ...app.update, failureAction: "pause" });
    });

    test("ingress mode: tasks may share a node, and start-first keeps every old task until its replacement is healthy", () => {
        const app = appServiceOf(ingress);
        expect(app).toMatchObject({ publishMode: "ingress", maxReplicasPerNode: 0 });
        expect(app.update.order).toBe("start-first");
        expect(app.rollback.order).toBe("start-first");
    });

    test("the rollout's monitor period covers the healthcheck's time to healthy, and a failure right after", () => {
        const h = appServiceOf(host).task.healthcheck;
        expect(monitorSeconds(h)).toBeGreaterThanOrEqual(h.intervalSeconds);
        expect(monitorSeconds(h)).toBe(h.intervalSeconds * h.retries);
        expect(appServiceOf(host).update.monitorSeconds).toBe(monitorSeconds(h));
    });

    test("up waits for convergence: each task's wait and monitor, polled every 2 s", () => {
        const app = appServiceOf(host);
        expect(app.converge.delaySeconds).toBe(2);
        expect(app.converge.timeoutSeconds).toBe(60 + 3 * (60 + 10));
        expect(app.stopGracePeriodSeconds).toBeGreaterThan(0);
    });

    test("the registry: one task pinned to a manager (its volume is local), stop-first, published with the lab's publish mode", () => {
        for (const [s, mode] of [
            [host, "host"],
            [ingress, "ingress"],
        ] as const) {
            const registry = registryServiceOf(s);
            expect(registry).toMatchObject({ replicas: 1, constraints: [MANAGER_CONSTRAINT], publishMode: mode, maxReplicasPerNode: 0 });
            expect(MANAGER_CONSTRAINT).toBe("node.role==manager");
            expect(registry.update.order).toBe("stop-first");
            expect(registry.task).toEqual(s.registry.container);
            expect(registry.task.volumes).toEqual([{ volumeName: "docker-lab-dev-registry-data", containerPath: "/var/lib/registry" }]);
        }
    });

    test("what a service cannot express is listed, with why: swap, CPU share, PIDs limit, no-new-privileges, the bind address", () => {
        const settings = appServiceOf(host).inexpressible.map((e) => e.setting);
        expect(settings).toEqual([
            "memorySwapMb 128 (no swap)",
            "cpuShares 512",
            "pidsLimit 128",
            "securityOpts no-new-privileges:true",
            "ports on 127.0.0.1",
        ]);
        for (const e of appServiceOf(host).inexpressible) expect(e.reason.length).toBeGreaterThan(40);
        expect(appServiceOf(host).inexpressible.find((e) => e.setting.startsWith("pidsLimit"))?.reason).toContain("@pulumi/docker 5.x");
    });

    test("one URL on this machine; the tasks' hostnames one per slot", () => {
        expect(host.appUrls).toEqual(["http://127.0.0.1:8080"]);
        expect(swarmAppOf(host).taskHostnames).toEqual(["docker-lab-dev-app-1", "docker-lab-dev-app-2", "docker-lab-dev-app-3"]);
    });

    test("images go to localhost:<registryPort> on a swarm (ports bind every interface), or to registryAddress", () => {
        expect(spec({ ...HOST, bindAddress: "192.168.1.5" }).image.registryServer).toBe("localhost:5000");
        expect(spec({ bindAddress: "192.168.1.5" }).image.registryServer).toBe("192.168.1.5:5000");
        const remote = spec({ ...HOST, registryAddress: "10.0.0.5:5000" });
        expect(remote.image.name).toBe("10.0.0.5:5000/docker-lab-dev/hellodocker:1.0.0");
        expect(remote.image.registryServer).toBe("10.0.0.5:5000");
        expect(spec({ registryAddress: "10.0.0.5:5000" }).image.repository).toBe("10.0.0.5:5000/docker-lab-dev/hellodocker");
    });

    test("the registry API URL the checks curl is registryAddress when set (the registry publishes on its manager), else bindAddress", () => {
        const remote = spec({ ...HOST, registryAddress: "10.0.0.5:5000" });
        expect(remote.registry.url).toBe("http://10.0.0.5:5000");
        const catalog = remote.checks.find((c) => c.id === "01.03-registry-catalog")!;
        expect(catalog.command).toContain("http://10.0.0.5:5000/v2/_catalog");
        expect(catalog.command).not.toContain("127.0.0.1");
        expect(remote.checks.find((c) => c.id === "01.01-search")!.command).toContain("http://10.0.0.5:5000/v2/_catalog");
        expect(spec({ ...HOST, registryAddress: "[fd00::5]:5000" }).registry.url).toBe("http://[fd00::5]:5000");
        expect(spec(HOST).registry.url).toBe("http://127.0.0.1:5000");
        expect(spec({ bindAddress: "0.0.0.0" }).registry.url).toBe("http://127.0.0.1:5000");
    });

    test("a long stack name still gives every task a hostname within a DNS label", () => {
        const long = buildLabSpec(labConfig({ ...HOST, replicas: "20" }), { ...ctx, stack: "s".repeat(70) });
        const hostnames = swarmAppOf(long).taskHostnames;
        expect(hostnames.every((h) => h.length <= 63)).toBe(true);
        expect(new Set(hostnames).size).toBe(20);
        expect(appServiceOf(long).task.hostname).toBe(taskHostnameTemplate(appServiceOf(long).name));
        expect(hostnames[19]).toBe(taskHostname(appServiceOf(long).name, 20));
    });
});

describe("a classroom in swarm mode", () => {
    const cls = buildClassSpec(
        labConfig({ ...HOST, replicas: "2", appPort: "9000", registryPort: "8999", students: ["alice", "bob", "carol"] }),
        ctx,
    );

    test("the class has the registry service; each student one app service on a port of their own, on their own overlay network", () => {
        expect(registryServiceOf(cls).name).toBe("docker-lab-dev-registry");
        expect("app" in cls).toBe(false);
        const labs = labsOf(cls);
        expect(labs.map((l) => appServiceOf(l).name)).toEqual([
            "docker-lab-dev-alice-app",
            "docker-lab-dev-bob-app",
            "docker-lab-dev-carol-app",
        ]);
        expect(labs.map((l) => appServiceOf(l).task.ports[0].external)).toEqual([9000, 9001, 9002]);
        expect(labs.map((l) => l.appUrls)).toEqual([["http://127.0.0.1:9000"], ["http://127.0.0.1:9001"], ["http://127.0.0.1:9002"]]);
        expect(labs.every((l) => l.network.driver === "overlay" && l.network.attachable === true && appContainers(l).length === 0)).toBe(
            true,
        );
        expect(new Set(labs.map((l) => l.network.name)).size).toBe(3);
        expect(labs.every((l) => registryServiceOf(l) === registryServiceOf(cls))).toBe(true);
        expect(appServiceOf(labs[1]).task.labels).toMatchObject({ "docker-lab.student": "bob", "docker-lab.role": "app" });
        expect(swarmAppOf(labs[1]).taskHostnames).toEqual(["docker-lab-dev-bob-app-1", "docker-lab-dev-bob-app-2"]);
    });

    test("a class too big for the port range is rejected counting one port per student, not per replica", () => {
        expect(() => labConfig({ ...HOST, replicas: "20", appPort: "65533", students: ["a", "b", "c"] })).not.toThrow();
        expect(configError({ ...HOST, replicas: "20", appPort: "65534", students: ["a", "b", "c"] })).toContain("the class needs 3 ports");
    });
});

describe("lesson checks in swarm mode", () => {
    const ids = (s: LabSpec) => s.checks.map((c) => c.id);
    const byId = (s: LabSpec, id: string) => s.checks.find((c) => c.id === id)!;
    const host = spec({ ...HOST, replicas: "2" });
    const ingress = spec({ ...INGRESS, replicas: "2" });
    const containers = spec({ replicas: "2" });

    test("the containers mode's checks are exactly as they were (pinned)", () => {
        // SHA-256 of the checks' JSON, for the defaults and for 3 replicas on 0.0.0.0:9100 with 200 MiB:
        // the swarm keys leave them alone; a change to a check changes these on purpose.
        const pinned: [Record<string, unknown>, string, number][] = [
            [{}, "088d5402e1d61d30e2ec3ce213af8177a7a0f5af859de42a0874e9725cede64c", 26],
            [
                { replicas: "3", appPort: "9100", bindAddress: "0.0.0.0", memoryLimitMb: "200" },
                "3fcc0118f17722a1ec408a27efd62d45cccb37431a4bd02ca033cb2db3039579",
                27,
            ],
        ];
        for (const [raw, hash, count] of pinned) {
            const checks = spec(raw).checks;
            expect({ raw, count: checks.length, hash: createHash("sha256").update(JSON.stringify(checks)).digest("hex") }).toEqual({
                raw,
                count,
                hash,
            });
        }
    });

    test("the swarm keys change nothing in containers mode: not the spec, not a class's checks", () => {
        for (const raw of [{}, { replicas: "3" }, { students: ["alice", "bob"] }]) {
            const { mode: _m, ...plain } = anySpec(raw);
            const { mode: _m2, ...withSwarmKeys } = anySpec({ ...raw, mode: "containers", publishMode: "host" });
            expect(withSwarmKeys).toEqual(plain);
            expect(labsOf(anySpec(raw)).every((lab) => lab.app.mode === "containers" && lab.mode === "containers")).toBe(true);
        }
    });

    test("the same lessons in the same order; docker service ps joins the listing, one HTTP check covers every task", () => {
        const expected = ids(containers)
            .filter((id) => !id.startsWith("02-http-"))
            .flatMap((id) => (id === "01.02-container-ls" ? [id, "01.02-service-ps"] : [id]));
        expect(ids(host)).toEqual([...expected, "02-http-tasks"]);
        expect(ids(ingress)).toEqual(ids(host));
    });

    test("docker service ps counts the running tasks, whatever their slots (a scale-down leaves slots 1 and 3)", () => {
        const check = byId(host, "01.02-service-ps");
        expect(check.command).toContain(
            "docker service ps docker-lab-dev-app --filter desired-state=running --format '{{.Name}} {{.Node}} {{.CurrentState}}'",
        );
        const ps = (lines: string[]) => runWithFakes(check, { docker: lines.join("\n") });
        expect(ps(["docker-lab-dev-app.1 n1 Running 2 minutes ago", "docker-lab-dev-app.3 n3 Running 1 minute ago"])).toMatchObject({
            status: 0,
        });
        const oneShort = ps(["docker-lab-dev-app.1 n1 Running 2 minutes ago", "docker-lab-dev-app.2 n2 Preparing 3 seconds ago"]);
        expect(oneShort.status).toBe(1);
        expect(oneShort.stderr).toContain("running tasks: 1");
        expect(check.title.zh).toMatch(/[\u4e00-\u9fff]/);
    });

    test("docker ps and docker container ls list the task containers by their generated names", () => {
        expect(byId(host, "01.02-ps").expect).toEqual({
            kind: "matchesAll",
            patterns: ["^docker-lab-dev-app\\.[0-9]+\\.[a-z0-9]+ Up .*\\(healthy\\)$"],
        });
        expect(byId(host, "01.02-container-ls").expect).toEqual({
            kind: "matchesAll",
            patterns: ["^docker-lab-dev-app\\.[0-9]+\\.[a-z0-9]+$"],
        });
        expect(byId(host, "01.02-ps").command).toBe(byId(containers, "01.02-ps").command);
    });

    test("exec checks run in a healthy task container of the app on this engine, and say so when there is none here", () => {
        const lookup = `task=$(docker ps --quiet --filter ${shellQuote(`label=${SERVICE_NAME_LABEL}=docker-lab-dev-app`)} --filter health=healthy | head -n 1); `;
        for (const id of ["00-shared-kernel", "00-cgroup-memory", "01.02-exec-head", "01.02-exec-redirect"]) {
            const command = byId(host, id).command;
            expect(command.startsWith(lookup)).toBe(true);
            // After the lookup, the very command of containers mode, run in the task found.
            expect(command.slice(command.indexOf('docker exec "$task"') + 'docker exec "$task"'.length)).toBe(
                byId(containers, id).command.slice("docker exec docker-lab-dev-app-0".length),
            );
        }
        const kernel = byId(host, "00-shared-kernel");
        // A healthy task here: docker exec runs in it.
        const here = runWithFakes(kernel, { docker: "abc123", dockerExec: "6.1.0-test" });
        expect(here.log).toContain("exec abc123 uname -r");
        // None here (swarm put the tasks on other nodes): one line that says so, not docker exec's "value is empty".
        const none = runWithFakes(kernel, { docker: "" });
        expect(none.status).toBe(1);
        expect(none.stderr).toContain("no healthy task of service docker-lab-dev-app runs on this engine");
        expect(none.log).not.toContain("exec");
    });

    test("ingress: many requests to the one URL must come back from every task (distinct hostnames, any slots)", () => {
        const check = byId(ingress, "02-http-tasks");
        expect(check.command).toContain(`while [ "$i" -lt ${meshRequests(2)} ]`);
        expect(check.command).toContain(`curl -fsS --max-time 5 ${shellQuote("http://127.0.0.1:8080/")} || exit 1`);
        expect(check.expect).toEqual({
            kind: "containsAll",
            values: ['"app":"hellodocker"', '"lab":"docker-lab-dev"', "distinct task hostnames: 2"],
        });
        const answer = (slot: number) => `{"app":"hellodocker","lab":"docker-lab-dev","hostname":"docker-lab-dev-app-${slot}"}`;
        expect(runWithFakes(check, { curl: [answer(1), answer(3)] }).status).toBe(0);
        const oneTask = runWithFakes(check, { curl: [answer(3)] });
        expect(oneTask.status).toBe(1);
        expect(oneTask.stderr).toContain("distinct task hostnames: 1");
        // Another lab's task (a longer name with this one as its prefix) does not count.
        expect(runWithFakes(check, { curl: [answer(1), answer(1).replace("app-1", "app-x-2")] }).status).toBe(1);
    });

    test("host: every node of the swarm is asked on the app port; as many distinct task hostnames as replicas must answer", () => {
        const check = byId(host, "02-http-tasks");
        expect(check.command).toContain(
            `for addr in $(docker node inspect --format '{{.Status.Addr}}' $(docker node ls --quiet)); do curl -fsS --max-time 5 "http://$addr:8080/" && echo; done; true`,
        );
        expect(check.expect).toEqual(byId(ingress, "02-http-tasks").expect);
        const answer = (slot: number) => `{"app":"hellodocker","lab":"docker-lab-dev","hostname":"docker-lab-dev-app-${slot}"}`;
        const run = runWithFakes(check, { docker: "10.0.0.5\n10.0.0.6", curl: [answer(1), answer(3)] });
        expect(run.status).toBe(0);
        expect(run.log).toContain("curl -fsS --max-time 5 http://10.0.0.5:8080/");
        expect(run.log).toContain("curl -fsS --max-time 5 http://10.0.0.6:8080/");
    });

    test("every swarm check renders to a script /bin/sh accepts, and has its Chinese texts", () => {
        const imageRef = `${host.image.repository}@sha256:${"ab".repeat(32)}`;
        for (const check of [...host.checks, ...ingress.checks]) {
            const r = spawnSync("/bin/sh", ["-n", "-c", renderCheckScript(resolveCheck(check, { imageRef }))], { encoding: "utf8" });
            expect({ id: check.id, status: r.status, stderr: r.stderr }).toEqual({ id: check.id, status: 0, stderr: "" });
            expect(check.title.zh).toMatch(/[\u4e00-\u9fff]/);
            expect(check.proves.zh).toMatch(/[\u4e00-\u9fff]/);
        }
    });

    test("a student's swarm checks select the student's own tasks", () => {
        const bob = labsOf(anySpec({ ...HOST, students: ["alice", "bob"] }))[1];
        expect(byId(bob, "01.02-ps").command).toContain(`--filter ${shellQuote("label=docker-lab.student=bob")}`);
        expect(byId(bob, "01.02-service-ps").command).toContain("docker service ps docker-lab-dev-bob-app ");
        expect(byId(bob, "00-shared-kernel").command).toContain(`label=${SERVICE_NAME_LABEL}=docker-lab-dev-bob-app`);
        expect(byId(bob, "02-http-tasks").command).toContain(shellQuote('"hostname":"docker-lab-dev-bob-app-[0-9]+"'));
    });
});

describe("service inputs (serviceArgs)", () => {
    const host = spec({ ...HOST, replicas: "2" });
    const args = serviceArgs(appServiceOf(host), "localhost:5000/x@sha256:abc", "net-id", [{ os: "linux", architecture: "amd64" }]);

    test("every value the engine would fill in is sent explicitly", () => {
        expect(args.endpointSpec).toEqual({
            mode: "vip",
            ports: [{ targetPort: 8080, publishedPort: 8080, publishMode: "host", protocol: "tcp" }],
        });
        const task = args.taskSpec as any;
        expect(task.restartPolicy).toEqual({ condition: "on-failure", maxAttempts: 5, delay: "5s", window: "0s" });
        expect(args.updateConfig).toEqual({
            parallelism: 1,
            delay: "0s",
            failureAction: "rollback",
            monitor: "10s",
            maxFailureRatio: "0.0",
            order: "stop-first",
        });
        expect(task.networksAdvanceds).toEqual([{ id: "net-id", aliases: ["hellodocker"] }]);
        expect(task.placement).toEqual({ constraints: [], maxReplicas: 1, platforms: [{ os: "linux", architecture: "amd64" }] });
        // No tmpfs mode: the provider reads 1777 back as 777.
        expect(task.containerSpec.mounts).toEqual([{ type: "tmpfs", target: "/tmp", tmpfsOptions: { sizeBytes: 16 * 1024 * 1024 } }]);
        expect(task.containerSpec.stopGracePeriod).toBe("10s");
        expect(args.convergeConfig).toEqual({ delay: "2s", timeout: "200s" });
    });

    test("tmpfs: only a size can be set on a service; rw, noexec, nosuid, nodev are what the mount API always gives", () => {
        expect(tmpfsMounts({ "/tmp": "rw,noexec,nosuid,size=512k", "/run": "nodev" })).toEqual([
            { type: "tmpfs", target: "/tmp", tmpfsOptions: { sizeBytes: 512 * 1024 } },
            { type: "tmpfs", target: "/run" },
        ]);
        expect(() => tmpfsMounts({ "/tmp": "exec,size=1m" })).toThrow('tmpfs option "exec" of /tmp cannot be set on a swarm service');
    });

    test("platforms: os and architecture of the engine's platform (a variant is not part of a swarm platform)", () => {
        expect(servicePlatforms("linux/amd64")).toEqual([{ os: "linux", architecture: "amd64" }]);
        expect(servicePlatforms("linux/arm64/v8")).toEqual([{ os: "linux", architecture: "arm64" }]);
        expect(() => servicePlatforms("amd64")).toThrow("os/arch");
    });
});

describe("the swarm's nodes", () => {
    test("parsed from docker node inspect, and each ready node's URL of a port", () => {
        const nodes = parseSwarmNodes("vm 127.0.0.1 ready active\nworker-1 10.0.0.6 down active\nworker-2 fd00::7 ready drain\n");
        expect(nodes).toEqual([
            { hostname: "vm", address: "127.0.0.1", state: "ready", availability: "active" },
            { hostname: "worker-1", address: "10.0.0.6", state: "down", availability: "active" },
            { hostname: "worker-2", address: "fd00::7", state: "ready", availability: "drain" },
        ]);
        expect(nodeUrls(nodes, 8080)).toEqual(["http://127.0.0.1:8080", "http://[fd00::7]:8080"]);
    });

    test("anything else is a clear error pointing at the doctor", () => {
        expect(() => parseSwarmNodes("Error response from daemon: This node is not a swarm manager.")).toThrow(/npm run doctor/);
    });
});

/**
 * Runs a check's script under /bin/sh with fake `docker` and `curl` first on PATH: docker prints
 * `docker` for every call but `exec` (which prints `dockerExec`), curl prints the next of `curl`'s
 * answers per call. Returns the exit status, stderr (where a failing check reports) and the calls made.
 */
function runWithFakes(
    check: LabSpec["checks"][number],
    fakes: { docker?: string; dockerExec?: string; curl?: string[] },
): { status: number | null; stderr: string; log: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "swarm-check-"));
    try {
        const log = path.join(dir, "calls.log");
        fs.writeFileSync(path.join(dir, "docker.out"), fakes.docker ?? "");
        fs.writeFileSync(path.join(dir, "exec.out"), fakes.dockerExec ?? "");
        for (const [i, answer] of (fakes.curl ?? []).entries()) fs.writeFileSync(path.join(dir, `curl.${i + 1}`), answer);
        const script = (body: string) => `#!/bin/sh\necho "$(basename "$0") $*" >> ${shellQuote(log)}\n${body}\n`;
        fs.writeFileSync(
            path.join(dir, "docker"),
            script(`if [ "$1" = exec ]; then cat ${shellQuote(`${dir}/exec.out`)}; else cat ${shellQuote(`${dir}/docker.out`)}; echo; fi`),
            { mode: 0o755 },
        );
        fs.writeFileSync(
            path.join(dir, "curl"),
            script(`n=$(grep -c '^curl' ${shellQuote(log)}); f=${shellQuote(dir)}/curl.$n; [ -f "$f" ] || exit 7; cat "$f"`),
            { mode: 0o755 },
        );
        const imageRef = `localhost:5000/x@sha256:${"ab".repeat(32)}`;
        const r = spawnSync("/bin/sh", ["-c", renderCheckScript(resolveCheck(check, { imageRef }))], {
            encoding: "utf8",
            env: { PATH: `${dir}:${process.env.PATH}` },
        });
        return { status: r.status, stderr: r.stderr, log: fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "" };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
