import { IMAGE_DIGEST_PLACEHOLDER, IMAGE_REF_PLACEHOLDER } from "../constants";
import { escapeRegex } from "../lessons/context";
import { type ExerciseContext, exercise, t } from "./context";
import type { Exercise } from "./types";

/** Section 01.01 镜像 Image: run a one-shot container, tag and push, pull, save. */
export function imagesExercises(ctx: ExerciseContext): Exercise[] {
    const { q, spec, image, file, hostAppFile, inImage, removeTag, removeFile, strayContainers, removeStrayContainers } = ctx;
    const headFile = file("app-head.txt");
    const pullFile = file("pull.txt");
    const tarFile = file("hellodocker.tar");
    const v2 = `${spec.image.repository}:v2`;
    const manifestUrl = `${spec.registry.url}/v2/${spec.image.registryPath}/manifests/v2`;
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
                expect: { kind: "sameOutputAs", command: `head -n 2 ${hostAppFile("app.js")}` },
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
