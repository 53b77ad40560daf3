import { explainDockerError } from "../../../engine";

const ctx = { action: "starting container docker-lab-dev-app-0" };

describe("explainDockerError turns docker's output into one actionable line", () => {
    test.each([
        [
            "Error response from daemon: driver failed programming external connectivity on endpoint x: Bind for 127.0.0.1:8080 failed: port is already allocated",
            /^Host port 8080 on 127\.0\.0\.1 is already in use \(while starting container docker-lab-dev-app-0\): .*npm run config -- set appPort/,
        ],
        [
            "Error starting userland proxy: listen tcp4 0.0.0.0:5000: bind: address already in use",
            /^Host port 5000 on 0\.0\.0\.0 is already in use/,
        ],
        [
            "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
            /^Docker engine not reachable at /,
        ],
        [
            "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock",
            /^No permission to use the Docker engine/,
        ],
        [
            'Conflict. The container name "/docker-lab-dev-app-0" is already in use by container "abc"',
            /^A container named docker-lab-dev-app-0 already exists.*docker rm -f docker-lab-dev-app-0/,
        ],
        [
            "Unable to find image 'node:99' locally\ndocker: Error response from daemon: pull access denied for node, repository does not exist",
            /^Image node is not available.*offline-images\.sh/,
        ],
        ["docker: command not found", /^The docker CLI is not installed or not on PATH/],
    ])("%s", (stderr, expected) => {
        const line = explainDockerError(stderr, ctx);
        expect(line).toMatch(expected);
        expect(line).not.toContain("\n");
    });

    test("names the engine from the context, else DOCKER_HOST", () => {
        const saved = process.env.DOCKER_HOST;
        process.env.DOCKER_HOST = "tcp://from-env:2375";
        try {
            expect(explainDockerError("Cannot connect to the Docker daemon", { ...ctx, dockerHost: "ssh://lab" })).toContain(
                "at ssh://lab ",
            );
            expect(explainDockerError("Cannot connect to the Docker daemon", ctx)).toContain("at tcp://from-env:2375 ");
        } finally {
            if (saved === undefined) delete process.env.DOCKER_HOST;
            else process.env.DOCKER_HOST = saved;
        }
    });

    test("an unknown error passes through after what was being done", () => {
        expect(explainDockerError("something odd\n", ctx)).toBe(
            "docker failed while starting container docker-lab-dev-app-0: something odd",
        );
    });
});
