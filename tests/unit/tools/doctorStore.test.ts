import { parseStore, STORE_DIFFERENCES } from "../../../tools/doctor/store";

import { labSpec } from "../../helpers/specs";
import { byId, doctor, problems, world } from "./doctorFake";

// The doctor names the engine's image store (tools/doctor/store.ts): Docker's classic store on its
// storage driver, or the containerd image store, each with what it changes in the lesson checks.

const TCP = "tcp://127.0.0.1:2375";
/** What `docker info` shows on the engines the e2e suite runs (tests/e2e/engines.test.ts). */
const CONTAINERD = [["driver-type", "io.containerd.snapshotter.v1"]];
const OVERLAY2 = [
    ["Backing Filesystem", "extfs"],
    ["Supports d_type", "true"],
    ["Using metacopy", "false"],
    ["Native Overlay Diff", "true"],
    ["userxattr", "false"],
];

describe("doctor: the engine's image store", () => {
    test("overlay2: the classic store, ok, class engine, asked of the lab's engine", async () => {
        const result = await doctor(
            world({ engines: { [TCP]: { version: "28.5.2", api: "1.51" } }, store: { driver: "overlay2", status: OVERLAY2 } }),
            { dockerHost: TCP },
        );
        const store = byId(result, "engine.store");
        expect(store).toMatchObject({ ok: true, klass: "engine" });
        expect(store.message).toBe(
            "image store: overlay2 (Docker's classic image store on the overlay2 storage driver); every lesson check passes on it and on the containerd image store, where docker image ls, history, save and push print differently (01.01-image-ls, 00-image-layers, 01.01-save, 01.01-tag-push-pull)",
        );
        const info = result.calls.find((c) => c.args.join(" ").includes(".DriverStatus"));
        expect(info?.env.DOCKER_HOST).toBe(TCP);
    });

    test("vfs (a dind node's tmpfs) is the classic store too", async () => {
        const store = byId(await doctor(world({ store: { driver: "vfs", status: [] } })), "engine.store");
        expect(store.message).toMatch(/^image store: vfs \(Docker's classic image store on the vfs storage driver\); /);
    });

    test("the containerd image store (Docker 29's default): named with its snapshotter, never a problem", async () => {
        const result = await doctor(
            world({
                engines: { "unix:///var/run/docker.sock": { version: "29.8.0", api: "1.56" } },
                store: { driver: "overlayfs", status: CONTAINERD },
            }),
        );
        const store = byId(result, "engine.store");
        expect(store).toMatchObject({ ok: true, klass: "engine" });
        expect(store.message).toBe(
            "image store: the containerd image store (driver-type io.containerd.snapshotter.v1, snapshotter overlayfs); every lesson check passes on it; what differs from the classic store: " +
                STORE_DIFFERENCES.map((d) => `${d.containerd} (${d.check})`).join("; "),
        );
        expect(store.message).toMatch(/\(01\.01-tag-push-pull\)$/); // whole: not cut at the finding's length limit
        expect(problems(result)).toEqual([]);
        expect(result.exitCode).toBe(0);
    });

    test("docker info failing after the engine answered: ok, says the store is not known and why", async () => {
        const store = byId(await doctor(world({ store: null })), "engine.store");
        expect(store).toMatchObject({
            ok: true,
            klass: "engine",
            message: "image store not known (docker info: error during connect: EOF)",
        });
    });

    test("an engine that does not answer is not asked for its store", async () => {
        const result = await doctor(world({ engines: {} }));
        expect(result.findings.map((f) => f.id)).not.toContain("engine.store");
        expect(result.calls.some((c) => c.args.join(" ").includes(".DriverStatus"))).toBe(false);
    });
});

test("every check the store finding names is a lesson check of the lab", () => {
    const ids = labSpec().checks.map((c) => c.id);
    expect(STORE_DIFFERENCES.map((d) => d.check).filter((id) => !ids.includes(id))).toEqual([]);
});

describe("parseStore: docker info's {{.Driver}}|{{json .DriverStatus}}", () => {
    test.each([
        ['overlay2|[["Backing Filesystem","extfs"]]', { driver: "overlay2", containerd: false }],
        ['overlayfs|[["driver-type","io.containerd.snapshotter.v1"]]', { driver: "overlayfs", containerd: true }],
        ['native|[["driver-type","io.containerd.snapshotter.v1"]]', { driver: "native", containerd: true }],
        ["vfs|null", { driver: "vfs", containerd: false }],
        ["vfs|not json", { driver: "vfs", containerd: false }],
    ])("%s", (line, expected) => {
        expect(parseStore(line)).toEqual(expected);
    });

    test("no driver, or no separator: undefined", () => {
        expect(parseStore("|[]")).toBeUndefined();
        expect(parseStore("overlay2")).toBeUndefined();
    });
});
