import { APP_DIR_IN_IMAGE, IMAGE_REF_PLACEHOLDER } from "../constants";
import { type ExerciseContext, escapeRegex, type LessonContext, type NotesSection } from "./context";
import { t } from "./text";
import type { Exercise, LessonCheck } from "./types";

/**
 * Section 01.02 容器 container: list, remove and exec into containers; redirection and pagers inside
 * one. The listing checks are the lab's mode's (replicas, or a service's tasks).
 */
function containersChecks(ctx: LessonContext): LessonCheck[] {
    return [...ctx.listingChecks(), ...containerChecks(ctx)];
}

function containerChecks(ctx: LessonContext): LessonCheck[] {
    const { q, exec, hostAppFile, inImage, scratchName, section, instanceLabel } = ctx;
    return [
        {
            id: "01.02-rm",
            teaches: ["docker rm"],
            ...section("01.02"),
            title: t("docker rm 删除容器", "docker rm removes a container"),
            proves: t(
                "容器是一个独立的对象：docker rm 删除一个（已停止的）容器，之后 docker ps -a 里不再有它。",
                "A container is an object of its own: docker rm deletes a (stopped) container and it is gone from docker ps -a.",
            ),
            command: [
                `docker create --name ${q(scratchName("rm"))} --label ${q(instanceLabel)} ${IMAGE_REF_PLACEHOLDER} >/dev/null`,
                `docker rm ${q(scratchName("rm"))}`,
                `docker ps -a --filter ${q(`name=^/${scratchName("rm")}$`)} --format 'still there: {{.Names}}'`,
            ].join(" && "),
            expect: { kind: "equals", value: scratchName("rm") },
            cleanup: `docker rm -f ${q(scratchName("rm"))}`,
        },
        {
            id: "01.02-exec-head",
            teaches: ["docker exec", "head"],
            ...section("01.02"),
            title: t("docker exec 对应用文件运行 head -n 2", "docker exec runs head -n 2 on the app file"),
            proves: t(
                "docker exec 在运行中的容器里执行命令；前 2 行与 app/app.js 相同。",
                "docker exec runs a command inside the running container; the first two lines match app/app.js.",
            ),
            command: exec(`head -n 2 ${inImage("app.js")}`),
            expect: { kind: "sameOutputAs", command: `head -n 2 ${hostAppFile("app.js")}` },
        },
        {
            id: "01.02-exec-tail",
            teaches: ["docker exec", "tail"],
            ...section("01.02"),
            title: t("docker exec 对应用文件运行 tail -n 2", "docker exec runs tail -n 2 on the app file"),
            proves: t(
                "容器内应用文件的最后 2 行与 app/app.js 相同。",
                "The last two lines of the app file inside the container match app/app.js.",
            ),
            command: exec(`tail -n 2 ${inImage("app.js")}`),
            expect: { kind: "sameOutputAs", command: `tail -n 2 ${hostAppFile("app.js")}` },
        },
        {
            id: "01.02-exec-cat",
            teaches: ["docker exec", "cat"],
            ...section("01.02"),
            title: t("docker exec 对应用的 package.json 运行 cat", "docker exec runs cat on the app's package.json"),
            proves: t("复制进镜像的文件就是 app/ 里的文件。", "The files copied into the image are the ones in app/."),
            command: exec(`cat ${inImage("package.json")}`),
            expect: { kind: "sameOutputAs", command: `cat ${hostAppFile("package.json")}` },
        },
        {
            id: "01.02-exec-redirect",
            teaches: ["docker exec", ">"],
            ...section("01.02"),
            title: t("在容器内用 > 重定向", "Redirection with > inside the container"),
            proves: t(
                "> 把命令的输出写入文件：这里写入容器可写的 /tmp，因为容器的根文件系统是只读的。",
                "> writes a command's output to a file: here into the container's writable /tmp, since its root filesystem is read-only.",
            ),
            command: exec(
                `sh -c ${q(`cat ${APP_DIR_IN_IMAGE}/package.json > /tmp/lesson-copy.json && head -n 2 /tmp/lesson-copy.json && rm /tmp/lesson-copy.json`)}`,
            ),
            expect: { kind: "sameOutputAs", command: `head -n 2 ${hostAppFile("package.json")}` },
        },
        {
            id: "01.02-exec-more",
            teaches: ["docker exec", "more", "less"],
            ...section("01.02"),
            title: t("more 查看长文件（没有终端时全部输出）", "more shows a long file (no terminal: all of it)"),
            proves: t(
                "more 在终端上分页显示文件；没有终端时它输出整个文件。",
                "more pages a file on a terminal; without one it prints the whole file.",
            ),
            command: exec(`more ${inImage("package.json")}`),
            // util-linux more prints a ":::: file ::::" banner without a terminal; busybox more does not.
            expect: { kind: "matchesAll", patterns: ['"name": "hellodocker"', '"main": "app.js"'] },
            substitutes: {
                notesCommand: "less / more",
                reason: t(
                    "分页程序在终端上等待按键，而且不是每个基础镜像都有 less；没有终端时 more 直接输出文件",
                    "pagers wait for keys on a terminal and less is not in every base image; more without a terminal prints the file",
                ),
            },
        },
    ];
}

