import { execFileSync } from "node:child_process";

/** Every live test lab uses a stack named test-*, so its instance id starts with this. */
export const TEST_INSTANCE_PREFIX = "docker-lab-test-";

// An interrupted run can leave labelled test containers holding the ports the live tests need.
// Only test labs are removed: a learner's own lab on the same engine is left alone.
export default function removeTestLabLeftovers(): void {
    const run = (args: string[]) => {
        try {
            return execFileSync("docker", args, { stdio: ["ignore", "pipe", "ignore"], timeout: 60_000 })
                .toString()
                .split("\n")
                .filter(Boolean);
        } catch {
            return [];
        }
    };
    const ofTestLabs = (listArgs: string[], idField = ".ID") =>
        run([...listArgs, "--filter", "label=docker-lab.managed=true", "--format", `{{${idField}}} {{.Label "docker-lab.instance"}}`])
            .map((line) => line.split(" "))
            .filter(([, instance]) => instance?.startsWith(TEST_INSTANCE_PREFIX))
            .map(([id]) => id);
    const containers = ofTestLabs(["ps", "--all"]);
    if (containers.length) run(["rm", "--force", "--volumes", ...containers]);
    const networks = ofTestLabs(["network", "ls"]);
    if (networks.length) run(["network", "rm", ...networks]);
    const volumes = ofTestLabs(["volume", "ls"], ".Name");
    if (volumes.length) run(["volume", "rm", "--force", ...volumes]);
    if (containers.length + networks.length + volumes.length > 0) {
        console.log(`removed test lab leftovers: ${containers.length} containers, ${networks.length} networks, ${volumes.length} volumes`);
    }
}
