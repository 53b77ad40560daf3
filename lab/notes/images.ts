import { IMAGE_DIGEST_PLACEHOLDER, IMAGE_REF_PLACEHOLDER } from "../constants";
import { dockerBuildArgs } from "../dockerArgs";
import type { LessonContext } from "./context";
import { type ExerciseContext, escapeRegex, type NotesSection } from "./context";
import { t } from "./text";
import type { Exercise, LessonCheck } from "./types";

/** Section 01.01 镜像 Image: list, filter, run, build, tag/push/pull, save, remove, import and search images. */
function imagesChecks(ctx: LessonContext): LessonCheck[] {
    const { q, hostAppFile, inImage, lessonTag, scratchName, docker, section, instanceLabel, spec, registryCurl, registryLogin } = ctx;
    return [
        {
            id: "01.01-image-ls",
            teaches: ["docker image ls"],
            ...section("01.01"),
            title: t("docker image ls 显示构建好的镜像和它的标签", "docker image ls shows the built image and its tag"),
            proves: t(
                "由 app/Dockerfile 构建的镜像以本实验的仓库名和标签保存在引擎的镜像存储中。",
                "The image built from app/Dockerfile is in the engine's image store under the lab's repository and tag.",
            ),
            command: `docker image ls --filter ${q(`reference=${spec.image.name}`)} --format '{{.Repository}}:{{.Tag}}'`,
            expect: { kind: "equals", value: spec.image.name },
        },
        {
            id: "01.01-images-filter",
            teaches: ["docker images"],
            ...section("01.01"),
            title: t("docker images -f 过滤镜像列表", "docker images -f filters the image list"),
            proves: t(
                "docker images -f label=... 只列出本实验构建的镜像，依据是它的 Dockerfile 设置的 label。",
                "docker images -f label=... lists only the images this lab built, by the label its Dockerfile sets.",
            ),
            command: `docker images -f ${q(`label=${instanceLabel}`)} -f ${q(`reference=${spec.image.name}`)} --format '{{.Repository}}:{{.Tag}}'`,
            expect: { kind: "equals", value: spec.image.name },
        },
        {
            id: "01.01-run",
            teaches: ["docker run"],
            ...section("01.01"),
            title: t("docker run 从镜像启动一个一次性容器", "docker run starts a one-shot container from the image"),
            proves: t(
                "docker run 从镜像创建容器并在其中运行一条命令；--rm 让容器在命令结束后被删除（即笔记中的 docker run -it，只是没有终端）。",
                "docker run creates a container from an image and runs a command in it; --rm removes it afterwards (the notes' docker run -it, without a terminal).",
            ),
            command: `docker run --rm ${IMAGE_REF_PLACEHOLDER} cat /etc/os-release`,
            expect: { kind: "matchesAll", patterns: ["^NAME=", "^ID="] },
            substitutes: {
                notesCommand: "docker run -it centos /bin/bash",
                reason: t(
                    "交互式 shell 需要终端；检查改为在本实验镜像的一次性容器中运行一条命令",
                    "an interactive shell needs a terminal; the check runs one command in a one-shot container of the lab's image instead",
                ),
            },
        },
        {
            id: "01.01-build",
            teaches: ["docker build"],
            ...section("01.01"),
            title: t("docker build 从 Dockerfile 构建镜像", "docker build makes an image from the Dockerfile"),
            proves: t(
                "docker build --tag（笔记中的 -t）把 app/Dockerfile 和它旁边的文件构建成一个带标签、能运行应用的镜像。",
                "docker build --tag (the notes' -t) turns app/Dockerfile and the files beside it into a tagged image that runs the app.",
            ),
            command: [
                // In a class the students' builds run at once, and one that reused another's cached layers
                // fails when that one's clean-up (docker rmi) deletes them mid-build: without the cache each build's layers are its own.
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
            title: t("通过本地仓库执行 docker tag、push 和 pull", "docker tag, push and pull through the local registry"),
            proves: t(
                "镜像的一个新标签被推送到本地仓库，再从仓库拉取回来，摘要（digest）不变。",
                "A new tag of the image goes to the local registry and comes back from it with the same digest.",
            ),
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
            title: t("docker save 把镜像保存为 tar 文件", "docker save writes the image to a tar file"),
            proves: t(
                "镜像是可以搬运的数据：docker save 把它的清单（manifest）和各层输出为一个 tar 归档。",
                "An image is portable data: docker save streams its manifest and layers as a tar archive.",
            ),
            command: `docker save ${IMAGE_REF_PLACEHOLDER} | tar -tf -`,
            expect: { kind: "matchesAll", patterns: ["^manifest\\.json$"] },
        },
        {
            id: "01.01-rmi",
            teaches: ["docker tag", "docker image rm", "docker rmi"],
            ...section("01.01"),
            title: t("docker image rm 和 docker rmi 删除标签", "docker image rm and docker rmi remove tags"),
            proves: t(
                "只要还有别的标签或容器在使用镜像的层，按名字删除镜像只会去掉这个标签（Untagged）。",
                "Removing an image by name only untags it while other tags or containers still use its layers.",
            ),
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
            title: t("docker import 从文件系统 tarball 创建镜像", "docker import makes an image from a filesystem tarball"),
            proves: t(
                "容器的文件系统导出为 tar 后再导入，成为一个新的单层镜像，运行的是同样的文件。",
                "A container's filesystem exported as a tar becomes a new single-layer image that runs the same files.",
            ),
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
            title: t("搜索镜像：本地仓库的目录", "Searching for images: the local registry's catalog"),
            proves: t(
                "仓库服务可以被搜索：本实验的本地仓库列出了应用的仓库名。",
                "A registry can be searched for repositories; the lab's registry lists the app's repository.",
            ),
            command: registryCurl(`${spec.registry.url}/v2/_catalog`),
            expect: { kind: "containsAll", values: [`"${spec.image.registryPath}"`] },
            substitutes: {
                notesCommand: "docker search",
                reason: t(
                    "docker search 只查询 Docker Hub（hub.docker.com）；本实验只在本机运行，所以改为搜索本地仓库的目录",
                    "docker search only queries Docker Hub (hub.docker.com); the lab stays on this machine, so it searches the local registry's catalog",
                ),
            },
        },
    ];
}

/** Section 01.01 镜像 Image: run a one-shot container, tag and push, pull, save. */
function imagesExercises(ctx: ExerciseContext): Exercise[] {
    const { q, spec, image, file, appFile, inImage, registryUrl, removeTag, removeFile, strayContainers, removeStrayContainers, exercise } =
        ctx;
    const headFile = file("app-head.txt");
    const pullFile = file("pull.txt");
    const tarFile = file("hellodocker.tar");
    const v2 = `${spec.image.repository}:v2`;
    const manifestUrl = `${registryUrl}/v2/${spec.image.registryPath}/manifests/v2`;
    return [
        exercise({
            id: "01.01-run-head",
            section: "01.01",
            title: t("用一次性容器打印 app.js 的前两行", "Print the first two lines of app.js from a one-shot container"),
            instructions: t(
                `docker run 从镜像创建一个容器并在其中运行一条命令；加上 --rm，命令结束后容器就被删除（一次性容器）。在镜像 ${image} 的一次性容器里运行 head -n 2 ${inImage("app.js")}，用 > 把它打印的内容写入文件 ${headFile}。不要留下已停止的容器。`,
                `docker run creates a container from an image and runs one command in it; with --rm the container is removed when the command ends (a one-shot container). Run head -n 2 ${inImage("app.js")} in a one-shot container of the image ${image} and write what it prints into the file ${headFile} with >. Leave no stopped container behind.`,
            ),
            hints: [
                t("docker run --rm 镜像 命令 > 文件", "docker run --rm IMAGE COMMAND > FILE"),
                t(
                    `docker run --rm ${image} head -n 2 ${inImage("app.js")} > ${headFile}（忘了 --rm？用 docker ps -a 找到留下的容器，再 docker rm 它）`,
                    `docker run --rm ${image} head -n 2 ${inImage("app.js")} > ${headFile} (forgot --rm? find the container left behind with docker ps -a, then docker rm it)`,
                ),
            ],
            expected: t(
                `${headFile} 里是 app/app.js 的前 2 行，并且没有留下该镜像的已停止容器`,
                `${headFile} holding the first 2 lines of app/app.js, and no stopped container of the image left behind`,
            ),
            check: {
                command: `tr -d '\\r' < ${q(headFile)} && ${strayContainers(IMAGE_REF_PLACEHOLDER)}`,
                expect: { kind: "sameOutputAs", command: `head -n 2 ${appFile("app.js")}` },
            },
            solution: [
                {
                    command: `docker run --rm ${q(image)} head -n 2 ${q(inImage("app.js"))} > ${q(headFile)}`,
                    explain: t(
                        "从镜像创建一个容器，在里面运行 head -n 2，输出用 > 写入宿主机上的文件；--rm 让容器在命令结束后被删除。",
                        "Creates a container from the image, runs head -n 2 in it and writes its output into a file on the host with >; --rm removes the container when the command ends.",
                    ),
                },
                {
                    command: `cat ${q(headFile)}`,
                    explain: t("文件里就是镜像中 app.js 的前两行。", "The file holds the first two lines of app.js in the image."),
                },
            ],
            reset: [removeFile(headFile), removeStrayContainers],
            files: [headFile],
            teaches: ["docker run", "head", ">"],
        }),
        exercise({
            id: "01.01-tag-push",
            section: "01.01",
            title: t("给镜像打上 v2 标签并推送到本地仓库", "Tag the image as v2 and push it to the local registry"),
            instructions: t(
                `docker tag 为镜像打上一个新的标签（同一个镜像多了一个名字）；docker push 把本地镜像推送到 registry。把镜像 ${image} 标记为 ${v2}，再把它推送到本实验的本地仓库 ${spec.image.registryServer}。`,
                `docker tag gives an image another tag (one image, one more name); docker push uploads a local image to a registry. Tag the image ${image} as ${v2} and push it to the lab's local registry ${spec.image.registryServer}.`,
            ),
            hints: [
                t(
                    `docker tag 源镜像 目标镜像，然后 docker push 目标镜像；目标名字以仓库地址 ${spec.image.registryServer} 开头，docker push 就知道推送到哪里。`,
                    `docker tag SOURCE TARGET, then docker push TARGET; the target name starts with the registry address ${spec.image.registryServer}, which tells docker push where to send it.`,
                ),
                t(`docker tag ${image} ${v2} && docker push ${v2}`, `docker tag ${image} ${v2} && docker push ${v2}`),
            ],
            expected: t(
                `本地有标签 ${v2}，并且本地仓库中的 v2 与实验镜像的摘要（digest）相同`,
                `a local tag ${v2}, and v2 in the local registry with the lab image's digest`,
            ),
            check: {
                command: [
                    `docker image inspect --format 'local tag: {{.Id}}' ${q(v2)}`,
                    `curl -sS -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' ${q(manifestUrl)} | tr -d '\\r'`,
                ].join(" && "),
                expect: {
                    kind: "matchesAll",
                    patterns: ["^local tag: sha256:", `^Docker-Content-Digest: ${escapeRegex(IMAGE_DIGEST_PLACEHOLDER)}$`],
                },
            },
            solution: [
                {
                    command: `docker tag ${q(image)} ${q(v2)}`,
                    explain: t(
                        "给同一个镜像再起一个名字：仓库地址/仓库名:v2。标签可以用来做版本管理。",
                        "Gives the same image one more name: registry/repository:v2. Tags are how images are versioned.",
                    ),
                },
                {
                    command: `docker push ${q(v2)}`,
                    explain: t(
                        "把 v2 推送到名字里的仓库：各层已经在仓库里（Layer already exists），只新增了标签。",
                        "Pushes v2 to the registry its name starts with: the layers are already there (Layer already exists), only the tag is new.",
                    ),
                },
            ],
            // The registry keeps the pushed tag (it does not allow deleting) until `npm run down` removes its volume.
            reset: [removeTag(v2)],
            files: [],
            teaches: ["docker tag", "docker push"],
        }),
        exercise({
            id: "01.01-pull",
            section: "01.01",
            title: t("从本地仓库拉取镜像", "Pull the image from the local registry"),
            instructions: t(
                `docker pull 从 Docker Registry 拉取镜像：名字里是仓库地址和端口号、仓库名和标签（省略标签时默认是 latest）。从本实验的本地仓库拉取 ${image}，用 > 把 docker pull 打印的内容写入文件 ${pullFile}。`,
                `docker pull fetches an image from a Docker registry: its name holds the registry address and port, the repository and the tag (latest when the tag is left out). Pull ${image} from the lab's local registry and write what docker pull prints into the file ${pullFile} with >.`,
            ),
            hints: [
                t("docker pull 镜像名 > 文件", "docker pull IMAGE > FILE"),
                t(`docker pull ${image} > ${pullFile}`, `docker pull ${image} > ${pullFile}`),
            ],
            expected: t(
                `${pullFile} 里有 docker pull 的 Digest: 行（与实验镜像的摘要相同）和 Status: 行`,
                `${pullFile} holding docker pull's Digest: line (the lab image's digest) and its Status: line`,
            ),
            check: {
                command: `cat ${q(pullFile)}`,
                expect: { kind: "matchesAll", patterns: [`^Digest: ${escapeRegex(IMAGE_DIGEST_PLACEHOLDER)}$`, "^Status: "] },
            },
            solution: [
                {
                    command: `docker pull ${q(image)} > ${q(pullFile)}`,
                    explain: t(
                        "向本地仓库询问这个标签：摘要和本地已有的一样，所以什么都不用下载（Image is up to date）。",
                        "Asks the local registry for this tag: its digest equals the one already here, so nothing is downloaded (Image is up to date).",
                    ),
                },
                {
                    command: `cat ${q(pullFile)}`,
                    explain: t(
                        "Digest 是镜像清单的摘要，它唯一确定镜像的内容。",
                        "The digest is that of the image manifest: it pins the image's content.",
                    ),
                },
            ],
            reset: [removeFile(pullFile)],
            files: [pullFile],
            teaches: ["docker pull", ">"],
        }),
        exercise({
            id: "01.01-save",
            section: "01.01",
            title: t("把镜像保存为 tar 文件", "Save the image to a tar file"),
            instructions: t(
                `docker save 把镜像（它的各层和清单）保存为一个 tar 文件，可以拷到别的机器上再用 docker load 读回来。把镜像 ${image} 保存为 ${tarFile}。`,
                `docker save writes an image (its layers and its manifest) into one tar file, which you can copy to another machine and read back with docker load. Save the image ${image} as ${tarFile}.`,
            ),
            hints: [
                t("docker save -o 文件 镜像（或者 docker save 镜像 > 文件）", "docker save -o FILE IMAGE (or docker save IMAGE > FILE)"),
                t(`docker save -o ${tarFile} ${image}`, `docker save -o ${tarFile} ${image}`),
            ],
            expected: t(
                `${tarFile} 是一个 tar 文件，它的 manifest.json 里有 ${image}`,
                `${tarFile}, a tar file whose manifest.json names ${image}`,
            ),
            check: {
                command: `tar -xOf ${q(tarFile)} manifest.json`,
                expect: { kind: "containsAll", values: [`"${image}"`] },
            },
            solution: [
                {
                    command: `docker save -o ${q(tarFile)} ${q(image)}`,
                    explain: t("把镜像按名字保存为 tar 文件。", "Saves the image, by its name, as a tar file."),
                },
                {
                    command: `tar -tf ${q(tarFile)}`,
                    explain: t(
                        "列出归档里的文件：manifest.json、镜像配置，以及每一层一个 layer.tar。",
                        "Lists the files in the archive: manifest.json, the image config, and one layer.tar per layer.",
                    ),
                },
            ],
            reset: [removeFile(tarFile)],
            files: [tarFile],
            teaches: ["docker save"],
        }),
    ];
}

export const imagesSection: NotesSection = { id: "01.01", heading: "01.01 镜像 Image", checks: imagesChecks, exercises: imagesExercises };
