import { docker, dockerOk, explainDockerError } from "../engine";
import type { Lang } from "../lab";
import { LABEL, type LabObjectRole, labsOf, MODES, type SharedSpec, type Spec, shellQuote } from "../lab";
import { DEFAULT_STACK } from "./pulumiCli";

/**
 * Guarding the lab: what of the objects `pulumi up` made is broken on the engine (a container
 * stopped or removed by hand, a service removed, the image tag deleted), and how to restore each. `npm run exercise
 * check` and `npm run verify` say so before they run any check.
 *
 * Why these fixes: `npm run up` alone changes nothing after a container was stopped or removed by
 * hand (its state still says the container runs);
 * `pulumi refresh` then `npm run up` recreates it; neither brings back a deleted local image tag,
 * which `docker pull` does (the lab's registry still holds the image).
 */

export type { LabObjectRole };

export type LabDamage =
    | { kind: "stopped"; role: LabObjectRole; name: string; state: string }
    | { kind: "missing"; role: LabObjectRole; name: string }
    | { kind: "image-tag-missing"; image: string };

/**
 * What is broken in the lab on the engine: of the objects its mode names as a learner's to break
 * (the registry first, a pull needs it), the containers stopped or removed and the services removed;
 * then the image tag. Empty when all is whole. Throws an actionable error when the engine does not answer.
 */
export async function labDamage(spec: Spec): Promise<LabDamage[]> {
    const guarded = MODES[spec.mode].guarded(spec, labsOf(spec));
    const env = spec.commandEnv;
    const [containers, services] = await Promise.all([
        guarded.some((o) => o.kind === "container") ? containerStates(spec) : new Map<string, string>(),
        guarded.some((o) => o.kind === "service") ? serviceNames(spec) : new Set<string>(),
    ]);
    const damage = guarded.flatMap((o): LabDamage[] => {
        if (o.kind === "service") return services.has(o.name) ? [] : [{ kind: "missing", role: o.role, name: o.name }];
        const state = containers.get(o.name);
        if (state === undefined) return [{ kind: "missing", role: o.role, name: o.name }];
        return state === "running" ? [] : [{ kind: "stopped", role: o.role, name: o.name, state }];
    });
    const image = await docker(["image", "inspect", "--format", "{{.Id}}", spec.image.name], env);
    if (image.status !== 0) {
        if (!/no such image/i.test(image.stderr)) {
            throw new Error(explainDockerError(image.stderr, { action: "checking the lab's image tag", dockerHost: env.DOCKER_HOST }));
        }
        damage.push({ kind: "image-tag-missing", image: spec.image.name });
    }
    return damage;
}

/** The lab's services by name (a service's tasks come back by themselves; a removed service only with Pulumi). */
async function serviceNames(spec: SharedSpec): Promise<Set<string>> {
    const listed = await dockerOk(
        ["service", "ls", "--filter", `label=${LABEL.instance}=${spec.instance}`, "--format", "{{.Name}}"],
        "checking the lab's services",
        spec.commandEnv,
    );
    return new Set(listed.split("\n").filter(Boolean));
}

/** The state (running, exited …) of each of the lab's containers, by name. */
async function containerStates(spec: SharedSpec): Promise<Map<string, string>> {
    const listed = await dockerOk(
        ["ps", "--all", "--filter", `label=${LABEL.instance}=${spec.instance}`, "--format", "{{.Names}}\t{{.State}}"],
        "checking the lab's containers",
        spec.commandEnv,
    );
    return new Map(
        listed
            .split("\n")
            .filter(Boolean)
            .map((line) => line.split("\t") as [string, string]),
    );
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
