import type { LessonContext } from "./context";
import type { LessonCheck } from "./types";

/** Section 01.04 Docker架构: Docker is a client talking to a daemon. */
export function architectureChecks(ctx: LessonContext): LessonCheck[] {
    const { section } = ctx;
    return [
        {
            id: "01.04-client-server",
            teaches: [],
            ...section("01.04"),
            title: "docker version answers for client and daemon",
            proves: "Docker is client/server: the CLI sends API requests and the daemon answers with its own version.",
            titleZh: "docker version 同时得到客户端和守护进程的回答",
            provesZh: "Docker 使用 C/S 模型：客户端发送 API 请求，守护进程（服务端）用它自己的版本作答。",
            command:
                "docker version --format 'client {{.Client.Version}} api {{.Client.APIVersion}} / server {{.Server.Version}} api {{.Server.APIVersion}}'",
            expect: { kind: "matchesAll", patterns: ["^client [^ ]+ api [0-9.]+ / server [^ ]+ api [0-9.]+$"] },
        },
    ];
}
