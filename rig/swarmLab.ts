import { docker, dockerOk } from "../engine";
import { LABEL, type LabSpec, SERVICE_NAME_LABEL } from "../lab";
import { labelled, leftovers, teardownLab } from "./harness";
import { sleep } from "./sleep";

/**
 * A lab in swarm mode on one engine, through the docker CLI: the engine's place in a swarm, a
 * one-node swarm made (and left) for a test, the lab's services and their tasks, and a teardown
 * that removes the services before the rest of the lab. The e2e suite uses it around the real CLI.
 */

/** The network a swarm leaves behind on a node that leaves it (`docker swarm leave` keeps it). */
export const GWBRIDGE_NETWORK = "docker_gwbridge";

/** The engine's place in a swarm: its LocalNodeState (inactive, pending, active, error, locked) and whether it is a manager. */
export async function swarmState(env: Record<string, string> = {}): Promise<{ state: string; manager: boolean }> {
    const out = await dockerOk(
        ["info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}"],
        "asking the engine for its swarm state",
        env,
    );
    const [state, control] = out.trim().split(/\s+/);
    return { state, manager: control === "true" };
}

/** `docker swarm init` on an engine in no swarm: a one-node swarm whose node advertises `advertiseAddr`. */
export async function initSwarm(advertiseAddr: string, env: Record<string, string> = {}): Promise<void> {
    await dockerOk(
        ["swarm", "init", "--advertise-addr", advertiseAddr],
        `making the engine a one-node swarm (advertising ${advertiseAddr})`,
        env,
    );
}

/** Leaves the swarm (`--force`: a lone manager may not leave otherwise) and removes the docker_gwbridge network it leaves behind. */
export async function leaveSwarm(env: Record<string, string> = {}): Promise<void> {
    await dockerOk(["swarm", "leave", "--force"], "leaving the swarm", env);
    const gw = await docker(["network", "ls", "--quiet", "--filter", `name=^${GWBRIDGE_NETWORK}$`], env);
    if (gw.stdout.trim())
        await dockerOk(["network", "rm", GWBRIDGE_NETWORK], `removing the ${GWBRIDGE_NETWORK} network the swarm left`, env);
}

/** Names of the swarm objects of `kind` (services, or secrets such as the registry's htpasswd) that carry `label`; none when the engine is no manager. */
export async function labelledSwarmObjects(kind: "service" | "secret", label: string, env: Record<string, string> = {}): Promise<string[]> {
    const out = await docker([kind, "ls", "--filter", `label=${label}`, "--format", "{{.Name}}"], env);
    return out.status === 0 ? out.stdout.split("\n").filter(Boolean) : [];
}

/** Names of the services that carry `label` (none when the engine is no manager). */
export function labelledServices(label: string, env: Record<string, string> = {}): Promise<string[]> {
    return labelledSwarmObjects("service", label, env);
}

/** One task of a service, as `docker service ps` shows it. */
export interface ServiceTask {
    name: string;
    node: string;
    /** The image reference the task runs (repository@sha256:… when pinned). */
    image: string;
    desiredState: string;
    currentState: string;
}

/** The tasks of a service that should be running, with the image each runs. */
export async function runningServiceTasks(service: string, env: Record<string, string> = {}): Promise<ServiceTask[]> {
    const out = await dockerOk(
        [
            "service",
            "ps",
            service,
            "--filter",
            "desired-state=running",
            "--no-trunc",
            "--format",
            "{{.Name}}\t{{.Node}}\t{{.Image}}\t{{.DesiredState}}\t{{.CurrentState}}",
        ],
        `listing the tasks of ${service}`,
        env,
    );
    return out
        .split("\n")
        .filter(Boolean)
        .map((line) => {
            const [name, node, image, desiredState, currentState] = line.split("\t");
            return { name, node, image, desiredState, currentState };
        });
}

/** The image reference a service's spec names. */
export async function serviceImage(service: string, env: Record<string, string> = {}): Promise<string> {
    return (
        await dockerOk(
            ["service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", service],
            `inspecting ${service}`,
            env,
        )
    ).trim();
}

/**
 * Everything of a swarm-mode lab still on the engine: what `leftovers` lists (containers, task
 * containers included, networks, volumes, image tags), its services and its secrets (registryAuth's htpasswd).
 */
export async function swarmLeftovers(spec: LabSpec): Promise<Record<string, string[]>> {
    const label = `${LABEL.instance}=${spec.instance}`;
    return {
        ...(await leftovers(spec)),
        services: await labelledServices(label, spec.commandEnv),
        secrets: await labelledSwarmObjects("secret", label, spec.commandEnv),
    };
}

/**
 * Tears a swarm-mode lab down the way `pulumi destroy` does: its services first, then (once their
 * task containers are gone) its secrets, containers, networks, volume and image tags. For what an
 * interrupted run left behind.
 */
export async function removeSwarmLab(spec: LabSpec, timeoutMs = 60_000): Promise<void> {
    const env = spec.commandEnv;
    const label = `${LABEL.instance}=${spec.instance}`;
    const services = await labelledServices(label, env);
    if (services.length > 0) {
        await dockerOk(["service", "rm", ...services], "removing the lab's services", env);
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const tasks = (await Promise.all(services.map((s) => labelled("container", `${SERVICE_NAME_LABEL}=${s}`, env)))).flat();
            if (tasks.length === 0 || Date.now() > deadline) break;
            await sleep(250);
        }
    }
    // A secret can be removed only once no service uses it.
    const secrets = await labelledSwarmObjects("secret", label, env);
    if (secrets.length > 0) await dockerOk(["secret", "rm", ...secrets], "removing the lab's secrets", env);
    // An overlay network may keep a task's endpoint for a moment after the task is gone.
    for (let attempt = 1; ; attempt++) {
        try {
            await teardownLab(spec);
            return;
        } catch (err) {
            if (attempt >= 5) throw err;
            await sleep(1000);
        }
    }
}
