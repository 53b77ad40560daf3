import { finding } from "./findings";
import type { DoctorFinding, DoctorProbes } from "./types";

/** Oldest Node.js major version the lab supports. */
const MIN_NODE_MAJOR = 20;

/** Node.js: the version running the tools and the Pulumi program. */
export function checkNode(probes: DoctorProbes): DoctorFinding[] {
    const version = probes.nodeVersion();
    const major = Number.parseInt(version.replace(/^v/, ""), 10);
    if (Number.isInteger(major) && major >= MIN_NODE_MAJOR) {
        return [finding("node", "node.version", true, `Node.js ${version} (${MIN_NODE_MAJOR} or newer is needed)`)];
    }
    return [
        finding(
            "node",
            "node.version",
            false,
            `Node.js ${version} is too old: docker-lab needs Node.js ${MIN_NODE_MAJOR} or newer; fix: install Node.js 22 LTS (nvm install 22, or https://nodejs.org) and run npm install again`,
        ),
    ];
}
