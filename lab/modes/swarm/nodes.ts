/** The nodes of a swarm as the lab lists them: where the app answers in host publish mode. */

/** Lists the swarm's nodes, one per line: hostname, address, state (ready/down) and availability (active/pause/drain). Needs a manager. */
export const SWARM_NODES_COMMAND =
    "docker node inspect --format '{{.Description.Hostname}} {{.Status.Addr}} {{.Status.State}} {{.Spec.Availability}}' $(docker node ls --quiet)";

/** One node of the swarm, as SWARM_NODES_COMMAND prints it. */
export interface SwarmNodeStatus {
    hostname: string;
    /** The address the node advertises, e.g. 10.0.0.5. */
    address: string;
    state: string;
    availability: string;
}

/** The nodes in the output of SWARM_NODES_COMMAND; throws a clear error on anything else. */
export function parseSwarmNodes(stdout: string): SwarmNodeStatus[] {
    return stdout
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
            const [hostname, address, state, availability, ...rest] = line.split(/\s+/);
            if (!availability || rest.length > 0) {
                throw new Error(
                    `The swarm's node list should have lines "hostname address state availability", but ${JSON.stringify(SWARM_NODES_COMMAND)} printed ${JSON.stringify(line)}; is the engine a swarm manager? (npm run doctor)`,
                );
            }
            return { hostname, address, state, availability };
        });
}

/** The URL of `port` on each ready node: where the app answers (every node through the mesh; in host mode the nodes that run a task). */
export function nodeUrls(nodes: SwarmNodeStatus[], port: number): string[] {
    return nodes.filter((n) => n.state === "ready").map((n) => `http://${n.address.includes(":") ? `[${n.address}]` : n.address}:${port}`);
}
