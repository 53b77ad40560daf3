import { IMAGE_REF_PLACEHOLDER } from "../constants";
import type { ExerciseContext, LessonContext, NotesSection } from "./context";
import { t } from "./text";
import type { Exercise, LessonCheck } from "./types";

/** Section 00 虚拟化容器介绍: containers share the host kernel, isolate processes, limit resources; images are layers. */
function virtualizationChecks(ctx: LessonContext): LessonCheck[] {
    const { exec, section, appMemoryMb } = ctx;
    return [
        {
            id: "00-shared-kernel",
            teaches: [],
            ...section("00"),
            title: t("容器运行在宿主机的内核上", "A container runs on the host's kernel"),
            proves: t(
                "容器内看到的内核版本就是 Docker 宿主机的内核版本：容器没有自己的内核。",
                "The kernel release seen inside a container is the engine host's: containers have no kernel of their own.",
            ),
            command: exec("uname -r"),
            expect: { kind: "sameOutputAs", command: "docker info --format '{{.KernelVersion}}'" },
        },
        {
            id: "00-pid-namespace",
            teaches: [],
            ...section("00"),
            title: t("应用是它自己的 PID 命名空间里的 1 号进程", "The app is PID 1 in its own PID namespace"),
            proves: t(
                "容器内的进程树从应用开始：容器是一个被隔离的进程，而不是一台机器。",
                "Inside the container the process tree starts at the app, so the container is an isolated process, not a machine.",
            ),
            command: `${exec("cat /proc/1/cmdline")} | tr '\\000' ' '`,
            expect: { kind: "matchesAll", patterns: ["^node app\\.js ?$"] },
        },
        {
            id: "00-cgroup-memory",
            teaches: [],
            ...section("00"),
            title: t("内存上限是一个 cgroup 限制", "The memory limit is a cgroup limit"),
            proves: t(
                "给容器设置的内存上限由内核的 cgroup 执行，在容器内可以看到（cgroup v2 或 v1）。",
                "The limit set on the container is enforced by the kernel's cgroup, visible from inside (cgroup v2 or v1).",
            ),
            command: exec("sh -c 'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes'"),
            expect: { kind: "equals", value: String(appMemoryMb * 1024 * 1024) },
        },
        {
            id: "00-image-layers",
            teaches: ["docker history"],
            ...section("00"),
            title: t("镜像是一层层叠起来的", "An image is a stack of layers"),
            proves: t(
                "docker history 列出镜像在联合文件系统（Union FS）中的各层，包括复制应用文件的那一层。",
                "docker history lists the union-filesystem layers of the image, including the one that copied the app in.",
            ),
            command: `docker history --no-trunc --format '{{.CreatedBy}}' ${IMAGE_REF_PLACEHOLDER}`,
            expect: { kind: "matchesAll", patterns: ["COPY", "HEALTHCHECK|healthcheck"] },
        },
    ];
}

