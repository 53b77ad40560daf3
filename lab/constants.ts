/** Names, ports and placeholders the spec, the lesson checks and the tools share. */

/** The Pulumi project name (Pulumi.yaml `name`), the first part of every instance id. */
export const PROJECT_NAME = "docker-lab";
/** Name of the program's root component (DockerLab): every resource's name starts with it. */
export const LAB_RESOURCE_NAME = "lab";
/** The app folder, relative to the project root, where every lab command runs. */
export const APP_DIR = "app";

/** Label keys every lab object carries; `docker-lab.instance` tells labs on one engine apart. */
export const LABEL = {
    managed: "docker-lab.managed",
    instance: "docker-lab.instance",
    role: "docker-lab.role",
    replica: "docker-lab.replica",
    /** In a classroom: the student a lab object belongs to. */
    student: "docker-lab.student",
} as const;

/** Port the app listens on inside its container. */
export const APP_CONTAINER_PORT = 8080;
/** Port the registry listens on inside its container (the registry image's default). */
export const REGISTRY_CONTAINER_PORT = 5000;
/** Where the app's files live inside the image (WORKDIR of app/Dockerfile). */
export const APP_DIR_IN_IMAGE = "/app";
/** Placeholders in check commands, filled once the image is pushed (its digest is unknown before). */
export const IMAGE_REF_PLACEHOLDER = "@IMAGE_REF@";
export const IMAGE_DIGEST_PLACEHOLDER = "@IMAGE_DIGEST@";
