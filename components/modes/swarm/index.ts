import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { nodeUrls, parseEnginePlatform, parseSwarmNodes, SWARM_NODES_COMMAND, swarmApp, swarmRegistry } from "../../../lab";
import type { ModeComponents } from "../types";
import { AppService } from "./appService";
import { SwarmRegistry } from "./registry";

/**
 * Swarm mode: the registry as a service pinned to a manager (SwarmRegistry), each lab's app as one
 * service (AppService), all placed on the engine's platform, asked once for the whole lab.
 */
export const swarmComponents: ModeComponents = {
    // An invoke, as AppImage's own: its stdout is not logged.
    platform: (parent, spec) =>
        command.local
            .runOutput(
                { command: spec.image.platformCommand, environment: spec.commandEnv, logging: command.types.enums.local.Logging.Stderr },
                { parent },
            )
            .apply((r) => parseEnginePlatform(r.stdout, spec.image.platformCommand)),
    registry(name, args, opts) {
        const registry = new SwarmRegistry(
            name,
            {
                service: swarmRegistry(args.spec.registry).service,
                registry: args.spec.registry,
                volume: args.spec.volume,
                networkId: args.network.id,
                platform: args.platform,
                htpasswd: args.htpasswd,
            },
            opts,
        );
        return { url: registry.url, ready: [registry.service], waitFor: [registry.service], serviceNames: [registry.service.name] };
    },
    app(name, args, opts) {
        const app = new AppService(
            name,
            {
                service: swarmApp(args.lab.app).service,
                image: args.image,
                networkId: args.network.id,
                platform: args.platform,
                registryLogin: args.registryLogin,
            },
            opts,
        );
        return { containerNames: pulumi.output([]), serviceNames: [app.name], triggers: [app.service.id], dependsOn: [app.service] };
    },
    // The nodes, listed on every preview and up (an invoke; stdout not logged), so a node that joins or leaves shows without a diff.
    nodeUrls: (parent, spec, labs) =>
        command.local
            .runOutput(
                { command: SWARM_NODES_COMMAND, environment: spec.commandEnv, logging: command.types.enums.local.Logging.Stderr },
                { parent },
            )
            .apply((r) => parseSwarmNodes(r.stdout))
            .apply((nodes) => labs.flatMap((lab) => nodeUrls(nodes, swarmApp(lab.app).service.task.ports[0].external))),
};

export { AppService, type AppServiceArgs } from "./appService";
export { SwarmRegistry, type SwarmRegistryArgs } from "./registry";
