import { IMAGE_DIGEST_PLACEHOLDER, IMAGE_REF_PLACEHOLDER, LABEL } from "./constants";
import { exerciseLabel, exercisePrefix } from "./names";
import { shellQuote } from "./shell";
import type { ImageSpec } from "./types";

/** The shell commands the lab runs beside its resources: the engine's platform, and tagging, copying and removing images. */

/** Prints the engine's own OS and architecture, e.g. linux/amd64: the platform the app image is built for. */
export const ENGINE_PLATFORM_COMMAND = "docker version --format '{{.Server.Os}}/{{.Server.Arch}}'";

/**
 * The platform from the output of ENGINE_PLATFORM_COMMAND, trimmed; throws a clear error unless it
 * looks like os/arch (optionally /variant), e.g. linux/amd64 or linux/arm64/v8.
 */
export function parseEnginePlatform(stdout: string, command = ENGINE_PLATFORM_COMMAND): string {
    const platform = stdout.trim();
    if (!/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(platform)) {
        throw new Error(
            `The engine's platform should look like os/arch (e.g. linux/amd64), but ${JSON.stringify(command)} printed ${JSON.stringify(platform)}; ` +
                "check that the docker CLI reaches the engine (npm run doctor)",
        );
    }
    return platform;
}

/** Shell command that untags every local tag of `repository` (by name: the image itself stays for other tags). */
export function untagRepositoryCommand(repository: string): string {
    const ref = shellQuote(`reference=${repository}:*`);
    return `refs=$(docker image ls --format '{{.Repository}}:{{.Tag}}' --filter ${ref} | sort -u); [ -z "$refs" ] || docker image rm $refs`;
}

/**
 * Shell command that removes what the learner's exercises made (a container still running from the
 * lab image would keep it), then the lab's images by id and forced, so tags made by checks go too;
 * the instance label keeps other labs' images safe.
 */
export function labImageRemoveCommand(instance: string): string {
    const filter = shellQuote(`label=${LABEL.instance}=${instance}`);
    return `${exerciseCleanupCommand(instance)}; ids=$(docker image ls -q --filter ${filter} | sort -u); [ -z "$ids" ] || docker image rm -f $ids`;
}

/**
 * The command that gives a student's repository the class image: tag the class image's digest
 * reference (IMAGE_REF_PLACEHOLDER) as the student's image name, push it (the registry mounts the
 * layers from the class repository, so nothing is uploaded twice) and require the same digest.
 */
export function copyImageCommand(image: ImageSpec): string {
    const q = shellQuote;
    return [
        `docker tag ${IMAGE_REF_PLACEHOLDER} ${q(image.name)} || exit 1`,
        `out=$(docker push ${q(image.name)} 2>&1) || { printf '%s\\n' "$out" >&2; exit 1; }`,
        `case "$out" in *"digest: ${IMAGE_DIGEST_PLACEHOLDER} "*) ;; *) printf '%s\\n' ${q(`${image.name} was pushed, but the registry did not report the class image's digest ${IMAGE_DIGEST_PLACEHOLDER}:`)} "$out" >&2; exit 1 ;; esac`,
        `printf '%s\\n' ${q(`${image.repository}@`)}${IMAGE_DIGEST_PLACEHOLDER}`,
    ].join("\n");
}

/**
 * Shell command that removes every exercise container (with its anonymous volumes) and image of one
 * lab instance: those labelled `docker-lab.exercise=<instance>`, and those named `<instance>-ex-…`
 * (in case the learner left the label out). Containers go first, so no image is still in use; tags
 * named so are only untagged, images labelled so are removed.
 * Prints nothing and succeeds when there is nothing to remove. With `owner` (a student on an engine
 * the class shares, `<instance>-<student>`): only what is named `<owner>-ex-…`, never another student's.
 *
 * `pulumi destroy` runs it before the lab's own image removal (ImageSpec.removeCommand): an
 * exercise container still running from the lab's image would otherwise keep that image in use.
 */
export function exerciseCleanupCommand(instance: string, owner?: string): string {
    const label = shellQuote(`label=${exerciseLabel(instance)}`);
    const prefix = shellQuote(exercisePrefix(owner ?? instance));
    const containersNamed = `docker ps -a --format '{{.ID}} {{.Names}}' | awk -v p=${prefix} 'index($2, p) == 1 { print $1 }'`;
    // One student on a shared engine: only what is named for them; the label is the whole class's.
    const labelled = owner === undefined ? `docker ps -aq --filter ${label}; ` : "";
    return [
        `ids=$( { ${labelled}${containersNamed}; } | sort -u )`,
        `[ -z "$ids" ] || docker rm -f -v $ids >/dev/null`,
        // Named tags are only untagged (a learner may have tagged the lab's own image so); labelled images go by id.
        `tags=$(docker image ls --format '{{.Repository}}:{{.Tag}}' | awk -v p=${prefix} 'index($1, p) == 1 && $1 !~ /:<none>$/')`,
        `[ -z "$tags" ] || docker image rm $tags >/dev/null`,
        ...(owner === undefined
            ? [`imgs=$(docker image ls -q --filter ${label} | sort -u)`, `[ -z "$imgs" ] || docker image rm -f $imgs >/dev/null`]
            : []),
    ].join("; ");
}
