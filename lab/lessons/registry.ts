import type { LessonContext } from "./context";
import type { LessonCheck } from "./types";

/** Section 01.03 仓库 Repository: the local registry serves the image; Docker Hub is the default registry. */
export function registryChecks(ctx: LessonContext): LessonCheck[] {
    const { registryCurl, section, spec } = ctx;
    return [
        {
            id: "01.03-registry-catalog",
            teaches: [],
            ...section("01.03"),
            title: "The registry catalog lists the repository and tag",
            proves: "The local registry stores and distributes the image like Docker Hub does, through the Registry HTTP API v2.",
            titleZh: "仓库目录列出了仓库名和标签",
            provesZh: "本地仓库像 Docker Hub 一样，通过 Registry HTTP API v2 集中存储和分发镜像。",
            command: `${registryCurl(`${spec.registry.url}/v2/_catalog`)} && echo && ${registryCurl(`${spec.registry.url}/v2/${spec.image.registryPath}/tags/list`)}`,
            expect: {
                kind: "containsAll",
                values: [`"${spec.image.registryPath}"`, `"${spec.image.tag}"`],
            },
        },
        {
            id: "01.03-default-registry",
            teaches: [],
            ...section("01.03"),
            title: "Docker Hub is the default registry",
            proves: "An image name without a registry host (node, registry) is pulled from Docker Hub, the engine's index server.",
            titleZh: "Docker Hub 是默认仓库",
            provesZh: "不带仓库地址的镜像名（node、registry）从 Docker Hub 拉取，它是引擎的 index server。",
            command: "docker info --format '{{.IndexServerAddress}}'",
            expect: { kind: "matchesAll", patterns: ["^https://index\\.docker\\.io/v1/?$"] },
        },
    ];
}
