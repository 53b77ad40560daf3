import { IMAGE_REF_PLACEHOLDER } from "../constants";
import type { LessonContext } from "./context";
import type { LessonCheck } from "./types";

/** Section 00 虚拟化容器介绍: containers share the host kernel, isolate processes, limit resources; images are layers. */
export function virtualizationChecks(ctx: LessonContext): LessonCheck[] {
    const { exec, section, config } = ctx;
    return [
        {
            id: "00-shared-kernel",
            teaches: [],
            ...section("00"),
            title: "A container runs on the host's kernel",
            proves: "The kernel release seen inside a container is the engine host's: containers have no kernel of their own.",
            command: exec("uname -r"),
            expect: { kind: "sameOutputAs", command: "docker info --format '{{.KernelVersion}}'" },
        },
        {
            id: "00-pid-namespace",
            teaches: [],
            ...section("00"),
            title: "The app is PID 1 in its own PID namespace",
            proves: "Inside the container the process tree starts at the app, so the container is an isolated process, not a machine.",
            command: `${exec("cat /proc/1/cmdline")} | tr '\\000' ' '`,
            expect: { kind: "matchesAll", patterns: ["^node app\\.js ?$"] },
        },
        {
            id: "00-cgroup-memory",
            teaches: [],
            ...section("00"),
            title: "The memory limit is a cgroup limit",
            proves: "The limit set on the container is enforced by the kernel's cgroup, visible from inside (cgroup v2 or v1).",
            command: exec("sh -c 'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes'"),
            expect: { kind: "equals", value: String(config.memoryLimitMb * 1024 * 1024) },
        },
        {
            id: "00-image-layers",
            teaches: ["docker history"],
            ...section("00"),
            title: "An image is a stack of layers",
            proves: "docker history lists the union-filesystem layers of the image, including the one that copied the app in.",
            command: `docker history --no-trunc --format '{{.CreatedBy}}' ${IMAGE_REF_PLACEHOLDER}`,
            expect: { kind: "matchesAll", patterns: ["COPY", "HEALTHCHECK|healthcheck"] },
        },
    ];
}
