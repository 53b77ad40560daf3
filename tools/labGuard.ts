import { docker, dockerOk, explainDockerError } from "../engine";
import type { Lang } from "../lab";
import { LABEL, type LabCore, type LabObjectRole, labsOf, MODES, type SharedSpec, type Spec } from "../lab";
import { labScript } from "./pulumiCli";

/**
 * Guarding the lab: what of the objects `pulumi up` made is broken on the engine (a container
 * stopped or removed by hand or stopped by an engine restart, a service or network removed, the
 * image tag deleted). `npm run exercise check` and `npm run verify` say so before they run any
 * check, with the one fix, `npm run up`, which heals each (tools/heal.ts).
 */

export type { LabObjectRole };

/** What a damaged object is: one the mode names (a container, a service), or a lab network. */
export type GuardRole = LabObjectRole | "network";

export type LabDamage =
    | { kind: "stopped"; role: GuardRole; name: string; state: string }
    | { kind: "missing"; role: GuardRole; name: string }
    | { kind: "image-tag-missing"; image: string };

/**
 * What is broken in the lab on the engine: of the objects its mode names as a learner's to break
 * (the registry first, a pull needs it), the containers stopped or removed and the services removed;
 * then the image tag. Only `labs` of a class are looked at (one student's, for their exercises):
 * default every lab of the spec. Empty when all is whole. Throws an actionable error when the engine does not answer.
 */
export async function labDamage(spec: Spec, labs: LabCore[] = labsOf(spec)): Promise<LabDamage[]> {
    const guarded = MODES[spec.mode].guarded(spec, labs);
    const env = spec.commandEnv;
    const [containers, services, networks] = await Promise.all([
        guarded.some((o) => o.kind === "container") ? containerStates(spec) : new Map<string, string>(),
        guarded.some((o) => o.kind === "service") ? labelledNames(spec, "service") : new Set<string>(),
        labelledNames(spec, "network"),
    ]);
    const damage = guarded.flatMap((o): LabDamage[] => {
        if (o.kind === "service") return services.has(o.name) ? [] : [{ kind: "missing", role: o.role, name: o.name }];
        const state = containers.get(o.name);
        if (state === undefined) return [{ kind: "missing", role: o.role, name: o.name }];
        return state === "running" ? [] : [{ kind: "stopped", role: o.role, name: o.name, state }];
    });
    const mode = MODES[spec.mode];
    const labNetworks = [spec.network.name, ...labs.map((lab) => mode.engineNetwork?.(lab) ?? lab.network.name)];
    for (const name of new Set(labNetworks)) if (!networks.has(name)) damage.push({ kind: "missing", role: "network", name });
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
 * The names of the lab's services or networks (by its instance label). A service's tasks come back by
 * themselves, and a network with containers cannot be removed: what is missing needs Pulumi.
 */
async function labelledNames(spec: SharedSpec, kind: "service" | "network"): Promise<Set<string>> {
    const listed = await dockerOk(
        [kind, "ls", "--filter", `label=${LABEL.instance}=${spec.instance}`, "--format", "{{.Name}}"],
        `checking the lab's ${kind}s`,
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
    return labScript(stack, "up");
}

const ROLE_NAMES: Record<Lang, Record<GuardRole, string>> = {
    zh: {
        registry: "仓库容器",
        replica: "副本容器",
        "registry-service": "仓库服务",
        "app-service": "应用服务",
        seat: "座位引擎容器",
        workstation: "工作站容器",
        network: "网络",
    },
    en: {
        registry: "registry container",
        replica: "replica",
        "registry-service": "registry service",
        "app-service": "app service",
        seat: "seat engine container",
        workstation: "workstation container",
        network: "network",
    },
};

/** One line: what is broken and the one command that restores it, in the learner's language. */
export function describeDamage(damage: LabDamage, stack: string, lang: Lang): string {
    const up = upCommand(stack);
    const what = (role: GuardRole, name: string) => `${ROLE_NAMES[lang][role]} ${name}`;
    switch (damage.kind) {
        case "stopped":
            return lang === "zh"
                ? `${what(damage.role, damage.name)} 已停止（${damage.state}）：运行 ${up} 恢复它`
                : `${what(damage.role, damage.name)} is stopped (${damage.state}): restore it with ${up}`;
        case "missing":
            return lang === "zh"
                ? `${what(damage.role, damage.name)} 被删除了：运行 ${up} 恢复它`
                : `${what(damage.role, damage.name)} was removed: restore it with ${up}`;
        case "image-tag-missing":
            return lang === "zh"
                ? `镜像标签 ${damage.image} 被删除了：运行 ${up} 从本地仓库取回它`
                : `the image tag ${damage.image} was deleted: get it back from the local registry with ${up}`;
    }
}

/** The heading above the damage lines. */
export function damageHeading(instance: string, lang: Lang): string {
    return lang === "zh"
        ? `实验 ${instance} 中由 pulumi up 管理的对象被破坏了：`
        : `the lab ${instance} is broken: objects that pulumi up manages are not as it left them:`;
}
