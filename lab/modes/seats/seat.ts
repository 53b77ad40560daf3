import type { LabConfig } from "../../config/keys";
import { LABEL, REGISTRY_CONTAINER_PORT } from "../../constants";
import { LAB_RESTART_POLICY } from "../../hardening";
import { hostnameFor, hostPort } from "../../names";
import { shellQuote } from "../../shell";
import type { HealthcheckSpec, NetworkSpec, PortSpec } from "../../types";
import { type SeatAddresses, seatAddresses } from "./subnets";
import type { SeatTlsInput } from "./tls";

/**
 * A seat: one student's own Docker engine, a container of the seat image running dockerd on the
 * class's engine. Its engine API listens with TLS and client certificates only (tls.ts), published
 * on bindAddress; the student's app replicas run inside it and publish their ports through it.
 */

/** The port dockerd listens on with TLS inside a seat (Docker's own convention for TLS). */
export const SEAT_ENGINE_PORT = 2376;
/** Where a seat's dockerd reads its TLS files. */
export const SEAT_TLS_DIR = "/etc/docker-lab/tls";
/** Memory a seat's own engine (dockerd and containerd) is given beside its app replicas, in MiB. */
export const SEAT_ENGINE_MEMORY_MB = 512;
/** CPUs a seat may use at most. */
export const SEAT_CPUS = "1.0";
/** Most processes and threads a seat may run: its engine, the replicas and the checks' one-shot containers. */
export const SEAT_PIDS_LIMIT = 2048;

/**
 * What dockerd needs in a container without `--privileged`, which some hosts refuse (the multi-node
 * rig's set): SYS_ADMIN for its mounts, NET_ADMIN for its bridge and iptables, SYS_PTRACE for
 * runc to enter a non-root container; named and ordered as the engine reports them back, so a
 * refresh finds no change. systempaths=unconfined lets a Docker 28+ engine set up its containers'
 * network (it writes /proc/sys for each).
 */
export const SEAT_CAPABILITIES = ["CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE"] as const;
export const SEAT_SECURITY_OPTS = ["seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"] as const;

/** The label that carries a seat's security options. */
export const SEAT_SECURITY_LABEL = "docker-lab.seat-security-opts";

/**
 * The seat's entrypoint: dockerd with the arguments given, through the image's own wrapper where it
 * has one (docker:dind's dockerd-entrypoint.sh, which sets up cgroups for a nested engine; the
 * offline images' dind-entrypoint, which picks the iptables the kernel accepts). Where the host's
 * cgroups are v1 (the seat mounts their tree), the seat's containers go below the seat's own cgroup:
 * the seat's limits then hold them, and removing the seat removes their cgroups with its own.
 */
export const SEAT_LAUNCHER = [
    "parent=$(sed -n 's/^[0-9]*:memory:\\(.*\\)$/\\1/p' /proc/self/cgroup)",
    'case "$parent" in ""|/) ;; *) set -- "$@" "--cgroup-parent=$parent/seat" ;; esac',
    'if command -v dockerd-entrypoint.sh >/dev/null 2>&1; then exec dockerd-entrypoint.sh dockerd "$@"',
    'elif [ -x /usr/local/bin/dind-entrypoint ]; then exec /usr/local/bin/dind-entrypoint "$@"',
    'else exec dockerd "$@"; fi',
].join("; ");

/** A seat's healthcheck: its own engine answers on its socket. */
export const SEAT_HEALTHCHECK: HealthcheckSpec = {
    command: "docker -H unix:///var/run/docker.sock version >/dev/null",
    intervalSeconds: 5,
    timeoutSeconds: 5,
    retries: 12,
    // Under a minute: the engine reports a minute as "1m0s", which would differ from "60s" on every up.
    startPeriodSeconds: 50,
};

/** A file the seat's dockerd reads, and which TLS part it holds. */
export interface SeatTlsFile {
    path: string;
    part: "clients-ca-cert" | "server-cert" | "server-key";
}

