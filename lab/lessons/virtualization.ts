import { IMAGE_REF_PLACEHOLDER } from "../constants";
import type { LessonContext } from "./context";
import type { LessonCheck } from "./types";

/** Section 00 虚拟化容器介绍: containers share the host kernel, isolate processes, limit resources; images are layers. */
export function virtualizationChecks(ctx: LessonContext): LessonCheck[] {
    const { exec, section, appMemoryMb } = ctx;
    return [
        {
            id: "00-shared-kernel",
            teaches: [],
            ...section("00"),
            title: "A container runs on the host's kernel",
            proves: "The kernel release seen inside a container is the engine host's: containers have no kernel of their own.",
            titleZh: "容器运行在宿主机的内核上",
            provesZh: "容器内看到的内核版本就是 Docker 宿主机的内核版本：容器没有自己的内核。",
            command: exec("uname -r"),
            expect: { kind: "sameOutputAs", command: "docker info --format '{{.KernelVersion}}'" },
        },
        {
            id: "00-pid-namespace",
            teaches: [],
            ...section("00"),
            title: "The app is PID 1 in its own PID namespace",
            proves: "Inside the container the process tree starts at the app, so the container is an isolated process, not a machine.",
            titleZh: "应用是它自己的 PID 命名空间里的 1 号进程",
            provesZh: "容器内的进程树从应用开始：容器是一个被隔离的进程，而不是一台机器。",
            command: `${exec("cat /proc/1/cmdline")} | tr '\\000' ' '`,
            expect: { kind: "matchesAll", patterns: ["^node app\\.js ?$"] },
        },
        {
            id: "00-cgroup-memory",
            teaches: [],
            ...section("00"),
            title: "The memory limit is a cgroup limit",
            proves: "The limit set on the container is enforced by the kernel's cgroup, visible from inside (cgroup v2 or v1).",
            titleZh: "内存上限是一个 cgroup 限制",
            provesZh: "给容器设置的内存上限由内核的 cgroup 执行，在容器内可以看到（cgroup v2 或 v1）。",
            command: exec("sh -c 'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes'"),
            expect: { kind: "equals", value: String(appMemoryMb * 1024 * 1024) },
        },
        {
            id: "00-image-layers",
            teaches: ["docker history"],
            ...section("00"),
            title: "An image is a stack of layers",
            proves: "docker history lists the union-filesystem layers of the image, including the one that copied the app in.",
            titleZh: "镜像是一层层叠起来的",
            provesZh: "docker history 列出镜像在联合文件系统（Union FS）中的各层，包括复制应用文件的那一层。",
            command: `docker history --no-trunc --format '{{.CreatedBy}}' ${IMAGE_REF_PLACEHOLDER}`,
            expect: { kind: "matchesAll", patterns: ["COPY", "HEALTHCHECK|healthcheck"] },
        },
    ];
}