/** Section 01.02 容器 container: docker ps into a file, docker exec into a replica, start and remove a container. */
function containersExercises(ctx: ExerciseContext): Exercise[] {
    const { q, image, replica, name, label, file, appFile, inImage, removeContainer, removeFile, replicas, exercise } = ctx;
    const psFile = file("ps.txt");
    const tailFile = file("app-tail.txt");
    const rmFile = file("rm.txt");
    const temp = name("temp");
    const last = replica(replicas.length - 1);
    return [
        exercise({
            id: "01.02-ps-file",
            section: "01.02",
            title: t("用 > 把 docker ps 的输出写入文件", "Write the output of docker ps to a file with >"),
            instructions: t(
                `docker ps（和 docker container ls 一样）列出正在运行的容器。用重定向 > 把它的输出写入文件 ${psFile}，再用 cat 查看这个文件。`,
                `docker ps (the same as docker container ls) lists the running containers. Redirect its output into the file ${psFile} with >, then look at the file with cat.`,
            ),
            hints: [
                t(
                    "命令 > 文件：把命令的输出写入文件（文件已存在时会被覆盖）。",
                    "COMMAND > FILE writes the command's output into the file (replacing what was there).",
                ),
                t(`docker ps > ${psFile} && cat ${psFile}`, `docker ps > ${psFile} && cat ${psFile}`),
            ],
            expected: t(
                `${psFile} 里是 docker ps 的表格：表头 CONTAINER ID 和每个副本（${replicas.map((r) => r.name).join("、")}）`,
                `${psFile} holding docker ps's table: the CONTAINER ID header and every replica (${replicas.map((r) => r.name).join(", ")})`,
            ),
            check: {
                command: `cat ${q(psFile)}`,
                expect: {
                    kind: "matchesAll",
                    patterns: ["^CONTAINER ID +IMAGE ", ...replicas.map((r) => ` ${escapeRegex(r.name)}$`)],
                },
            },
            solution: [
                {
                    command: `docker ps > ${q(psFile)}`,
                    explain: t(
                        "docker ps 的输出没有打印到屏幕，而是被 > 写进了文件。",
                        "docker ps's output goes into the file instead of the screen: that is what > does.",
                    ),
                },
                {
                    command: `cat ${q(psFile)}`,
                    explain: t(
                        "cat 把文件打印出来：每个运行中的容器一行，包括实验的副本和仓库容器。",
                        "cat prints the file: one line per running container, the lab's replicas and registry among them.",
                    ),
                },
            ],
            reset: [removeFile(psFile)],
            files: [psFile],
            teaches: ["docker ps", ">", "cat"],
        }),
        exercise({
            id: "01.02-exec-tail",
            section: "01.02",
            title: t("用 docker exec 在副本容器里运行 tail", "Run tail inside a replica with docker exec"),
            instructions: t(
                `docker exec 在一个已经运行的容器里执行命令（docker exec -it 容器 sh 会给你一个容器里的 shell，输入 exit 退出）。在副本容器 ${last} 里用 tail -n 2 打印 ${inImage("app.js")} 的最后两行，用 > 写入文件 ${tailFile}。`,
                `docker exec runs a command inside a container that is already running (docker exec -it CONTAINER sh gives you a shell in it; type exit to leave). In the replica ${last}, print the last two lines of ${inImage("app.js")} with tail -n 2 and write them into the file ${tailFile} with >.`,
            ),
            hints: [
                t(
                    "docker exec 容器 命令 > 文件：> 在宿主机的 shell 里生效，文件写在宿主机上。",
                    "docker exec CONTAINER COMMAND > FILE: the > is your host shell's, so the file is written on the host.",
                ),
                t(
                    `docker exec ${last} tail -n 2 ${inImage("app.js")} > ${tailFile}`,
                    `docker exec ${last} tail -n 2 ${inImage("app.js")} > ${tailFile}`,
                ),
            ],
            expected: t(`${tailFile} 里是 app/app.js 的最后 2 行`, `${tailFile} holding the last 2 lines of app/app.js`),
            check: {
                command: `tr -d '\\r' < ${q(tailFile)}`,
                expect: { kind: "sameOutputAs", command: `tail -n 2 ${appFile("app.js")}` },
            },
            solution: [
                {
                    command: `docker exec ${q(last)} tail -n 2 ${q(inImage("app.js"))} > ${q(tailFile)}`,
                    explain: t(
                        "tail 在运行中的副本容器里执行；它的输出回到宿主机，被 > 写入文件。",
                        "tail runs inside the running replica; its output comes back to the host, where > writes it into the file.",
                    ),
                },
                {
                    command: `cat ${q(tailFile)}`,
                    explain: t(
                        "和 app/app.js 的最后两行一样：镜像里的就是这些文件。",
                        "The same as the last two lines of app/app.js: these are the files in the image.",
                    ),
                },
            ],
            reset: [removeFile(tailFile)],
            files: [tailFile],
            teaches: ["docker exec", "tail", ">"],
        }),
        exercise({
            id: "01.02-rm",
            section: "01.02",
            title: t("删除你启动的容器", "Remove the container you started"),
            instructions: t(
                `容器在命令结束或被停止之后仍然存在（docker ps -a 可以看到），直到 docker rm 删除它。从镜像 ${image} 在后台（docker run -d）启动一个名为 ${temp}、带 label ${label} 的容器，用 docker ps 看到它，然后用 docker rm 按名字删除它，并用 > 把 docker rm 打印的内容写入文件 ${rmFile}。运行中的容器要先停止（docker stop），或者用 docker rm -f。`,
                `A container lives on after its command ends or after it is stopped (docker ps -a shows it), until docker rm removes it. Start a container named ${temp} with the label ${label} from the image ${image} in the background (docker run -d), see it in docker ps, then remove it by name with docker rm and write what docker rm prints into the file ${rmFile} with >. A running container must be stopped first (docker stop), or removed with docker rm -f.`,
            ),
            hints: [
                t(
                    "docker run -d --name 名字 --label 标记 镜像；docker stop 名字；docker rm 名字 > 文件",
                    "docker run -d --name NAME --label LABEL IMAGE; docker stop NAME; docker rm NAME > FILE",
                ),
                t(
                    `docker run -d --name ${temp} --label ${label} ${image} && docker stop ${temp} && docker rm ${temp} > ${rmFile}`,
                    `docker run -d --name ${temp} --label ${label} ${image} && docker stop ${temp} && docker rm ${temp} > ${rmFile}`,
                ),
            ],
            expected: t(
                `${rmFile} 里是 docker rm 打印的 ${temp}，并且 docker ps -a 里不再有它`,
                `${rmFile} holding ${temp}, as docker rm prints it, and the container gone from docker ps -a`,
            ),
            check: {
                command: `cat ${q(rmFile)} && docker ps -a --filter ${q(`name=^/${temp}$`)} --format 'still there: {{.Names}} ({{.Status}})'`,
                expect: { kind: "equals", value: temp },
            },
            solution: [
                {
                    command: `docker run -d --name ${q(temp)} --label ${q(label)} ${q(image)}`,
                    explain: t(
                        "-d 让容器在后台运行，docker run 只打印容器 ID（container_id）。",
                        "-d runs the container in the background; docker run prints only the container id.",
                    ),
                },
                {
                    command: `docker ps --filter ${q(`name=${temp}`)}`,
                    explain: t("docker ps 看得到它：状态是 Up。", "docker ps shows it: its status is Up."),
                },
                {
                    command: `docker stop ${q(temp)}`,
                    explain: t(
                        "停止容器：它的进程收到 SIGTERM 后退出，容器本身还在（docker ps -a）。",
                        "Stops the container: its process exits on SIGTERM; the container itself stays (docker ps -a).",
                    ),
                },
                {
                    command: `docker rm ${q(temp)} > ${q(rmFile)}`,
                    explain: t(
                        "删除已停止的容器；docker rm 打印被删除的容器名，> 把它写入文件。",
                        "Removes the stopped container; docker rm prints its name, which > writes into the file.",
                    ),
                },
            ],
            reset: [removeContainer(temp), removeFile(rmFile)],
            files: [rmFile],
            teaches: ["docker ps", "docker rm", ">"],
        }),
    ];
}

export const containersSection: NotesSection = {
    id: "01.02",
    heading: "01.02 容器 container",
    checks: containersChecks,
    exercises: containersExercises,
};
