import { LABEL } from "../../constants";
import { escapeRegex, type LessonContext } from "../../notes/context";
import { t } from "../../notes/text";
import type { LessonCheck } from "../../notes/types";
import { type ServiceSpec, type SwarmApp, taskHostnameBase } from "./services";

/**
 * The swarm variants of the checks that look at the app's containers: in swarm mode the app is one
 * service whose tasks are containers with generated names (<service>.<slot>.<task id>), spread over
 * the nodes, each answering with the hostname of its slot.
 */

/** A task container's name on its node: <service>.<slot>.<task id>. */
const taskContainerPattern = (service: ServiceSpec) => `${escapeRegex(service.name)}\\.[0-9]+\\.[a-z0-9]+`;

const tasks = (n: number) => `${n} task${n === 1 ? "" : "s"}`;

/** Section 01.02 in swarm mode: docker ps and docker container ls list the task containers on this engine; docker service ps every task. */
export function swarmContainerListingChecks(ctx: LessonContext, swarm: SwarmApp): LessonCheck[] {
    const { q, section, labFilters } = ctx;
    const app = swarm.service;
    return [
        {
            id: "01.02-ps",
            teaches: ["docker ps"],
            ...section("01.02"),
            title: t(
                "docker ps 列出本引擎上应用服务的任务容器，正在运行且健康",
                "docker ps lists the app's task containers on this engine, running and healthy",
            ),
            proves: t(
                "Swarm 服务的每个任务都是所在节点上的一个普通容器，带有服务的健康检查：本引擎上的任务容器都在运行并且健康。",
                "Each task of a swarm service is an ordinary container on its node, with the service's healthcheck: the ones on this engine are up and healthy.",
            ),
            command: `docker ps ${labFilters} --filter ${q(`label=${LABEL.role}=app`)} --format '{{.Names}} {{.Status}}'`,
            expect: { kind: "matchesAll", patterns: [`^${taskContainerPattern(app)} Up .*\\(healthy\\)$`] },
        },
        {
            id: "01.02-container-ls",
            teaches: ["docker container ls"],
            ...section("01.02"),
            title: t("docker container ls 就是 docker ps", "docker container ls is docker ps"),
            proves: t(
                "docker container ls 和 docker ps 列出同样的运行中容器：本引擎上应用服务的任务容器。",
                "docker container ls lists the same running containers as docker ps: the app's tasks on this engine.",
            ),
            command: `docker container ls ${labFilters} --filter ${q(`label=${LABEL.role}=app`)} --format '{{.Names}}'`,
            expect: { kind: "matchesAll", patterns: [`^${taskContainerPattern(app)}$`] },
        },
        {
            id: "01.02-service-ps",
            teaches: [],
            ...section("01.02"),
            title: t(
                `docker service ps 显示应用服务的 ${app.replicas} 个任务都在运行`,
                `docker service ps shows the ${tasks(app.replicas)} of the app service running`,
            ),
            proves: t(
                "Swarm 把应用作为一个有 N 个任务的服务来运行，任务放在它选择的节点上；每个任务都在运行（健康），失败的任务会被 Swarm 替换。",
                "Swarm runs the app as one service of N tasks, on the nodes it picks; each task is running (healthy), and swarm replaces one that fails.",
            ),
            // Slots are not renumbered: after a scale-down the running tasks may be slots 1 and 3, so the tasks are counted.
            command:
                `docker service ps ${q(app.name)} --filter desired-state=running --format '{{.Name}} {{.Node}} {{.CurrentState}}'` +
                ` | { n=0; while read -r task node state rest; do echo "$task $node $state $rest"; [ "$state" = Running ] && n=$((n + 1)); done; echo "running tasks: $n"; }`,
            expect: {
                kind: "matchesAll",
                patterns: [`^${escapeRegex(app.name)}\\.[0-9]+ [^ ]+ Running `, `^running tasks: ${app.replicas}$`],
            },
        },
    ];
}