/** Section 00 虚拟化容器介绍: a container runs on the host's kernel, is an isolated process, and its image is layers. */
function virtualizationExercises(ctx: ExerciseContext): Exercise[] {
    const { q, image, replica, name, label, file, removeContainer, removeFile, exercise } = ctx;
    const kernel = name("kernel");
    const pid1File = file("pid1.txt");
    const layerFile = file("copy-layer.txt");
    // PID 1's command line with NUL bytes (and any newline) as single spaces, no space at either end.
    const words = (input: string) => `${input} tr '\\000\\n' '  ' | tr -s ' ' | sed 's/^ //; s/ $//'`;
    return [
        exercise({
            id: "00-kernel",
            section: "00",
            title: t("证明容器使用宿主机的内核", "Show that a container runs on the host's kernel"),
            instructions: t(
                `容器内的应用进程直接运行于宿主的内核，容器内没有自己的内核。从本实验的镜像 ${image} 启动一个名为 ${kernel} 的容器，让它运行 uname -r（打印内核版本）。不要加 --rm，这样容器退出后还能用 docker logs 读到它的输出；再加上 label ${label}，方便实验清理它。检查会把它的输出和 Docker 宿主机的内核版本（docker info）比较。`,
                `A container's processes run directly on the host's kernel: a container has no kernel of its own. Start a container named ${kernel} from the lab's image ${image} that runs uname -r (prints the kernel release). Leave out --rm, so its output can still be read with docker logs after it exits, and add the label ${label} so the lab can clean it up. The check compares what it printed with the Docker host's kernel (docker info).`,
            ),
            hints: [
                t(
                    "docker run --name 名字 --label 标记 镜像 命令：从镜像创建一个容器并在其中运行这条命令。",
                    "docker run --name NAME --label LABEL IMAGE COMMAND creates a container from the image and runs the command in it.",
                ),
                t(
                    `docker run --name ${kernel} --label ${label} ${image} uname -r（如果名字已被占用，先 docker rm ${kernel}）`,
                    `docker run --name ${kernel} --label ${label} ${image} uname -r (if the name is taken, first docker rm ${kernel})`,
                ),
            ],
            expected: t(
                `容器 ${kernel} 的输出（docker logs）等于宿主机的内核版本（docker info --format '{{.KernelVersion}}'）`,
                `the output of container ${kernel} (docker logs) equal to the host's kernel release (docker info --format '{{.KernelVersion}}')`,
            ),
            check: {
                command: `docker logs ${q(kernel)}`,
                expect: { kind: "sameOutputAs", command: "docker info --format '{{.KernelVersion}}'" },
            },
            solution: [
                {
                    command: `docker run --name ${q(kernel)} --label ${q(label)} ${q(image)} uname -r`,
                    explain: t(
                        "从镜像启动一个容器，运行 uname -r 后退出；容器保留下来（没有 --rm），它的输出可以用 docker logs 再看。",
                        "Starts a container from the image that runs uname -r and exits; the container stays (no --rm), so docker logs can show its output again.",
                    ),
                },
                {
                    command: "docker info --format '{{.KernelVersion}}'",
                    explain: t(
                        "问 Docker 守护进程它所在主机的内核版本：和容器里打印的一样，因为容器没有自己的内核。",
                        "Asks the Docker daemon for its host's kernel release: the same as the container printed, because a container has no kernel of its own.",
                    ),
                },
            ],
            reset: [removeContainer(kernel)],
            files: [],
            teaches: ["docker run"],
        }),
        exercise({
            id: "00-pid1",
            section: "00",
            title: t("找出副本容器里的 1 号进程", "Find PID 1 inside a replica"),
            instructions: t(
                `Docker 用 Linux 内核的 Namespace 把进程隔离起来，被隔离的进程就是容器。容器里的进程树从应用开始：它在自己的 PID 命名空间里是 1 号进程。用 docker exec 读取副本容器 ${replica(0)} 里的 /proc/1/cmdline，把 1 号进程的命令行（各个词用空格分开）写入文件 ${pid1File}。`,
                `Docker isolates processes with the Linux kernel's namespaces; an isolated process is a container. Inside a container the process tree starts at the app: it is PID 1 in its own PID namespace. Read /proc/1/cmdline inside the replica ${replica(0)} with docker exec and write PID 1's command line (its words separated by spaces) into the file ${pid1File}.`,
            ),
            hints: [
                t(
                    "docker exec 容器 命令：在运行中的容器里执行命令。/proc/1/cmdline 里的各个词之间是 NUL 字节，用 tr '\\000' ' ' 换成空格。",
                    "docker exec CONTAINER COMMAND runs a command in a running container. The words in /proc/1/cmdline are separated by NUL bytes: tr '\\000' ' ' turns them into spaces.",
                ),
                t(
                    `docker exec ${replica(0)} cat /proc/1/cmdline | tr '\\000' ' ' > ${pid1File}`,
                    `docker exec ${replica(0)} cat /proc/1/cmdline | tr '\\000' ' ' > ${pid1File}`,
                ),
            ],
            expected: t(
                `${pid1File} 里是 ${replica(0)} 中 1 号进程的命令行（/proc/1/cmdline）`,
                `${pid1File} holding the command line of PID 1 in ${replica(0)} (/proc/1/cmdline)`,
            ),
            check: {
                command: words(`< ${q(pid1File)}`),
                expect: { kind: "sameOutputAs", command: words(`docker exec ${q(replica(0))} cat /proc/1/cmdline |`) },
            },
            solution: [
                {
                    command: `docker exec ${q(replica(0))} cat /proc/1/cmdline | tr '\\000' ' ' > ${q(pid1File)}`,
                    explain: t(
                        "在副本容器里读取 1 号进程的命令行，把 NUL 换成空格，用 > 写入文件。",
                        "Reads PID 1's command line inside the replica, turns the NUL bytes into spaces and writes it into the file with >.",
                    ),
                },
                {
                    command: `cat ${q(pid1File)}`,
                    explain: t(
                        "1 号进程就是应用 node app.js：容器是一个被隔离的进程，而不是一台带着 init 的机器。",
                        "PID 1 is the app, node app.js: a container is an isolated process, not a machine with an init system.",
                    ),
                },
            ],
            reset: [removeFile(pid1File)],
            files: [pid1File],
            teaches: ["docker exec", ">"],
        }),
        exercise({
            id: "00-layers",
            section: "00",
            title: t("找出复制应用文件的那一层", "Find the layer that copied the app files"),
            instructions: t(
                `镜像是由 Union FS（联合文件系统）的一层层叠起来的，Dockerfile 的每一步构成一层。用 docker history 列出镜像 ${image} 的各层，找到由 COPY（复制 package.json 和 app.js）产生的那一层，把它的大小（docker history 的 SIZE 列，例如 1.5kB）写入文件 ${layerFile}。`,
                `An image is a stack of Union FS layers; each step of the Dockerfile makes one. List the layers of the image ${image} with docker history, find the one made by the COPY of package.json and app.js, and write its size (the SIZE column of docker history, e.g. 1.5kB) into the file ${layerFile}.`,
            ),
            hints: [
                t(
                    "docker history 镜像：每层一行，最新的在最上面；CREATED BY 列是产生这一层的 Dockerfile 指令。",
                    "docker history IMAGE prints one line per layer, newest first; the CREATED BY column is the Dockerfile step that made it.",
                ),
                t(
                    `docker history ${image} | grep COPY 显示那一行；把它的 SIZE 写进去：echo 大小 > ${layerFile}`,
                    `docker history ${image} | grep COPY shows the line; write its SIZE: echo SIZE > ${layerFile}`,
                ),
            ],
            expected: t(
                `${layerFile} 里是 COPY 那一层的大小，和 docker history 显示的一样`,
                `${layerFile} holding the size of the COPY layer, as docker history shows it`,
            ),
            check: {
                command: `tr -d ' \\r\\n' < ${q(layerFile)}`,
                expect: {
                    kind: "sameOutputAs",
                    command: `docker history --no-trunc --format '{{.CreatedBy}}|{{.Size}}' ${IMAGE_REF_PLACEHOLDER} | grep COPY | head -n 1 | cut -d '|' -f 2`,
                },
            },
            solution: [
                {
                    command: `docker history ${q(image)}`,
                    explain: t(
                        "列出镜像的各层：基础镜像的层在最下面，Dockerfile 的每一步在它上面加一层（很多层大小为 0B，只改了元数据）。",
                        "Lists the image's layers: the base image at the bottom, one layer per Dockerfile step above it (many are 0B: they change only metadata).",
                    ),
                },
                {
                    command: `docker history --no-trunc --format '{{.CreatedBy}}|{{.Size}}' ${q(image)} | grep COPY | cut -d '|' -f 2 > ${q(layerFile)}`,
                    explain: t(
                        "只取 COPY 那一层的大小，用 > 写入文件：这一层就是复制进镜像的应用文件。",
                        "Keeps only the size of the COPY layer and writes it into the file with >: that layer holds the app files copied into the image.",
                    ),
                },
            ],
            reset: [removeFile(layerFile)],
            files: [layerFile],
            teaches: ["docker history"],
        }),
    ];
}

export const virtualizationSection: NotesSection = {
    id: "00",
    heading: "00 虚拟化容器介绍",
    checks: virtualizationChecks,
    exercises: virtualizationExercises,
};