export interface SeatSpec {
    /** Container name, `<instance>-<student>-seat`. */
    name: string;
    hostname: string;
    image: string;
    labels: Record<string, string>;
    /**
     * The seat's own network on the class's engine, a subnet of seatSubnets: its only one, shared with its
     * workstation and the class registry (which joins every seat's network), never with another seat.
     */
    network: NetworkSpec & { ipam: NonNullable<NetworkSpec["ipam"]> };
    /** The seat's fixed address on its network, where its replicas publish their ports inside it. */
    address: string;
    /** The class registry container, which joins the seat's network so that the seat pulls from it. */
    registryName: string;
    /** The named volume of the seat's /var/lib/docker (overlay2 cannot sit on a tmpfs). */
    volume: { name: string; labels: Record<string, string> };
    /** Published on bindAddress: the app ports (same numbers inside the seat), then the engine port. */
    ports: PortSpec[];
    /** The host port of the seat's engine API. */
    enginePort: number;
    /** The seat's engine as this machine reaches it, e.g. tcp://127.0.0.1:8082. */
    engineHost: string;
    /** The container's entrypoint: the launcher above, run by /bin/sh with dockerd's arguments after it. */
    entrypoint: string[];
    /** dockerd's arguments: its socket, TLS on SEAT_ENGINE_PORT, and the class registry as an insecure one. */
    dockerdArgs: string[];
    /**
     * Labels of the seat container: the seat's own, and its security options, which the engine does not
     * report back as given (systempaths=unconfined), so a change of them shows as a change of a label.
     */
    containerLabels: Record<string, string>;
    /** The TLS files, where dockerd reads them. */
    tlsFiles: SeatTlsFile[];
    /** What the seat's certificates are made for. */
    tls: SeatTlsInput;
    capAdd: string[];
    securityOpts: string[];
    /** Host paths mounted into the seat (the cgroup tree a nested engine manages). */
    binds: { hostPath: string; containerPath: string }[];
    memoryMb: number;
    cpus: string;
    pidsLimit: number;
    restartPolicy: typeof LAB_RESTART_POLICY;
    healthcheck: HealthcheckSpec;
    /** How long `up` waits for the seat's engine. */
    waitTimeoutSeconds: number;
    /** The class registry as the seat's engine reaches it, e.g. docker-lab-dev-registry:5000. */
    registryServer: string;
}

/** What a seat is made from: the student's prefix, labels and first port, and the class's registry and network. */
export interface SeatInput {
    instance: string;
    student: string;
    /** `<instance>-<student>`. */
    prefix: string;
    labels: Record<string, string>;
    /** The student's first app port: the app ports come first, the engine port after them. */
    firstPort: number;
    /** The class registry container's name (its host name on every seat's network). */
    registryName: string;
    /** The student's place in the class: which subnet of seatSubnets is the seat's. */
    place: number;
}

/** This machine's address for a port published on `bindAddress` (a wildcard is reached on loopback). */
export function reachableAddress(bindAddress: string): string {
    return ({ "0.0.0.0": "127.0.0.1", "::": "::1" } as Record<string, string>)[bindAddress] ?? bindAddress;
}

/** One student's seat, from the config and the student's place in the class. Pure. */
export function seatSpec(config: LabConfig, input: SeatInput): SeatSpec {
    const name = `${input.prefix}-seat`;
    const labels = { ...input.labels, [LABEL.role]: "seat" };
    const enginePort = input.firstPort + config.replicas;
    const appPorts = Array.from({ length: config.replicas }, (_, i) => input.firstPort + i);
    const address = reachableAddress(config.bindAddress);
    const registryServer = `${input.registryName}:${REGISTRY_CONTAINER_PORT}`;
    const addresses: SeatAddresses = seatAddresses(config.seatSubnets, input.place);
    const tlsFiles: SeatTlsFile[] = [
        { path: `${SEAT_TLS_DIR}/clients-ca.pem`, part: "clients-ca-cert" },
        { path: `${SEAT_TLS_DIR}/server-cert.pem`, part: "server-cert" },
        { path: `${SEAT_TLS_DIR}/server-key.pem`, part: "server-key" },
    ];
    const file = (part: SeatTlsFile["part"]) => tlsFiles.find((f) => f.part === part)?.path as string;
    return {
        name,
        hostname: hostnameFor(name),
        image: config.seatImage,
        labels,
        network: {
            // After the class network by name: Docker gives a container's published ports to its first
            // network by name, and the class registry, which joins every seat's, publishes its port there.
            name: `${input.instance}-seat-${input.student}-net`,
            labels: { ...input.labels, [LABEL.role]: "seat-network" },
            ipam: { subnet: addresses.subnet, gateway: addresses.gateway, ipRange: addresses.dynamicRange },
        },
        address: addresses.seat,
        registryName: input.registryName,
        volume: { name: `${name}-data`, labels: { ...input.labels, [LABEL.role]: "seat-data" } },
        ports: [
            ...appPorts.map((port) => ({ internal: port, external: port, ip: config.bindAddress })),
            { internal: SEAT_ENGINE_PORT, external: enginePort, ip: config.bindAddress },
        ],
        enginePort,
        engineHost: `tcp://${hostPort(address, enginePort)}`,
        entrypoint: ["/bin/sh", "-c", SEAT_LAUNCHER, "seat"],
        dockerdArgs: [
            "--host=unix:///var/run/docker.sock",
            `--host=tcp://0.0.0.0:${SEAT_ENGINE_PORT}`,
            "--tlsverify",
            `--tlscacert=${file("clients-ca-cert")}`,
            `--tlscert=${file("server-cert")}`,
            `--tlskey=${file("server-key")}`,
            `--insecure-registry=${registryServer}`,
        ],
        tlsFiles,
        tls: {
            instance: input.instance,
            student: input.student,
            seatName: name,
            ips: [...new Set(["127.0.0.1", address])],
            dnsNames: ["localhost", name],
        },
        containerLabels: { ...labels, [SEAT_SECURITY_LABEL]: SEAT_SECURITY_OPTS.join(" ") },
        capAdd: [...SEAT_CAPABILITIES],
        securityOpts: [...SEAT_SECURITY_OPTS],
        binds: [{ hostPath: "/sys/fs/cgroup", containerPath: "/sys/fs/cgroup" }],
        memoryMb: SEAT_ENGINE_MEMORY_MB + config.replicas * config.memoryLimitMb,
        cpus: SEAT_CPUS,
        pidsLimit: SEAT_PIDS_LIMIT,
        restartPolicy: LAB_RESTART_POLICY,
        healthcheck: SEAT_HEALTHCHECK,
        waitTimeoutSeconds: 120,
        registryServer,
    };
}

