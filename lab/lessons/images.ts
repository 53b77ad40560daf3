import { IMAGE_DIGEST_PLACEHOLDER, IMAGE_REF_PLACEHOLDER } from "../constants";
import { dockerBuildArgs } from "../dockerArgs";
import type { LessonContext } from "./context";
import type { LessonCheck } from "./types";

/** Section 01.01 镜像 Image: list, filter, run, build, tag/push/pull, save, remove, import and search images. */
export function imagesChecks(ctx: LessonContext): LessonCheck[] {
    const { q, hostAppFile, inImage, lessonTag, scratchName, docker, section, instanceLabel, spec, registryCurl, registryLogin } = ctx;
    return [
        {
            id: "01.01-image-ls",
            teaches: ["docker image ls"],
            ...section("01.01"),
            title: "docker image ls shows the built image and its tag",
            proves: "The image built from app/Dockerfile is in the engine's image store under the lab's repository and tag.",
            titleZh: "docker image ls 显示构建好的镜像和它的标签",
            provesZh: "由 app/Dockerfile 构建的镜像以本实验的仓库名和标签保存在引擎的镜像存储中。",
            command: `docker image ls --filter ${q(`reference=${spec.image.name}`)} --format '{{.Repository}}:{{.Tag}}'`,
            expect: { kind: "equals", value: spec.image.name },
        },
        {
            id: "01.01-images-filter",
            teaches: ["docker images"],
            ...section("01.01"),
            title: "docker images -f filters the image list",
            proves: "docker images -f label=... lists only the images this lab built, by the label its Dockerfile sets.",
            titleZh: "docker images -f 过滤镜像列表",
            provesZh: "docker images -f label=... 只列出本实验构建的镜像，依据是它的 Dockerfile 设置的 label。",
            command: `docker images -f ${q(`label=${instanceLabel}`)} -f ${q(`reference=${spec.image.name}`)} --format '{{.Repository}}:{{.Tag}}'`,
            expect: { kind: "equals", value: spec.image.name },
        },
        {
            id: "01.01-run",
            teaches: ["docker run"],
            ...section("01.01"),
            title: "docker run starts a one-shot container from the image",
            proves: "docker run creates a container from an image and runs a command in it; --rm removes it afterwards (the notes' docker run -it, without a terminal).",
            titleZh: "docker run 从镜像启动一个一次性容器",
            provesZh:
                "docker run 从镜像创建容器并在其中运行一条命令；--rm 让容器在命令结束后被删除（即笔记中的 docker run -it，只是没有终端）。",
            command: `docker run --rm ${IMAGE_REF_PLACEHOLDER} cat /etc/os-release`,
            expect: { kind: "matchesAll", patterns: ["^NAME=", "^ID="] },
            substitutes: {
                notesCommand: "docker run -it centos /bin/bash",
                reason: "an interactive shell needs a terminal; the check runs one command in a one-shot container of the lab's image instead",
                reasonZh: "交互式 shell 需要终端；检查改为在本实验镜像的一次性容器中运行一条命令",
            },
        },
        {
            id: "01.01-build",
            teaches: ["docker build"],
            ...section("01.01"),
            title: "docker build makes an image from the Dockerfile",
            proves: "docker build --tag (the notes' -t) turns app/Dockerfile and the files beside it into a tagged image that runs the app.",
            titleZh: "docker build 从 Dockerfile 构建镜像",
            provesZh: "docker build --tag（笔记中的 -t）把 app/Dockerfile 和它旁边的文件构建成一个带标签、能运行应用的镜像。",
            command: [
                // In a class the students' builds run at once: one that reused another's cached layers
                // failed when that one's clean-up (docker rmi) deleted them mid-build (measured, Docker
                // 20.10). Without the cache each build's layers are its own.
                docker(dockerBuildArgs({ ...spec.image, name: lessonTag("build") }, { quiet: true, noCache: spec.student !== undefined })),
                `docker run --rm ${q(lessonTag("build"))} cat ${inImage("package.json")}`,
            ].join(" && "),
            // The legacy builder adds a deprecation notice; only these lines matter.
            expect: { kind: "matchesAll", patterns: ["^sha256:[0-9a-f]{64}$", '"name": "hellodocker"'] },
            cleanup: `docker rmi ${q(lessonTag("build"))}`,
        },
        {
            id: "01.01-tag-push-pull",
            teaches: ["docker tag", "docker push", "docker image rm", "docker pull"],
            ...section("01.01"),
            title: "docker tag, push and pull through the local registry",
            proves: "A new tag of the image goes to the local registry and comes back from it with the same digest.",
            titleZh: "通过本地仓库执行 docker tag、push 和 pull",
            provesZh: "镜像的一个新标签被推送到本地仓库，再从仓库拉取回来，摘要（digest）不变。",
            command: [
                `docker tag ${IMAGE_REF_PLACEHOLDER} ${q(lessonTag("roundtrip"))}`,
                `docker push ${q(lessonTag("roundtrip"))}`,
                `docker image rm ${q(lessonTag("roundtrip"))}`,
                `docker pull ${q(lessonTag("roundtrip"))}`,
            ].join(" && "),
            expect: { kind: "containsAll", values: [`Digest: ${IMAGE_DIGEST_PLACEHOLDER}`] },
            cleanup: `docker image rm ${q(lessonTag("roundtrip"))}`,
            ...registryLogin,
        },
        {
            id: "01.01-save",
            teaches: ["docker save"],
            ...section("01.01"),
            title: "docker save writes the image to a tar file",
            proves: "An image is portable data: docker save streams its manifest and layers as a tar archive.",
            titleZh: "docker save 把镜像保存为 tar 文件",
            provesZh: "镜像是可以搬运的数据：docker save 把它的清单（manifest）和各层输出为一个 tar 归档。",
            command: `docker save ${IMAGE_REF_PLACEHOLDER} | tar -tf -`,
            expect: { kind: "matchesAll", patterns: ["^manifest\\.json$"] },
        },
        {
            id: "01.01-rmi",
            teaches: ["docker tag", "docker image rm", "docker rmi"],
            ...section("01.01"),
            title: "docker image rm and docker rmi remove tags",
            proves: "Removing an image by name only untags it while other tags or containers still use its layers.",
            titleZh: "docker image rm 和 docker rmi 删除标签",
            provesZh: "只要还有别的标签或容器在使用镜像的层，按名字删除镜像只会去掉这个标签（Untagged）。",
            command: [
                `docker tag ${IMAGE_REF_PLACEHOLDER} ${q(lessonTag("rm"))}`,
                `docker tag ${IMAGE_REF_PLACEHOLDER} ${q(lessonTag("rmi"))}`,
                `docker image rm ${q(lessonTag("rm"))}`,
                `docker rmi ${q(lessonTag("rmi"))}`,
            ].join(" && "),
            expect: { kind: "containsAll", values: [`Untagged: ${lessonTag("rm")}`, `Untagged: ${lessonTag("rmi")}`] },
            cleanup: `docker rmi ${q(lessonTag("rm"))} ${q(lessonTag("rmi"))}`,
        },
        {
            id: "01.01-import",
            teaches: ["docker import"],
            ...section("01.01"),
            title: "docker import makes an image from a filesystem tarball",
            proves: "A container's filesystem exported as a tar becomes a new single-layer image that runs the same files.",
            titleZh: "docker import 从文件系统 tarball 创建镜像",
            provesZh: "容器的文件系统导出为 tar 后再导入，成为一个新的单层镜像，运行的是同样的文件。",
            command: [
                `docker create --name ${q(scratchName("export"))} --label ${q(instanceLabel)} ${IMAGE_REF_PLACEHOLDER} >/dev/null`,
                `docker export ${q(scratchName("export"))} | docker import --change ${q(`LABEL ${instanceLabel}`)} - ${q(`${scratchName("imported")}:lesson`)} >/dev/null`,
                `docker run --rm ${q(`${scratchName("imported")}:lesson`)} cat ${inImage("package.json")}`,
            ].join(" && "),
            expect: { kind: "sameOutputAs", command: `cat ${hostAppFile("package.json")}` },
            cleanup: `docker rm -f ${q(scratchName("export"))}; docker rmi ${q(`${scratchName("imported")}:lesson`)}`,
        },
        {
            id: "01.01-search",
            teaches: ["docker search"],
            ...section("01.01"),
            title: "Searching for images: the local registry's catalog",
            proves: "A registry can be searched for repositories; the lab's registry lists the app's repository.",
            titleZh: "搜索镜像：本地仓库的目录",
            provesZh: "仓库服务可以被搜索：本实验的本地仓库列出了应用的仓库名。",
            command: registryCurl(`${spec.registry.url}/v2/_catalog`),
            expect: { kind: "containsAll", values: [`"${spec.image.registryPath}"`] },
            substitutes: {
                notesCommand: "docker search",
                reason: "docker search only queries Docker Hub (hub.docker.com); the lab stays on this machine, so it searches the local registry's catalog",
                reasonZh: "docker search 只查询 Docker Hub（hub.docker.com）；本实验只在本机运行，所以改为搜索本地仓库的目录",
            },
        },
    ];
}
