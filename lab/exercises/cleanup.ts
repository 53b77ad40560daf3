import { shellQuote } from "../shell";

/**
 * How exercise objects are told apart from the lab's own: every container and image an exercise
 * makes is named `<instance>-ex-<purpose>` and carries the label `docker-lab.exercise=<instance>`.
 * The lab's objects (`pulumi up`) carry `docker-lab.managed=true` and never these.
 */

/** Label key of every object an exercise creates; its value is the lab instance id. */
export const EXERCISE_LABEL = "docker-lab.exercise";

/** `docker-lab.exercise=<instance>`. */
export function exerciseLabel(instance: string): string {
    return `${EXERCISE_LABEL}=${instance}`;
}

/** Prefix of the names of exercise containers and images: `<instance>-ex-`. */
export function exercisePrefix(instance: string): string {
    return `${instance}-ex-`;
}

/** Name of the exercise object for one purpose, e.g. `docker-lab-dev-ex-kernel`. */
export function exerciseObjectName(instance: string, purpose: string): string {
    return `${exercisePrefix(instance)}${purpose}`;
}

/** Where the learner's files for a stack's exercises go, relative to the project root (git-ignored). */
export function exerciseWorkDir(stack: string): string {
    return `.docker-lab/exercises/${stack}`;
}

/** The progress file of a stack's exercises, relative to the project root (git-ignored). */
export function exerciseProgressFile(stack: string): string {
    return `.docker-lab/progress-${stack}.json`;
}

/**
 * Shell command that removes every exercise container (with its anonymous volumes) and image of one
 * lab instance: those labelled `docker-lab.exercise=<instance>`, and those named `<instance>-ex-…`
 * (in case the learner left the label out). Containers go first, so no image is still in use; tags
 * named so are only untagged, images labelled so are removed.
 * Prints nothing and succeeds when there is nothing to remove.
 *
 * `pulumi destroy` runs it before the lab's own image removal (ImageSpec.removeCommand): an
 * exercise container still running from the lab's image would otherwise keep that image in use.
 */
export function exerciseCleanupCommand(instance: string): string {
    const label = shellQuote(`label=${exerciseLabel(instance)}`);
    const prefix = shellQuote(exercisePrefix(instance));
    const containersNamed = `docker ps -a --format '{{.ID}} {{.Names}}' | awk -v p=${prefix} 'index($2, p) == 1 { print $1 }'`;
    return [
        `ids=$( { docker ps -aq --filter ${label}; ${containersNamed}; } | sort -u )`,
        `[ -z "$ids" ] || docker rm -f -v $ids >/dev/null`,
        // Named tags are only untagged (a learner may have tagged the lab's own image so); labelled images go by id.
        `tags=$(docker image ls --format '{{.Repository}}:{{.Tag}}' | awk -v p=${prefix} 'index($1, p) == 1 && $1 !~ /:<none>$/')`,
        `[ -z "$tags" ] || docker image rm $tags >/dev/null`,
        `imgs=$(docker image ls -q --filter ${label} | sort -u)`,
        `[ -z "$imgs" ] || docker image rm -f $imgs >/dev/null`,
    ].join("; ");
}