/** Where a seat's client files go on this machine (ca.pem, cert.pem, key.pem), relative to the project root (git-ignored). */
export function seatClientDir(instance: string, student: string): string {
    return `.docker-lab/seats/${instance}/${student}`;
}

/** The environment of a docker CLI that works in the seat: its engine, with TLS, the student's client files in `certDir`. */
export function seatClientEnv(seat: Pick<SeatSpec, "engineHost">, certDir: string): Record<string, string> {
    return { DOCKER_HOST: seat.engineHost, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certDir };
}

/** Environment variables that hand a seat's client files to the command that writes them: never on a command line. */
export const SEAT_CLIENT_ENV = { ca: "LAB_SEAT_CLIENT_CA", cert: "LAB_SEAT_CLIENT_CERT", key: "LAB_SEAT_CLIENT_KEY" } as const;

/**
 * The commands that write a seat's client files into `dir` (ca.pem, cert.pem, key.pem, as the docker
 * CLI reads them from DOCKER_CERT_PATH; only the owner may read them) from SEAT_CLIENT_ENV, and remove them.
 */
export function seatClientFilesCommands(dir: string): {
    create: string;
    delete: string;
    environment: (client: { ca: string; cert: string; key: string }) => Record<string, string>;
} {
    const d = shellQuote(dir);
    const write = (file: string, variable: string) => `printf '%s\\n' "$${variable}" > ${d}/${file}`;
    return {
        create: [
            "set -eu",
            "umask 077",
            `mkdir -p ${d}`,
            // umask applies to new files only: files left from before go first.
            `rm -f ${d}/ca.pem ${d}/cert.pem ${d}/key.pem`,
            write("ca.pem", SEAT_CLIENT_ENV.ca),
            write("cert.pem", SEAT_CLIENT_ENV.cert),
            write("key.pem", SEAT_CLIENT_ENV.key),
        ].join("\n"),
        // The class's folder goes with its last seat.
        delete: `rm -rf ${d}; rmdir ${shellQuote(dir.replace(/\/[^/]*$/, ""))} 2>/dev/null || true`,
        environment: (client) => ({
            [SEAT_CLIENT_ENV.ca]: client.ca.trimEnd(),
            [SEAT_CLIENT_ENV.cert]: client.cert.trimEnd(),
            [SEAT_CLIENT_ENV.key]: client.key.trimEnd(),
        }),
    };
}

/**
 * The commands that put the class registry on the seat's network (the seat pulls from it there, and
 * shares no network with another seat) and take it off again, on the class's engine.
 */
export function registryJoinCommands(seat: { network: { name: string }; registryName: string }): { create: string; delete: string } {
    const net = shellQuote(seat.network.name);
    const registry = shellQuote(seat.registryName);
    return {
        create: `docker container inspect --format '{{json .NetworkSettings.Networks}}' ${registry} | grep -q ${shellQuote(`"${seat.network.name}":`)} || docker network connect ${net} ${registry}`,
        // A registry already gone has left every network.
        delete: `if docker container inspect ${registry} >/dev/null 2>&1; then docker network disconnect --force ${net} ${registry}; fi`,
    };
}
