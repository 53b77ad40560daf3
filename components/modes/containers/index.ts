import * as pulumi from "@pulumi/pulumi";
import { containersApp } from "../../../lab";
import type { ModeComponents } from "../types";
import { LocalRegistry } from "./registry";
import { AppReplicas } from "./replicas";

/** Containers mode: the registry as a container (LocalRegistry), each lab's app as its replicas (AppReplicas). */
export const containersComponents: ModeComponents = {
    // docker.Image asks the engine's platform itself.
    platform: () => undefined,
    registry(name, args, opts) {
        const registry = new LocalRegistry(
            name,
            {
                registry: args.spec.registry,
                volume: args.spec.volume,
                networkName: args.network.name,
                commandEnv: args.spec.commandEnv,
                htpasswd: args.htpasswd,
            },
            opts,
        );
        return { url: registry.url, ready: [registry.container], waitFor: [registry.container, registry.pidsLimit], serviceNames: [] };
    },
    app(name, args, opts) {
        const { lab } = args;
        const replicas = new AppReplicas(
            name,
            { replicas: containersApp(lab.app).replicas, image: args.image, networkName: args.network.name, commandEnv: lab.commandEnv },
            opts,
        );
        return {
            containerNames: replicas.names,
            serviceNames: [],
            triggers: replicas.containers.map((c) => c.id),
            // Checks see the lab as hardened: every container and its PIDs limit.
            dependsOn: [...replicas.containers, ...replicas.pidsLimits],
        };
    },
    nodeUrls: () => pulumi.output([]),
};

export { LocalRegistry, type LocalRegistryArgs } from "./registry";
export { AppReplicas, type AppReplicasArgs } from "./replicas";
