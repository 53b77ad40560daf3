import { buildLabSpec, type SpecContext } from "../../../lab";
import { labConfig } from "../../../tools/stack";

// Every learner-facing text of a lesson check exists in Chinese too, written in Chinese.

const ctx: SpecContext = { project: "docker-lab", stack: "dev", appDir: "app" };
const HAN = /[\u4e00-\u9fff]/;

describe("lesson checks in Chinese", () => {
    const specs = [buildLabSpec(labConfig(), ctx), buildLabSpec(labConfig({ replicas: "3" }), ctx)];

    test.each(specs.flatMap((spec) => spec.checks).map((c) => [c.id, c] as const))("%s has a Chinese title and proves", (_id, check) => {
        expect(check.title.zh).toMatch(HAN);
        expect(check.proves.zh).toMatch(HAN);
        expect(check.title.zh).not.toBe(check.title.en);
        if (check.substitutes) expect(check.substitutes.reason.zh).toMatch(HAN);
    });

    test("the notes' own terms: 镜像 for image, 容器 for container, 仓库 for registry", () => {
        const byId = Object.fromEntries(specs[0].checks.map((c) => [c.id, c]));
        expect(byId["01.01-image-ls"].title.zh).toContain("镜像");
        expect(byId["01.02-rm"].title.zh).toContain("容器");
        expect(byId["01.03-default-registry"].title.zh).toContain("仓库");
        expect(byId["02-http-1"].title.zh).toContain("副本 1");
    });
});
