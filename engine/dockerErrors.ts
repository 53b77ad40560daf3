/**
 * Turns the docker CLI's error output into one line a person can act on: what happened and the
 * fix. Unknown errors pass through unchanged after the context.
 */
export interface DockerErrorContext {
    /** What was being done, e.g. "starting container docker-lab-dev-app-0". */
    action: string;
    /** Engine address in use (DOCKER_HOST), if any. */
    dockerHost?: string;
}

export function explainDockerError(stderr: string, ctx: DockerErrorContext): string {
    const text = stderr.trim();
    const engine = ctx.dockerHost || process.env.DOCKER_HOST || "the default socket";

    if (/docker: command not found/.test(text)) {
        return `The docker CLI is not installed or not on PATH (while ${ctx.action}): install Docker Desktop, or Docker Engine (docker.io / docker-ce).`;
    }
    const port =
        text.match(/Bind for ([^ ]+?):(\d+) failed: port is already allocated/) ??
        text.match(/listen tcp[46]? ([^ ]+?):(\d+): bind: address already in use/);
    if (port) {
        return `Host port ${port[2]} on ${port[1]} is already in use (while ${ctx.action}): stop what holds it (docker ps; lsof -i :${port[2]}) or choose other ports (npm run config -- set appPort/registryPort).`;
    }
    if (
        /Cannot connect to the Docker daemon|error during connect|docker daemon is not running|connect: no such file or directory|connection refused/i.test(
            text,
        )
    ) {
        return `Docker engine not reachable at ${engine} (while ${ctx.action}): start Docker (Docker Desktop, or sudo systemctl start docker / dockerd) or point DOCKER_HOST / dockerHost at a running engine.`;
    }
    if (/permission denied while trying to connect/i.test(text)) {
        return `No permission to use the Docker engine at ${engine} (while ${ctx.action}): add your user to the docker group (sudo usermod -aG docker $USER, then log in again) or use rootless Docker.`;
    }
    const conflict = text.match(/The container name "\/?([^"]+)" is already in use/);
    if (conflict) {
        return `A container named ${conflict[1]} already exists (while ${ctx.action}): remove it (docker rm -f ${conflict[1]}) or use another stack name.`;
    }
    if (
        /no basic auth credentials|unauthorized: authentication required|failed with status: 401 Unauthorized|401 Unauthorized/i.test(text)
    ) {
        const host = text.match(/https?:\/\/([^/\s"]+)\/v2\//)?.[1];
        const registry = host ?? "<registry>";
        return `The registry${host ? ` ${host}` : ""} requires a login and refused this one (while ${ctx.action}): the credentials were missing or the password is wrong; fix: log in with the lab's password: npm run -s pulumi -- stack output registryPassword --show-secrets | docker login --username <registryUser> --password-stdin ${registry} (and npm run up if the lab's own push is refused).`;
    }
    const missing = text.match(/(?:pull access denied for|manifest for|No such image:|repository does not exist[^:]*:?)\s*([^\s,]+)/i);
    if (missing && /pull access denied|not found|No such image|does not exist/i.test(text)) {
        return `Image ${missing[1]} is not available (while ${ctx.action}): pull it where the network allows, or build the offline images (bash scripts/offline-images.sh) and select them with npm run config -- set baseImage/registryImage.`;
    }
    return `docker failed while ${ctx.action}: ${text}`;
}
