import { APP_CONTAINER_PORT, APP_DIR_IN_IMAGE } from "../constants";
import type { ExerciseContext, LessonContext, NotesSection } from "./context";
import { t } from "./text";
import type { Exercise, LessonCheck } from "./types";

/** Section 02 打包程序: the packaged app answers HTTP where the lab's mode publishes it (every replica, or every task). */
function packagingChecks(ctx: LessonContext): LessonCheck[] {
    return ctx.httpChecks();
}

/** Section 02 打包程序: build the image yourself, run it on a published port, and the notes' Linux review (head, tail, >). */
function packagingExercises(ctx: ExerciseContext): Exercise[] {
    const { q, spec, image, name, label, file, appFile, appDir, publishAddress, removeContainer, removeTag, removeFile, exercise } = ctx;
    const built = name("hellodocker");
    const web = name("web");
    const endsFile = file("package-ends.txt");
    const baseImage = spec.image.buildArgs.BASE_IMAGE;
    const build = `docker build --build-arg BASE_IMAGE=${baseImage} --label ${label} -t ${built} .`;
    const port = `${APP_CONTAINER_PORT}/tcp`;
    return [
        exercise({
            id: "02-build",
            section: "02",
            title: t("自己用 docker build -t 构建镜像", "Build the image yourself with docker build -t"),
            instructions: t(
                `笔记在 Dockerfile 所在的文件夹里用 docker build -t hellodocker . 打包应用：从一个操作系统开始，安装 Node，复制应用文件，运行 node app.js。在 ${appDir}/ 文件夹里照做，把镜像命名为 ${built}，并加上 label ${label}。本实验的 Dockerfile 需要一个构建参数，即基础镜像：--build-arg BASE_IMAGE=${baseImage}。`,
                `The notes package the app with docker build -t hellodocker . in the folder of the Dockerfile: start with an OS, install Node, copy the app files, run node app.js. Do the same in the ${appDir}/ folder, naming the image ${built} and labelling it ${label}. The lab's Dockerfile needs one build argument, the base image: --build-arg BASE_IMAGE=${baseImage}.`,
            ),
            hints: [
                t(
                    "docker build --build-arg 名字=值 --label 标记 -t 镜像名 .：末尾的 . 是构建上下文，即 Dockerfile 所在的文件夹。",
                    "docker build --build-arg NAME=VALUE --label LABEL -t IMAGE_NAME . : the final . is the build context, the folder holding the Dockerfile.",
                ),
                t(`cd ${appDir} && ${build} && cd ..`, `cd ${appDir} && ${build} && cd ..`),
            ],
            expected: t(
                `镜像 ${built}，它运行 node app.js，工作目录是 ${APP_DIR_IN_IMAGE}（来自 ${appDir}/Dockerfile）`,
                `an image ${built} that runs node app.js in ${APP_DIR_IN_IMAGE} (built from ${appDir}/Dockerfile)`,
            ),
            check: {
                command: `docker image inspect --format '{{index .Config.Labels "org.opencontainers.image.title"}} {{.Config.WorkingDir}} {{json .Config.Cmd}}' ${q(built)}`,
                expect: { kind: "equals", value: `hellodocker ${APP_DIR_IN_IMAGE} ["node","app.js"]` },
            },
            solution: [
                {
                    command: `cd ${q(appDir)} && docker build --build-arg ${q(`BASE_IMAGE=${baseImage}`)} --label ${q(label)} -t ${q(built)} .`,
                    explain: t(
                        "按 Dockerfile 一步步构建：FROM 基础镜像（操作系统和 Node），复制 package.json 和 app.js，设置 CMD node app.js；每一步是一层，-t 给结果打上名字。",
                        "Builds the Dockerfile step by step: FROM the base image (an OS with Node), copy package.json and app.js, set CMD node app.js; each step is a layer, and -t names the result.",
                    ),
                },
                {
                    command: `docker image ls ${q(built)}`,
                    explain: t(
                        "docker image ls 列出新镜像；TAG 列是 latest，因为 -t 里没有写标签。",
                        "docker image ls lists the new image; its TAG is latest, since -t named no tag.",
                    ),
                },
            ],
            reset: [removeTag(built)],
            files: [],
            teaches: ["docker build", "docker image ls"],
        }),
        exercise({
            id: "02-run-port",
            section: "02",
            title: t("运行打包好的应用，通过发布的端口访问它", "Run the packaged app and reach it on a published port"),
            instructions: t(
                `docker run -d 在后台运行应用；-p ${publishAddress}::${APP_CONTAINER_PORT} 把容器的 ${APP_CONTAINER_PORT} 端口发布到宿主机上一个空闲端口，docker port 显示是哪一个。从镜像 ${image} 启动一个名为 ${web}、带 label ${label} 的容器，这样发布它的端口，并让它一直运行。然后用 curl 访问它。`,
                `docker run -d runs the app in the background; -p ${publishAddress}::${APP_CONTAINER_PORT} publishes the container's port ${APP_CONTAINER_PORT} on a free port of the host, which docker port shows. Start a container named ${web} with the label ${label} from the image ${image}, publishing its port that way, and leave it running. Then reach it with curl.`,
            ),
            hints: [
                t(
                    `docker run -d --name 名字 --label 标记 -p ${publishAddress}::端口 镜像；然后 docker port 名字。`,
                    `docker run -d --name NAME --label LABEL -p ${publishAddress}::PORT IMAGE, then docker port NAME.`,
                ),
                t(
                    `docker run -d --name ${web} --label ${label} -p ${publishAddress}::${APP_CONTAINER_PORT} ${image} && curl -s http://$(docker port ${web} ${port})/`,
                    `docker run -d --name ${web} --label ${label} -p ${publishAddress}::${APP_CONTAINER_PORT} ${image} && curl -s http://$(docker port ${web} ${port})/`,
                ),
            ],
            expected: t(
                `容器 ${web} 正在运行，它发布的端口上响应应用的 JSON（"app":"hellodocker"）`,
                `the container ${web} running and answering the app's JSON ("app":"hellodocker") on its published port`,
            ),
            check: {
                command: `hostport=$(docker port ${q(web)} ${port} | head -n 1) && curl -sS --retry 10 --retry-all-errors --retry-delay 1 "http://$hostport/"`,
                expect: { kind: "containsAll", values: ['"app":"hellodocker"'] },
            },
            solution: [
                {
                    command: `docker run -d --name ${q(web)} --label ${q(label)} -p ${publishAddress}::${APP_CONTAINER_PORT} ${q(image)}`,
                    explain: t(
                        "在后台启动应用容器；宿主机端口留空，由 Docker 挑一个空闲的。",
                        "Starts the app container in the background; the host port is left empty, so Docker picks a free one.",
                    ),
                },
                {
                    command: `docker port ${q(web)} ${port}`,
                    explain: t(
                        "显示容器端口发布到了宿主机的哪个地址和端口。",
                        "Shows which host address and port the container's port is published on.",
                    ),
                },
                {
                    command: `curl -sS --retry 10 --retry-all-errors --retry-delay 1 "http://$(docker port ${q(web)} ${port} | head -n 1)/"`,
                    explain: t(
                        "通过发布的端口访问应用：它回答 JSON，hostname 是容器的 ID（容器有自己的主机名）。",
                        "Reaches the app through the published port: it answers JSON whose hostname is the container's id (a container has its own hostname).",
                    ),
                },
            ],
            reset: [removeContainer(web)],
            files: [],
            teaches: ["docker run", "docker ps"],
        }),
        exercise({
            id: "02-head-tail",
            section: "02",
            title: t("复习：head、tail、> 和 >>", "Review: head, tail, > and >>"),
            instructions: t(
                `笔记复习了几个基础 Linux 操作：head -n 2 查看文件前 2 行，tail -n 2 查看最后 2 行，> 重定向到文件，>> 追加到文件末尾。把 ${appDir}/package.json 的前 2 行、接着它的最后 2 行写入文件 ${endsFile}。`,
                `The notes review a few basic Linux commands: head -n 2 shows a file's first 2 lines, tail -n 2 its last 2, > redirects into a file and >> appends to it. Write the first 2 lines of ${appDir}/package.json, followed by its last 2 lines, into the file ${endsFile}.`,
            ),
            hints: [
                t(
                    "先 head ... > 文件，再 tail ... >> 文件（第二次用 > 会覆盖第一次的内容）。",
                    "First head ... > FILE, then tail ... >> FILE (a second > would replace what the first wrote).",
                ),
                t(
                    `head -n 2 ${appDir}/package.json > ${endsFile} && tail -n 2 ${appDir}/package.json >> ${endsFile}`,
                    `head -n 2 ${appDir}/package.json > ${endsFile} && tail -n 2 ${appDir}/package.json >> ${endsFile}`,
                ),
            ],
            expected: t(
                `${endsFile} 里是 ${appDir}/package.json 的前 2 行，然后是它的最后 2 行`,
                `${endsFile} holding the first 2 lines of ${appDir}/package.json, then its last 2 lines`,
            ),
            check: {
                command: `cat ${q(endsFile)}`,
                expect: {
                    kind: "sameOutputAs",
                    command: `head -n 2 ${appFile("package.json")} && tail -n 2 ${appFile("package.json")}`,
                },
            },
            solution: [
                {
                    command: `head -n 2 ${appFile("package.json")} > ${q(endsFile)}`,
                    explain: t("前 2 行写入文件（> 新建或覆盖）。", "The first 2 lines go into the file (> creates or replaces it)."),
                },
                {
                    command: `tail -n 2 ${appFile("package.json")} >> ${q(endsFile)}`,
                    explain: t("最后 2 行追加到文件末尾（>>）。", "The last 2 lines are appended to it (>>)."),
                },
                {
                    command: `cat ${q(endsFile)}`,
                    explain: t("cat 打印文件；它也能串联多个文件：cat a b > c。", "cat prints the file; it also joins files: cat a b > c."),
                },
            ],
            reset: [removeFile(endsFile)],
            files: [endsFile],
            teaches: ["head", "tail", ">", ">>", "cat"],
        }),
    ];
}

export const packagingSection: NotesSection = { id: "02", heading: "02 打包程序", checks: packagingChecks, exercises: packagingExercises };
