import type { LessonContext } from "./context";
import { swarmHttpChecks } from "./swarm";
import type { LessonCheck } from "./types";

/** Section 02 打包程序: every replica of the packaged app answers HTTP on its published port (swarm mode: every task). */
export function packagingChecks(ctx: LessonContext): LessonCheck[] {
    const { q, section, spec } = ctx;
    if (spec.swarm?.app) return swarmHttpChecks(ctx);
    return spec.replicas.map(
        (replica, index): LessonCheck => ({
            id: `02-http-${index}`,
            teaches: [],
            ...section("02"),
            title: `Replica ${index} answers HTTP on its published port`,
            proves: `The packaged app runs as ${replica.name} and answers on ${spec.appUrls[index]}.`,
            titleZh: `副本 ${index} 在它发布的端口上响应 HTTP`,
            provesZh: `打包好的应用作为 ${replica.name} 运行，并在 ${spec.appUrls[index]} 上响应。`,
            command: `curl -fsS ${q(`${spec.appUrls[index]}/`)}`,
            expect: {
                kind: "containsAll",
                values: [`"app":"hellodocker"`, `"hostname":"${replica.hostname}"`, `"lab":"${spec.instance}"`],
            },
        }),
    );
}
