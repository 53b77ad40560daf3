import * as path from "node:path";
import { ENGINE_PLATFORM_COMMAND, labImageRemoveCommand, untagRepositoryCommand } from "./commands";
import type { LabConfig } from "./config/keys";
import type { ImageSpec } from "./types";

/** The app image (notes 02): where it is built from and pushed to, and how its local tags go on destroy. */

/** The lab's app image: built from `<appDir>/Dockerfile`, pushed to `<server>/<instance>/<appImageName>`. */
export function imageSpec(config: LabConfig, instance: string, server: string, appDir: string): ImageSpec {
    const dir = path.posix.normalize(appDir);
    const registryPath = `${instance}/${config.appImageName}`;
    const repository = `${server}/${registryPath}`;
    return {
        repository,
        registryPath,
        tag: config.appImageTag,
        name: `${repository}:${config.appImageTag}`,
        context: dir,
        dockerfile: path.posix.join(dir, "Dockerfile"),
        buildArgs: { BASE_IMAGE: config.baseImage, LAB_INSTANCE: instance },
        registryServer: server,
        removeCommand: labImageRemoveCommand(instance),
        platformCommand: ENGINE_PLATFORM_COMMAND,
    };
}

/** A student's image: the class image in the student's repository `<registry>/<instance>/<student>/<appImageName>`. */
export function studentImageSpec(classImage: ImageSpec, config: LabConfig, instance: string, student: string): ImageSpec {
    const registryPath = `${instance}/${student}/${config.appImageName}`;
    const repository = `${classImage.registryServer}/${registryPath}`;
    return {
        ...classImage,
        repository,
        registryPath,
        name: `${repository}:${config.appImageTag}`,
        // By name, never by id: the image is the class's, and the other students' tags of it stay.
        removeCommand: untagRepositoryCommand(repository),
    };
}
