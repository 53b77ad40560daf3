import { APP_DIR_IN_IMAGE, IMAGE_REF_PLACEHOLDER } from "../constants";
import type { LessonContext } from "./context";
import type { LessonCheck } from "./types";

/**
 * Section 01.02 容器 container: list, remove and exec into containers; redirection and pagers inside
 * one. The listing checks are the lab's mode's (replicas, or a service's tasks).
 */
export function containersChecks(ctx: LessonContext): LessonCheck[] {
    return [...ctx.listingChecks(), ...containerChecks(ctx)];
}

function containerChecks(ctx: LessonContext): LessonCheck[] {
    const { q, exec, hostAppFile, inImage, scratchName, section, instanceLabel } = ctx;
    return [
        {
            id: "01.02-rm",
            teaches: ["docker rm"],
            ...section("01.02"),
            title: "docker rm removes a container",
            proves: "A container is an object of its own: docker rm deletes a (stopped) container and it is gone from docker ps -a.",
            titleZh: "docker rm 删除容器",
            provesZh: "容器是一个独立的对象：docker rm 删除一个（已停止的）容器，之后 docker ps -a 里不再有它。",
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
            title: "docker exec runs head -n 2 on the app file",
            proves: "docker exec runs a command inside the running container; the first two lines match app/app.js.",
            titleZh: "docker exec 对应用文件运行 head -n 2",
            provesZh: "docker exec 在运行中的容器里执行命令；前 2 行与 app/app.js 相同。",
            command: exec(`head -n 2 ${inImage("app.js")}`),
            expect: { kind: "sameOutputAs", command: `head -n 2 ${hostAppFile("app.js")}` },
        },
        {
            id: "01.02-exec-tail",
            teaches: ["docker exec", "tail"],
            ...section("01.02"),
            title: "docker exec runs tail -n 2 on the app file",
            proves: "The last two lines of the app file inside the container match app/app.js.",
            titleZh: "docker exec 对应用文件运行 tail -n 2",
            provesZh: "容器内应用文件的最后 2 行与 app/app.js 相同。",
            command: exec(`tail -n 2 ${inImage("app.js")}`),
            expect: { kind: "sameOutputAs", command: `tail -n 2 ${hostAppFile("app.js")}` },
        },
        {
            id: "01.02-exec-cat",
            teaches: ["docker exec", "cat"],
            ...section("01.02"),
            title: "docker exec runs cat on the app's package.json",
            proves: "The files copied into the image are the ones in app/.",
            titleZh: "docker exec 对应用的 package.json 运行 cat",
            provesZh: "复制进镜像的文件就是 app/ 里的文件。",
            command: exec(`cat ${inImage("package.json")}`),
            expect: { kind: "sameOutputAs", command: `cat ${hostAppFile("package.json")}` },
        },
        {
            id: "01.02-exec-redirect",
            teaches: ["docker exec", ">"],
            ...section("01.02"),
            title: "Redirection with > inside the container",
            proves: "> writes a command's output to a file: here into the container's writable /tmp, since its root filesystem is read-only.",
            titleZh: "在容器内用 > 重定向",
            provesZh: "> 把命令的输出写入文件：这里写入容器可写的 /tmp，因为容器的根文件系统是只读的。",
            command: exec(
                `sh -c ${q(`cat ${APP_DIR_IN_IMAGE}/package.json > /tmp/lesson-copy.json && head -n 2 /tmp/lesson-copy.json && rm /tmp/lesson-copy.json`)}`,
            ),
            expect: { kind: "sameOutputAs", command: `head -n 2 ${hostAppFile("package.json")}` },
        },
        {
            id: "01.02-exec-more",
            teaches: ["docker exec", "more", "less"],
            ...section("01.02"),
            title: "more shows a long file (no terminal: all of it)",
            proves: "more pages a file on a terminal; without one it prints the whole file.",
            titleZh: "more 查看长文件（没有终端时全部输出）",
            provesZh: "more 在终端上分页显示文件；没有终端时它输出整个文件。",
            command: exec(`more ${inImage("package.json")}`),
            // util-linux more prints a ":::: file ::::" banner without a terminal; busybox more does not.
            expect: { kind: "matchesAll", patterns: ['"name": "hellodocker"', '"main": "app.js"'] },
            substitutes: {
                notesCommand: "less / more",
                reason: "pagers wait for keys on a terminal and less is not in every base image; more without a terminal prints the file",
                reasonZh: "分页程序在终端上等待按键，而且不是每个基础镜像都有 less；没有终端时 more 直接输出文件",
            },
        },
    ];
}
