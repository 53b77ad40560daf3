import { describeDamage, labDamage } from "../../../tools/labGuard";
import { appServiceOf, labSpec, registryServiceOf } from "../../helpers/specs";
import { fakeDocker } from "../exercises/fakeDocker";

// The lab guard in swarm mode: swarm replaces task containers by itself, so the guard asks for the
// lab's services (a service removed by hand is what only Pulumi restores), never for containers by name.

const stack = "unit-guard-swarm";
const spec = labSpec({ mode: "swarm", publishMode: "host" }, stack);

test("a whole swarm lab has no damage: the engine is asked for the lab's services and the tag, not for containers", async () => {
    const docker = fakeDocker([
        { pattern: "service*", stdout: `${appServiceOf(spec).name}\n${registryServiceOf(spec).name}\n` },
        { pattern: "network*", stdout: `${spec.network.name}\n` },
        { pattern: "image*", stdout: "sha256:abc\n" },
    ]);
    try {
        expect(await labDamage(spec)).toEqual([]);
        expect(docker.calls()).toEqual([
            `service ls --filter label=docker-lab.instance=${spec.instance} --format {{.Name}}`,
            `network ls --filter label=docker-lab.instance=${spec.instance} --format {{.Name}}`,
            `image inspect --format {{.Id}} ${spec.image.name}`,
        ]);
    } finally {
        docker.restore();
    }
});

test("a service removed by hand is damage, named with the one fix: npm run up", async () => {
    const docker = fakeDocker([
        { pattern: "service*", stdout: `${registryServiceOf(spec).name}\n` },
        { pattern: "network*", stdout: `${spec.network.name}\n` },
        { pattern: "image*", stdout: "sha256:abc\n" },
    ]);
    try {
        const damage = await labDamage(spec);
        expect(damage).toEqual([{ kind: "missing", role: "app-service", name: appServiceOf(spec).name }]);
        expect(describeDamage(damage[0], stack, "en")).toBe(
            `app service ${appServiceOf(spec).name} was removed: restore it with LAB_STACK=${stack} npm run up`,
        );
        expect(describeDamage({ kind: "missing", role: "registry-service", name: "r" }, stack, "zh")).toMatch(/^仓库服务 r 被删除了/);
    } finally {
        docker.restore();
    }
});
