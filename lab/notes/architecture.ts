import type { ExerciseContext, LessonContext, NotesSection } from "./context";
import { t } from "./text";
import type { Exercise, LessonCheck } from "./types";

/** Section 01.04 Docker架构: Docker is a client talking to a daemon. */
function architectureChecks(ctx: LessonContext): LessonCheck[] {
    const { section } = ctx;
    return [
        {
            id: "01.04-client-server",
            teaches: [],
            ...section("01.04"),
            title: t("docker version 同时得到客户端和守护进程的回答", "docker version answers for client and daemon"),
            proves: t(
                "Docker 使用 C/S 模型：客户端发送 API 请求，守护进程（服务端）用它自己的版本作答。",
                "Docker is client/server: the CLI sends API requests and the daemon answers with its own version.",
            ),
            command:
                "docker version --format 'client {{.Client.Version}} api {{.Client.APIVersion}} / server {{.Server.Version}} api {{.Server.APIVersion}}'",
            expect: { kind: "matchesAll", patterns: ["^client [^ ]+ api [0-9.]+ / server [^ ]+ api [0-9.]+$"] },
        },
    ];
}

/** Section 01.04 Docker架构: the client and the daemon each answer for themselves; a container is a process of the daemon's host. */
function architectureExercises(ctx: ExerciseContext): Exercise[] {
    const { q, replica, file, removeFile, exercise } = ctx;
    const versionsFile = file("versions.txt");
    const pidFile = file("replica-pid.txt");
    const versions = "docker version --format '{{.Client.Version}}{{println}}{{.Server.Version}}'";
    return [
        exercise({
            id: "01.04-versions",
            section: "01.04",
            title: t("分别查询客户端和服务端的版本", "Ask the client and the daemon for their versions"),
            instructions: t(
                `Docker 使用 C/S 模型：docker 命令（客户端）向 Docker 守护进程（服务端）发送请求，服务端负责构建、运行和分发镜像。docker version 会分别回答两者的版本。把客户端的版本写在文件 ${versionsFile} 的第一行，服务端的版本写在第二行。`,
                `Docker is client/server: the docker command (the client) sends requests to the Docker daemon (the server), which builds, runs and distributes images. docker version answers for both. Write the client's version on the first line of the file ${versionsFile} and the server's version on the second.`,
            ),
            hints: [
                t(
                    "docker version --format '{{.Client.Version}}' 和 '{{.Server.Version}}' 各打印一个版本；第二个用 >> 追加。",
                    "docker version --format '{{.Client.Version}}' and '{{.Server.Version}}' each print one version; append the second with >>.",
                ),
                t(
                    `docker version --format '{{.Client.Version}}' > ${versionsFile} && docker version --format '{{.Server.Version}}' >> ${versionsFile}`,
                    `docker version --format '{{.Client.Version}}' > ${versionsFile} && docker version --format '{{.Server.Version}}' >> ${versionsFile}`,
                ),
            ],
            expected: t(
                `${versionsFile} 的第一行是客户端版本，第二行是服务端版本（docker version）`,
                `${versionsFile} with the client's version on line 1 and the server's on line 2 (docker version)`,
            ),
            check: { command: `cat ${q(versionsFile)}`, expect: { kind: "sameOutputAs", command: versions } },
            solution: [
                {
                    command: "docker version",
                    explain: t(
                        "Client 部分由 docker 命令自己回答；Server 部分来自守护进程（Engine）。两者版本可以不同，只要 API 版本相容。",
                        "The Client part is answered by the docker command itself; the Server part comes from the daemon (Engine). Their versions may differ as long as their API versions agree.",
                    ),
                },
                {
                    command: `docker version --format '{{.Client.Version}}' > ${q(versionsFile)}`,
                    explain: t("客户端版本写入第一行。", "The client's version goes on line 1."),
                },
                {
                    command: `docker version --format '{{.Server.Version}}' >> ${q(versionsFile)}`,
                    explain: t("服务端版本用 >> 追加为第二行。", "The server's version is appended as line 2 with >>."),
                },
            ],
            reset: [removeFile(versionsFile)],
            files: [versionsFile],
            teaches: [">", ">>"],
        }),
        exercise({
            id: "01.04-daemon-pid",
            section: "01.04",
            title: t("找到副本容器在宿主机上的进程号", "Find a replica's process ID on the daemon's host"),
            instructions: t(
                `Docker Daemon 是服务器组件，以守护进程运行，响应客户端的请求并翻译为系统调用：容器就是它在宿主机上启动的一个进程。docker inspect 显示这个进程在宿主机上的 PID（.State.Pid）。把副本容器 ${replica(0)} 的这个 PID 写入文件 ${pidFile}。`,
                `The Docker daemon is the server: it answers the client's requests by turning them into system calls, and a container is a process it started on its host. docker inspect shows that process's PID on the host (.State.Pid). Write the host PID of the replica ${replica(0)} into the file ${pidFile}.`,
            ),
            hints: [
                t(
                    "docker inspect --format '{{.State.Pid}}' 容器 只打印这个 PID。",
                    "docker inspect --format '{{.State.Pid}}' CONTAINER prints just that PID.",
                ),
                t(
                    `docker inspect --format '{{.State.Pid}}' ${replica(0)} > ${pidFile}`,
                    `docker inspect --format '{{.State.Pid}}' ${replica(0)} > ${pidFile}`,
                ),
            ],
            expected: t(
                `${pidFile} 里是 ${replica(0)} 在宿主机上的 PID（docker inspect 的 .State.Pid）`,
                `${pidFile} holding the host PID of ${replica(0)} (.State.Pid of docker inspect)`,
            ),
            check: {
                command: `tr -d ' \\r\\n' < ${q(pidFile)}`,
                expect: { kind: "sameOutputAs", command: `docker inspect --format '{{.State.Pid}}' ${q(replica(0))}` },
            },
            solution: [
                {
                    command: `docker inspect --format '{{.State.Pid}}' ${q(replica(0))} > ${q(pidFile)}`,
                    explain: t(
                        "客户端向守护进程询问容器的详情；.State.Pid 是应用在宿主机上的进程号。在 Linux 宿主机上 ps -p 这个 PID 会显示 node app.js，而在容器里它是 1 号进程。",
                        "The client asks the daemon for the container's details; .State.Pid is the app's process ID on the host. On a Linux host, ps -p with that PID shows node app.js, which is PID 1 inside the container.",
                    ),
                },
                {
                    command: `cat ${q(pidFile)}`,
                    explain: t(
                        "同一个进程，两个 PID：宿主机上的和容器命名空间里的。",
                        "One process, two PIDs: the host's and the one in the container's namespace.",
                    ),
                },
            ],
            reset: [removeFile(pidFile)],
            files: [pidFile],
            teaches: [">"],
        }),
    ];
}

export const architectureSection: NotesSection = {
    id: "01.04",
    heading: "01.04 Docker架构",
    checks: architectureChecks,
    exercises: architectureExercises,
};
