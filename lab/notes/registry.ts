import type { ExerciseContext, LessonContext, NotesSection } from "./context";
import { t } from "./text";
import type { Exercise, LessonCheck } from "./types";

/** Section 01.03 仓库 Repository: the local registry serves the image; Docker Hub is the default registry. */
function registryChecks(ctx: LessonContext): LessonCheck[] {
    const { registryCurl, section, spec } = ctx;
    return [
        {
            id: "01.03-registry-catalog",
            teaches: [],
            ...section("01.03"),
            title: t("仓库目录列出了仓库名和标签", "The registry catalog lists the repository and tag"),
            proves: t(
                "本地仓库像 Docker Hub 一样，通过 Registry HTTP API v2 集中存储和分发镜像。",
                "The local registry stores and distributes the image like Docker Hub does, through the Registry HTTP API v2.",
            ),
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
            title: t("Docker Hub 是默认仓库", "Docker Hub is the default registry"),
            proves: t(
                "不带仓库地址的镜像名（node、registry）从 Docker Hub 拉取，它是引擎的 index server。",
                "An image name without a registry host (node, registry) is pulled from Docker Hub, the engine's index server.",
            ),
            command: "docker info --format '{{.IndexServerAddress}}'",
            expect: { kind: "matchesAll", patterns: ["^https://index\\.docker\\.io/v1/?$"] },
        },
    ];
}

/** Section 01.03 仓库 Repository: ask the local registry what it stores; find the default registry. */
function registryExercises(ctx: ExerciseContext): Exercise[] {
    const { q, spec, file, registryUrl, removeFile, exercise } = ctx;
    const catalogFile = file("registry.txt");
    const defaultFile = file("default-registry.txt");
    const catalogUrl = `${registryUrl}/v2/_catalog`;
    const tagsUrl = `${registryUrl}/v2/${spec.image.registryPath}/tags/list`;
    return [
        exercise({
            id: "01.03-catalog",
            section: "01.03",
            title: t("查询本地仓库存了哪些镜像", "Ask the local registry what it stores"),
            instructions: t(
                `仓库（Registry）是类似 GitHub 的集中存储和分发镜像的服务。本实验的本地仓库在 ${registryUrl} 提供 Registry HTTP API v2。用 curl 取得它的目录 ${catalogUrl}，用 > 写入文件 ${catalogFile}；再取得仓库 ${spec.image.registryPath} 的标签列表 ${tagsUrl}，用 >> 追加到同一个文件。`,
                `A registry stores and distributes images centrally, as GitHub does for code. The lab's local registry serves the Registry HTTP API v2 at ${registryUrl}. Fetch its catalog ${catalogUrl} with curl and write it into the file ${catalogFile} with >; then fetch the tag list of the repository ${spec.image.registryPath}, ${tagsUrl}, and append it to the same file with >>.`,
            ),
            hints: [
                t(
                    "curl -s 地址 > 文件 写入；curl -s 地址 >> 文件 追加到文件末尾。",
                    "curl -s URL > FILE writes; curl -s URL >> FILE appends to the end of the file.",
                ),
                t(
                    `curl -s ${catalogUrl} > ${catalogFile} && curl -s ${tagsUrl} >> ${catalogFile}`,
                    `curl -s ${catalogUrl} > ${catalogFile} && curl -s ${tagsUrl} >> ${catalogFile}`,
                ),
            ],
            expected: t(
                `${catalogFile} 里有目录（"repositories"，含 "${spec.image.registryPath}"）和标签列表（"tags"，含 "${spec.image.tag}"）`,
                `${catalogFile} holding the catalog ("repositories", with "${spec.image.registryPath}") and the tag list ("tags", with "${spec.image.tag}")`,
            ),
            check: {
                command: `cat ${q(catalogFile)}`,
                expect: {
                    kind: "containsAll",
                    values: ['"repositories"', `"${spec.image.registryPath}"`, '"tags"', `"${spec.image.tag}"`],
                },
            },
            solution: [
                {
                    command: `curl -s ${q(catalogUrl)} > ${q(catalogFile)}`,
                    explain: t("目录列出仓库里的每个仓库名（repository）。", "The catalog lists every repository the registry stores."),
                },
                {
                    command: `curl -s ${q(tagsUrl)} >> ${q(catalogFile)}`,
                    explain: t(
                        "标签列表列出一个仓库的所有标签；>> 把它追加到文件末尾。",
                        "The tag list names every tag of one repository; >> appends it to the file.",
                    ),
                },
                {
                    command: `cat ${q(catalogFile)}`,
                    explain: t(
                        "仓库名和标签一起唯一确定一个镜像，就像 docker pull 用到的名字。",
                        "Repository and tag together name one image, just as docker pull uses them.",
                    ),
                },
            ],
            reset: [removeFile(catalogFile)],
            files: [catalogFile],
            teaches: [">", ">>", "cat"],
        }),
        exercise({
            id: "01.03-default-registry",
            section: "01.03",
            title: t("找出默认的仓库", "Find the default registry"),
            instructions: t(
                `镜像名里没有仓库地址时（例如 centos、node），Docker 从默认仓库 Docker Hub（hub.docker.com）拉取。docker info 会显示守护进程使用的 index server 地址。把这个地址写入文件 ${defaultFile}。`,
                `When an image name has no registry address (centos, node), Docker pulls it from the default registry, Docker Hub (hub.docker.com). docker info shows the index server address the daemon uses. Write that address into the file ${defaultFile}.`,
            ),
            hints: [
                t(
                    "docker info --format '{{.IndexServerAddress}}' 只打印这一个值。",
                    "docker info --format '{{.IndexServerAddress}}' prints just that value.",
                ),
                t(
                    `docker info --format '{{.IndexServerAddress}}' > ${defaultFile}`,
                    `docker info --format '{{.IndexServerAddress}}' > ${defaultFile}`,
                ),
            ],
            expected: t(
                `${defaultFile} 里是守护进程的 index server 地址（docker info）`,
                `${defaultFile} holding the daemon's index server address (docker info)`,
            ),
            check: {
                command: `grep -Eo 'https?://[^ ]+' ${q(defaultFile)} | head -n 1`,
                expect: { kind: "sameOutputAs", command: "docker info --format '{{.IndexServerAddress}}'" },
            },
            solution: [
                {
                    command: `docker info --format '{{.IndexServerAddress}}' > ${q(defaultFile)}`,
                    explain: t(
                        "守护进程的 index server：https://index.docker.io/v1/ 就是 Docker Hub。",
                        "The daemon's index server: https://index.docker.io/v1/ is Docker Hub.",
                    ),
                },
                {
                    command: `cat ${q(defaultFile)}`,
                    explain: t(
                        "所以 docker pull centos 的意思是 docker pull docker.io/library/centos:latest。",
                        "So docker pull centos means docker pull docker.io/library/centos:latest.",
                    ),
                },
            ],
            reset: [removeFile(defaultFile)],
            files: [defaultFile],
            teaches: [">"],
        }),
    ];
}

export const registrySection: NotesSection = {
    id: "01.03",
    heading: "01.03 仓库 Repository",
    checks: registryChecks,
    exercises: registryExercises,
};
