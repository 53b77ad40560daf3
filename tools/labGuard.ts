import { docker, dockerOk, explainDockerError } from "../engine";
import { type ContainerSpec, LABEL, type LabSpec, shellQuote } from "../lab";
import type { Lang } from "../lab/exercises";
import { DEFAULT_STACK } from "./pulumiCli";

/**
 * Guarding the lab: what of the objects `pulumi up` made is broken on the engine (a container
 * stopped or removed by hand, in swarm mode a service removed, the image tag deleted), and how to restore each. `npm run exercise
 * check` and `npm run verify` say so before they run any check.
 *
 * The fixes are the ones measured with the real Pulumi CLI: `npm run up` alone changes nothing
 * after a container was stopped or removed by hand (its state still says the container runs),
 * `pulumi refresh` then `npm run up` recreates it; neither brings back a deleted local image tag,
 * which `docker pull` does (the lab's registry still holds the image).
 */

/** What a damaged object is: a container (containers mode) or, in swarm mode, a service. */
export type LabObjectRole = "registry" | "replica" | "registry-service" | "app-service";

export type LabDamage =
    | { kind: "stopped"; role: LabObjectRole; name: string; state: string }
    | { kind: "missing"; role: LabObjectRole; name: string }
    | { kind: "image-tag-missing"; image: string };

/**
 * What is broken in the lab on the engine, the registry first (a pull needs it), then the replicas
 * in order, then the image tag. Empty when every container runs and the tag is there. Throws an
 * actionable error when the engine does not answer.
 */
export async function labDamage(spec: LabSpec): Promise<LabDamage[]> {
    const damage = spec.swarm ? await serviceDamage(spec) : await containerDamage(spec);
    const env = spec.commandEnv;
    const image = await docker(["image", "inspect", "--format", "{{.Id}}", spec.image.name], env);
    if (image.status !== 0) {
        if (!/no such image/i.test(image.stderr)) {
            throw new Error(explainDockerError(image.stderr, { action: "checking the lab's image tag", dockerHost: env.DOCKER_HOST }));
        }
        damage.push({ kind: "image-tag-missing", image: spec.image.name });
    }
    return damage;
}

/**
 * Swarm mode: swarm itself replaces a task container that stops or is removed; what only Pulumi
 * restores is a service removed by hand.
 */
async function serviceDamage(spec: LabSpec): Promise<LabDamage[]> {
    const listed = await dockerOk(
        ["service", "ls", "--filter", `label=${LABEL.instance}=${spec.instance}`, "--format", "{{.Name}}"],
        "checking the lab's services",
        spec.commandEnv,
    );
    const present = new Set(listed.split("\n").filter(Boolean));
    const services: [string, LabObjectRole][] = [
        [spec.swarm!.registry.name, "registry-service"],
        ...(spec.swarm?.app ? [[spec.swarm.app.name, "app-service"] as [string, LabObjectRole]] : []),
    ];
    return services.filter(([name]) => !present.has(name)).map(([name, role]): LabDamage => ({ kind: "missing", role, name }));
}

async function containerDamage(spec: LabSpec): Promise<LabDamage[]> {
    const env = spec.commandEnv;
    const listed = await dockerOk(
        ["ps", "--all", "--filter", `label=${LABEL.instance}=${spec.instance}`, "--format", "{{.Names}}\t{{.State}}"],
        "checking the lab's containers",
        env,
    );
    const states = new Map(
        listed
            .split("\n")
            .filter(Boolean)
            .map((line) => line.split("\t") as [string, string]),
    );
    const damage: LabDamage[] = [];
    const containers: [ContainerSpec, "registry" | "replica"][] = [
        [spec.registry.container, "registry"],
        // A class's replicas are its students' (each student's lab shares the class's instance label).
        ...[...spec.replicas, ...spec.students.flatMap((s) => s.replicas)].map((r): [ContainerSpec, "replica"] => [r, "replica"]),
    ];
    for (const [container, role] of containers) {
        const state = states.get(container.name);
        if (state === undefined) damage.push({ kind: "missing", role, name: container.name });
        else if (state !== "running") damage.push({ kind: "stopped", role, name: container.name, state });
    }
    return damage;
}

/** `npm run up` for the stack (LAB_STACK=S for any but the default). */
function upCommand(stack: string): string {
    return stack === DEFAULT_STACK ? "npm run up" : `LAB_STACK=${shellQuote(stack)} npm run up`;
}

/** One line: what is broken and the commands that restore it, in the learner's language. */
export function describeDamage(damage: LabDamage, stack: string, lang: Lang): string {
    const refresh = `pulumi refresh --yes --stack ${shellQuote(stack)}`;
    const up = upCommand(stack);
    const what = (role: LabObjectRole, name: string) =>
        lang === "zh"
            ? `${{ registry: "仓库容器", replica: "副本容器", "registry-service": "仓库服务", "app-service": "应用服务" }[role]} ${name}`
            : `${{ registry: "registry container", replica: "replica", "registry-service": "registry service", "app-service": "app service" }[role]} ${name}`;
    switch (damage.kind) {
        case "stopped":
            return lang === "zh"
                ? `${what(damage.role, damage.name)} 已停止（${damage.state}）：用 docker start ${damage.name} 恢复，或者 ${refresh}（口令 docker-lab）之后 ${up}`
                : `${what(damage.role, damage.name)} is stopped (${damage.state}): restore it with docker start ${damage.name}, or ${refresh} (passphrase docker-lab), then ${up}`;
        case "missing":
            return lang === "zh"
                ? `${what(damage.role, damage.name)} 被删除了：先 ${refresh}（口令 docker-lab），再 ${up}（只运行 ${up} 不会发现它不见了）`
                : `${what(damage.role, damage.name)} was removed: run ${refresh} (passphrase docker-lab), then ${up} (${up} alone does not notice it is gone)`;
        case "image-tag-missing":
            return lang === "zh"
                ? `镜像标签 ${damage.image} 被删除了：用 docker pull ${damage.image} 从本地仓库取回（${up} 不会恢复本地标签）`
                : `the image tag ${damage.image} was deleted: get it back from the local registry with docker pull ${damage.image} (${up} does not restore a local tag)`;
    }
}

/** The heading above the damage lines. */
export function damageHeading(instance: string, lang: Lang): string {
    return lang === "zh"
        ? `实验 ${instance} 中由 pulumi up 管理的对象被破坏了：`
        : `the lab ${instance} is broken: objects that pulumi up manages are not as it left them:`;
}
