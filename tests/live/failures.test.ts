import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { DockerCommandError } from "../../engine";
import { LabConfigError } from "../../lab";
import { leftovers, provisionLab, removeLeftovers } from "../../rig";
import { labSpec } from "../helpers/specs";
import { describeLive, liveImages } from "./engine";

// Failure paths on the real engine: each must end in one message a person can act on.

describeLive("failure paths on a real engine", () => {
    const images = liveImages();

    test("a host port already taken: the error names the port and the container", async () => {
        const spec = labSpec({ ...images, appPort: "19080", registryPort: "19000" }, "test-port");
        await removeLeftovers([spec]);
        const holder = net.createServer();
        await new Promise<void>((resolve) => holder.listen(19000, "127.0.0.1", resolve));
        try {
            const error = await provisionLab(spec).then(
                () => undefined,
                (e: unknown) => e,
            );
            expect(error).toBeInstanceOf(DockerCommandError);
            expect((error as Error).message).toMatch(/Host port 19000 on 127\.0\.0\.1 is already in use/);
            expect((error as Error).message).toContain(`starting container ${spec.registry.container.name}`);
            expect((error as Error).message).not.toContain("\n");
        } finally {
            holder.close();
            await removeLeftovers([spec]);
        }
        expect(await leftovers(spec)).toEqual({ containers: [], networks: [], volumes: [], images: [], tags: [] });
    });

    test("an unreachable engine: one line that says so and how to fix it", async () => {
        const deadSocket = `unix://${path.join(os.tmpdir(), `docker-lab-no-engine-${process.pid}.sock`)}`;
        const spec = labSpec({ ...images, dockerHost: deadSocket }, "test-noengine");
        const error = await provisionLab(spec).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(DockerCommandError);
        const message = (error as Error).message;
        expect(message).toBe(
            `Docker engine not reachable at ${deadSocket} (while creating network ${spec.network.name}): start Docker (Docker Desktop, or sudo systemctl start docker / dockerd) or point DOCKER_HOST / dockerHost at a running engine.`,
        );
    });

    test("invalid config fails before any docker call", async () => {
        // A docker stand-in that records every call: it must never be run.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-lab-fake-docker-"));
        const log = path.join(dir, "calls.log");
        fs.writeFileSync(path.join(dir, "docker"), `#!/bin/sh\necho "$@" >> ${JSON.stringify(log)}\nexit 1\n`, { mode: 0o755 });
        const savedPath = process.env.PATH;
        process.env.PATH = `${dir}${path.delimiter}${savedPath}`;
        try {
            const attempt = async () => provisionLab(labSpec({ ...images, replicas: "0", appPort: "99999" }, "test-invalid"));
            await expect(attempt()).rejects.toBeInstanceOf(LabConfigError);
            await expect(attempt()).rejects.toThrow(/replicas = "0"[\s\S]*appPort = "99999"/);
            expect(fs.existsSync(log)).toBe(false);
        } finally {
            process.env.PATH = savedPath;
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