/** Requests through the mesh: enough for its round robin to reach every task a few times over. */
export function meshRequests(replicas: number): number {
    return Math.max(4, 3 * replicas);
}

/**
 * Section 02 in swarm mode: HTTP reaches every task, by hostname (so more than one task when there
 * are several). Through the ingress mesh, requests to the one URL spread over the tasks; in host
 * mode each node's port answers for the one task on it, so the check asks every node of the swarm.
 */
export function swarmHttpChecks(ctx: LessonContext, swarm: SwarmApp): LessonCheck[] {
    const { q, section, spec } = ctx;
    const app = swarm.service;
    const port = app.task.ports[0].external;
    // Slots are not renumbered after a scale-down, so the answers are counted by distinct task hostname, not matched to slots 1..N.
    const distinct = `distinct task hostnames: ${app.replicas}`;
    const answers = [`"app":"hellodocker"`, `"lab":"${spec.instance}"`, distinct];
    const hostnamePattern = `"hostname":"${escapeRegex(taskHostnameBase(app.name))}-[0-9]+"`;
    /** Runs `requests` (curl commands printing the app's JSON), shows every answer, then how many distinct task hostnames answered. */
    const countHostnames = (requests: string) =>
        `answers=$(${requests}); printf '%s\\n' "$answers"; ` +
        `echo "distinct task hostnames: $(printf '%s\\n' "$answers" | grep -Eo ${q(hostnamePattern)} | sort -u | wc -l | tr -d ' ')"`;
    if (swarm.publishMode === "ingress") {
        const n = meshRequests(app.replicas);
        const url = `${spec.appUrls[0]}/`;
        return [
            {
                id: "02-http-tasks",
                teaches: [],
                ...section("02"),
                title: t(
                    `通过路由网格的 HTTP 请求到达每个任务（向 ${spec.appUrls[0]} 发送 ${n} 个请求）`,
                    `HTTP through the routing mesh reaches every task (${n} requests to ${spec.appUrls[0]})`,
                ),
                proves: t(
                    `打包好的应用作为一个服务的 ${app.replicas} 个任务运行；ingress 路由网格把发往端口 ${port} 的请求分给这些任务，所以响应里有每个任务的主机名。`,
                    `The packaged app runs as ${tasks(app.replicas)} of one service; the ingress mesh spreads the requests to port ${port} over them, so the answers carry every task's hostname.`,
                ),
                command: countHostnames(
                    `i=0; while [ "$i" -lt ${n} ]; do curl -fsS --max-time 5 ${q(url)} || exit 1; echo; i=$((i + 1)); done`,
                ),
                expect: { kind: "containsAll", values: answers },
            },
        ];
    }
    return [
        {
            id: "02-http-tasks",
            teaches: [],
            ...section("02"),
            title: t(
                `每个节点的端口 ${port} 用它运行的任务响应（host 发布模式）`,
                `Each node's port ${port} answers with the task it runs (publishMode host)`,
            ),
            proves: t(
                `host 模式下，节点只为它运行的任务发布端口 ${port}，而且最多运行一个任务：逐个询问 Swarm 的每个节点（地址来自 docker node inspect），` +
                    `就能按主机名到达全部 ${app.replicas} 个任务。没有任务的节点不响应；单个节点只运行一个任务。`,
                `In host mode a node publishes port ${port} only for the task it runs, and runs at most one: asking every node of the swarm ` +
                    `(docker node inspect gives their addresses) reaches each of the ${tasks(app.replicas)}, by hostname. ` +
                    "A node without a task does not answer; a single node runs a single task.",
            ),
            command: countHostnames(
                `for addr in $(docker node inspect --format '{{.Status.Addr}}' $(docker node ls --quiet)); do curl -fsS --max-time 5 "http://$addr:${port}/" && echo; done; true`,
            ),
            expect: { kind: "containsAll", values: answers },
        },
    ];
}
