import "./installed";
import { TYPES } from "../../../policy/policies";
import type { TestResource } from "./harness";

/**
 * Hand-made resources for the policy tests: compliant ones shaped like the lab's own (the inputs
 * the program sends, plus the defaults the docker provider adds, such as networkMode "bridge"),
 * which each test changes in one place to make a violating case.
 */

export const DIGEST = `sha256:${"ab".repeat(32)}`;
export const NETWORK_NAME = "docker-lab-dev-net";

const labels = (role: string) => [
    { label: "docker-lab.managed", value: "true" },
    { label: "docker-lab.instance", value: "docker-lab-dev" },
    { label: "docker-lab.role", value: role },
];

/** An app replica as the lab declares it: loopback port, limits, read-only, no capabilities, digest. */
export function appContainer(props: Record<string, any> = {}, name = "lab-app-0"): TestResource {
    return {
        type: TYPES.container,
        name,
        props: {
            name: `docker-lab-dev-${name.replace(/^lab-/, "")}`,
            image: `localhost:5000/docker-lab-dev/hellodocker@${DIGEST}`,
            ports: [{ internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" }],
            envs: ["PORT=8080"],
            labels: labels("app"),
            networkMode: "bridge",
            networksAdvanced: [{ name: NETWORK_NAME, aliases: ["hellodocker"] }],
            healthcheck: { tests: ["CMD-SHELL", "node -e 'process.exit(0)'"], interval: "2s", timeout: "3s", retries: 5 },
            restart: "on-failure",
            maxRetryCount: 5,
            memory: 128,
            memorySwap: 128,
            cpuShares: 512,
            user: "1000:1000",
            readOnly: true,
            tmpfs: { "/tmp": "rw,noexec,nosuid,size=16m" },
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges:true"],
            volumes: [],
            mustRun: true,
            start: true,
            wait: true,
            ...props,
        },
    };
}

/** The lab's registry: labelled docker-lab.role=registry, its image by name, a named volume. */
export function registryContainer(props: Record<string, any> = {}): TestResource {
    const base = appContainer({}, "lab-registry-container").props;
    return {
        type: TYPES.container,
        name: "lab-registry-container",
        props: {
            ...base,
            name: "docker-lab-dev-registry",
            image: "docker-lab-offline/registry:2",
            ports: [{ internal: 5000, external: 5000, ip: "127.0.0.1", protocol: "tcp" }],
            envs: [],
            labels: labels("registry"),
            networksAdvanced: [{ name: NETWORK_NAME, aliases: ["registry"] }],
            user: undefined,
            volumes: [{ volumeName: "docker-lab-dev-registry-data", containerPath: "/var/lib/registry" }],
            ...props,
        },
    };
}

/**
 * A student's seat as the seats mode declares it (components/modes/seats/seatLab.ts, seatContainerArgs):
 * dockerd from a Docker-in-Docker image by name, the seat's capabilities added to Docker's default set,
 * seccomp, AppArmor and systempaths unconfined, the host's cgroup tree, a writable root, a CPU limit
 * (cpus) instead of a weight, and its engine with TLS on 2376, published with the app ports on 127.0.0.1.
 */
export function seatContainer(props: Record<string, any> = {}, name = "lab-alice-seat"): TestResource {
    const dockerName = `docker-lab-dev-${name.replace(/^lab-/, "")}`;
    return {
        type: TYPES.container,
        name,
        props: {
            name: dockerName,
            hostname: dockerName,
            image: "docker-lab-offline/dind:sid",
            entrypoints: ["/bin/sh", "-c", 'exec dockerd "$@"', "seat"],
            command: [
                "--host=unix:///var/run/docker.sock",
                "--host=tcp://0.0.0.0:2376",
                "--tlsverify",
                "--tlscacert=/etc/docker-lab/tls/clients-ca.pem",
                "--tlscert=/etc/docker-lab/tls/server-cert.pem",
                "--tlskey=/etc/docker-lab/tls/server-key.pem",
                "--insecure-registry=docker-lab-dev-registry:5000",
            ],
            labels: [...labels("seat"), { label: "docker-lab.student", value: "alice" }],
            networkMode: "bridge",
            networksAdvanced: [{ name: `${dockerName}-net` }, { name: NETWORK_NAME }],
            ports: [
                { internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" },
                { internal: 8081, external: 8081, ip: "127.0.0.1", protocol: "tcp" },
                { internal: 2376, external: 8082, ip: "127.0.0.1", protocol: "tcp" },
            ],
            capabilities: { adds: ["CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE"] },
            securityOpts: ["seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"],
            volumes: [
                { volumeName: `${dockerName}-data`, containerPath: "/var/lib/docker" },
                { hostPath: "/sys/fs/cgroup", containerPath: "/sys/fs/cgroup" },
            ],
            memory: 768,
            memorySwap: 768,
            cpus: "1.0",
            restart: "unless-stopped",
            healthcheck: { tests: ["CMD-SHELL", "docker -H unix:///var/run/docker.sock version >/dev/null"], interval: "5s", retries: 12 },
            wait: true,
            waitTimeout: 120,
            mustRun: true,
            ...props,
        },
    };
}

/** A swarm service shaped the safe way (swarm has no bind address, so it publishes nothing). */
export function appService(containerSpec: Record<string, any> = {}, props: Record<string, any> = {}): TestResource {
    return {
        type: TYPES.service,
        name: "lab-app-service",
        props: {
            name: "docker-lab-dev-app",
            labels: labels("app"),
            taskSpec: {
                containerSpec: {
                    image: `localhost:5000/docker-lab-dev/hellodocker@${DIGEST}`,
                    readOnly: true,
                    capDrops: ["ALL"],
                    healthcheck: { tests: ["CMD-SHELL", "true"], interval: "2s" },
                    mounts: [{ type: "tmpfs", target: "/tmp" }],
                    ...containerSpec,
                },
                resources: { limits: { memoryBytes: 134217728, nanoCpus: 500000000 } },
                networksAdvanceds: [{ name: NETWORK_NAME }],
                restartPolicy: { condition: "on-failure", maxAttempts: 3 },
            },
            ...props,
        },
    };
}

export function volume(props: Record<string, any> = {}): TestResource {
    return {
        type: TYPES.volume,
        name: "lab-registry-data",
        props: { name: "docker-lab-dev-registry-data", labels: labels("registry-data"), ...props },
    };
}

export function network(props: Record<string, any> = {}): TestResource {
    return { type: TYPES.network, name: "lab-network", props: { name: NETWORK_NAME, labels: labels("network"), ...props } };
}

/** A lesson check command depending on `dependencies`. */
export function check(name: string, dependencies: string[]): TestResource {
    return { type: TYPES.command, name, props: { create: "docker ps", interpreter: ["/bin/sh", "-c"] }, dependencies };
}

/** A compliant lab: network, registry, two replicas (their networksAdvanced from the network) and two checks on both. */
export function labStack(): TestResource[] {
    const replica = (i: number) => ({
        ...appContainer({ ports: [{ internal: 8080, external: 8080 + i, ip: "127.0.0.1", protocol: "tcp" }] }, `lab-app-${i}`),
        dependencies: ["lab-network"],
        propertyDependencies: { networksAdvanced: ["lab-network"] },
    });
    return [
        network(),
        { ...registryContainer(), dependencies: ["lab-network"], propertyDependencies: { networksAdvanced: ["lab-network"] } },
        replica(0),
        replica(1),
        check("lab-check-01.02-ps", ["lab-app-0", "lab-app-1", "lab-registry-container"]),
        check("lab-check-02-http-0", ["lab-app-0", "lab-app-1", "lab-registry-container"]),
    ];
}
