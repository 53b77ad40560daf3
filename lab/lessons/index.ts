import * as path from "node:path";
import type { LabConfig } from "../config";
import { APP_DIR_IN_IMAGE, IMAGE_DIGEST_PLACEHOLDER, IMAGE_REF_PLACEHOLDER, LABEL } from "../constants";
import { dockerBuildArgs } from "../dockerArgs";
import { shellQuote } from "../shell";
import type { LabSpec } from "../types";
import { type LessonCheck, NOTES_SECTIONS } from "./types";

export * from "./render";
export * from "./types";

function escapeRegex(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The lesson checks of one lab, in the order of the notes. */
export function lessonChecks(spec: Omit<LabSpec, "checks">, config: LabConfig): LessonCheck[] {
    const q = shellQuote;
    const first = spec.replicas[0].name;
    const exec = (cmd: string) => `docker exec ${q(first)} ${cmd}`;
    const hostAppFile = (file: string) => q(path.posix.join(spec.image.context, file));
    const inImage = (file: string) => q(`${APP_DIR_IN_IMAGE}/${file}`);
    const lessonTag = (purpose: string) => `${spec.image.repository}:${spec.image.tag}-${purpose}`;
    const scratchName = (purpose: string) => `${spec.instance}-lesson-${purpose}`;
    const instanceLabel = `${LABEL.instance}=${spec.instance}`;
    const docker = (args: string[]) => ["docker", ...args].map(q).join(" ");
    const section = (id: string) => ({ section: id, heading: NOTES_SECTIONS[id] });

    const checks: LessonCheck[] = [
        {
            id: "00-shared-kernel",
            teaches: [],
            ...section("00"),
            title: "A container runs on the host's kernel",
            proves: "The kernel release seen inside a container is the engine host's: containers have no kernel of their own.",
            command: exec("uname -r"),
            expect: { kind: "sameOutputAs", command: "docker info --format '{{.KernelVersion}}'" },
        },
        {
            id: "00-pid-namespace",
            teaches: [],
            ...section("00"),
            title: "The app is PID 1 in its own PID namespace",
            proves: "Inside the container the process tree starts at the app, so the container is an isolated process, not a machine.",
            command: `${exec("cat /proc/1/cmdline")} | tr '\\000' ' '`,
            expect: { kind: "matchesAll", patterns: ["^node app\\.js ?$"] },
        },
        {
            id: "00-cgroup-memory",
            teaches: [],
            ...section("00"),
            title: "The memory limit is a cgroup limit",
            proves: "The limit set on the container is enforced by the kernel's cgroup, visible from inside (cgroup v2 or v1).",
            command: exec("sh -c 'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes'"),
            expect: { kind: "equals", value: String(config.memoryLimitMb * 1024 * 1024) },
        },
        {
            id: "00-image-layers",
            teaches: ["docker history"],
            ...section("00"),
            title: "An image is a stack of layers",
            proves: "docker history lists the union-filesystem layers of the image, including the one that copied the app in.",
            command: `docker history --no-trunc --format '{{.CreatedBy}}' ${IMAGE_REF_PLACEHOLDER}`,
            expect: { kind: "matchesAll", patterns: ["COPY", "HEALTHCHECK|healthcheck"] },
        },
        {
            id: "01.01-image-ls",
            teaches: ["docker image ls"],
            ...section("01.01"),
            title: "docker image ls shows the built image and its tag",
            proves: "The image built from app/Dockerfile is in the engine's image store under the lab's repository and tag.",
            command: `docker image ls --filter ${q(`reference=${spec.image.name}`)} --format '{{.Repository}}:{{.Tag}}'`,
            expect: { kind: "equals", value: spec.image.name },
        },
        {
            id: "01.01-images-filter",
            teaches: ["docker images"],
            ...section("01.01"),
            title: "docker images -f filters the image list",
            proves: "docker images -f label=... lists only the images this lab built, by the label its Dockerfile sets.",
            command: `docker images -f ${q(`label=${instanceLabel}`)} -f ${q(`reference=${spec.image.name}`)} --format '{{.Repository}}:{{.Tag}}'`,
            expect: { kind: "equals", value: spec.image.name },
        },
        {
            id: "01.01-run",
            teaches: ["docker run"],
            ...section("01.01"),
            title: "docker run starts a one-shot container from the image",
            proves: "docker run creates a container from an image and runs a command in it; --rm removes it afterwards (the notes' docker run -it, without a terminal).",
            command: `docker run --rm ${IMAGE_REF_PLACEHOLDER} cat /etc/os-release`,
            expect: { kind: "matchesAll", patterns: ["^NAME=", "^ID="] },
            substitutes: {
                notesCommand: "docker run -it centos /bin/bash",
                reason: "an interactive shell needs a terminal; the check runs one command in a one-shot container of the lab's image instead",
            },
        },
        {
            id: "01.01-build",
            teaches: ["docker build"],
            ...section("01.01"),
            title: "docker build makes an image from the Dockerfile",
            proves: "docker build --tag (the notes' -t) turns app/Dockerfile and the files beside it into a tagged image that runs the app.",
            command: [
                docker(dockerBuildArgs({ ...spec.image, name: lessonTag("build") }, { quiet: true })),
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
            command: [
                `docker tag ${IMAGE_REF_PLACEHOLDER} ${q(lessonTag("roundtrip"))}`,
                `docker push ${q(lessonTag("roundtrip"))}`,
                `docker image rm ${q(lessonTag("roundtrip"))}`,
                `docker pull ${q(lessonTag("roundtrip"))}`,
            ].join(" && "),
            expect: { kind: "containsAll", values: [`Digest: ${IMAGE_DIGEST_PLACEHOLDER}`] },
            cleanup: `docker image rm ${q(lessonTag("roundtrip"))}`,
        },
        {
            id: "01.01-save",
            teaches: ["docker save"],
            ...section("01.01"),
            title: "docker save writes the image to a tar file",
            proves: "An image is portable data: docker save streams its manifest and layers as a tar archive.",
            command: `docker save ${IMAGE_REF_PLACEHOLDER} | tar -tf -`,
            expect: { kind: "matchesAll", patterns: ["^manifest\\.json$"] },
        },
        {
            id: "01.01-rmi",
            teaches: ["docker tag", "docker image rm", "docker rmi"],
            ...section("01.01"),
            title: "docker image rm and docker rmi remove tags",
            proves: "Removing an image by name only untags it while other tags or containers still use its layers.",
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
            command: `curl -fsS ${q(`${spec.registry.url}/v2/_catalog`)}`,
            expect: { kind: "containsAll", values: [`"${spec.image.registryPath}"`] },
            substitutes: {
                notesCommand: "docker search",
                reason: "docker search only queries Docker Hub (hub.docker.com); the lab stays on this machine, so it searches the local registry's catalog",
            },
        },
        {
            id: "01.02-ps",
            teaches: ["docker ps"],
            ...section("01.02"),
            title: "docker ps lists every replica running and healthy",
            proves: "Each container made from the image is running and its healthcheck passes.",
            command: `docker ps --filter ${q(`label=${LABEL.instance}=${spec.instance}`)} --filter ${q(`label=${LABEL.role}=app`)} --format '{{.Names}} {{.Status}}'`,
            expect: {
                kind: "matchesAll",
                patterns: spec.replicas.map((r) => `^${escapeRegex(r.name)} Up .*\\(healthy\\)$`),
            },
        },
        {
            id: "01.02-container-ls",
            teaches: ["docker container ls"],
            ...section("01.02"),
            title: "docker container ls is docker ps",
            proves: "docker container ls lists the same running containers as docker ps: every replica of the lab.",
            command: `docker container ls --filter ${q(`label=${instanceLabel}`)} --filter ${q(`label=${LABEL.role}=app`)} --format '{{.Names}}'`,
            expect: { kind: "matchesAll", patterns: spec.replicas.map((r) => `^${escapeRegex(r.name)}$`) },
        },
        {
            id: "01.02-rm",
            teaches: ["docker rm"],
            ...section("01.02"),
            title: "docker rm removes a container",
            proves: "A container is an object of its own: docker rm deletes a (stopped) container and it is gone from docker ps -a.",
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
            command: exec(`head -n 2 ${inImage("app.js")}`),
            expect: { kind: "sameOutputAs", command: `head -n 2 ${hostAppFile("app.js")}` },
        },
        {
            id: "01.02-exec-tail",
            teaches: ["docker exec", "tail"],
            ...section("01.02"),
            title: "docker exec runs tail -n 2 on the app file",
            proves: "The last two lines of the app file inside the container match app/app.js.",
            command: exec(`tail -n 2 ${inImage("app.js")}`),
            expect: { kind: "sameOutputAs", command: `tail -n 2 ${hostAppFile("app.js")}` },
        },
        {
            id: "01.02-exec-cat",
            teaches: ["docker exec", "cat"],
            ...section("01.02"),
            title: "docker exec runs cat on the app's package.json",
            proves: "The files copied into the image are the ones in app/.",
            command: exec(`cat ${inImage("package.json")}`),
            expect: { kind: "sameOutputAs", command: `cat ${hostAppFile("package.json")}` },
        },
        {
            id: "01.02-exec-redirect",
            teaches: ["docker exec", ">"],
            ...section("01.02"),
            title: "Redirection with > inside the container",
            proves: "> writes a command's output to a file: here into the container's writable /tmp, since its root filesystem is read-only.",
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
            command: exec(`more ${inImage("package.json")}`),
            // util-linux more prints a ":::: file ::::" banner without a terminal; busybox more does not.
            expect: { kind: "matchesAll", patterns: ['"name": "hellodocker"', '"main": "app.js"'] },
            substitutes: {
                notesCommand: "less / more",
                reason: "pagers wait for keys on a terminal and less is not in every base image; more without a terminal prints the file",
            },
        },
        {
            id: "01.03-registry-catalog",
            teaches: [],
            ...section("01.03"),
            title: "The registry catalog lists the repository and tag",
            proves: "The local registry stores and distributes the image like Docker Hub does, through the Registry HTTP API v2.",
            command: `curl -fsS ${q(`${spec.registry.url}/v2/_catalog`)} && echo && curl -fsS ${q(`${spec.registry.url}/v2/${spec.image.registryPath}/tags/list`)}`,
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
            command: "docker info --format '{{.IndexServerAddress}}'",
            expect: { kind: "matchesAll", patterns: ["^https://index\\.docker\\.io/v1/?$"] },
        },
        {
            id: "01.04-client-server",
            teaches: [],
            ...section("01.04"),
            title: "docker version answers for client and daemon",
            proves: "Docker is client/server: the CLI sends API requests and the daemon answers with its own version.",
            command:
                "docker version --format 'client {{.Client.Version}} api {{.Client.APIVersion}} / server {{.Server.Version}} api {{.Server.APIVersion}}'",
            expect: { kind: "matchesAll", patterns: ["^client [^ ]+ api [0-9.]+ / server [^ ]+ api [0-9.]+$"] },
        },
        ...spec.replicas.map(
            (replica, index): LessonCheck => ({
                id: `02-http-${index}`,
                teaches: [],
                ...section("02"),
                title: `Replica ${index} answers HTTP on its published port`,
                proves: `The packaged app runs as ${replica.name} and answers on ${spec.appUrls[index]}.`,
                command: `curl -fsS ${q(`${spec.appUrls[index]}/`)}`,
                expect: {
                    kind: "containsAll",
                    values: [`"app":"hellodocker"`, `"hostname":"${replica.hostname}"`, `"lab":"${spec.instance}"`],
                },
            }),
        ),
    ];
    return checks;
}
