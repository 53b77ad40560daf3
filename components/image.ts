import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { type ImageSpec, parseEnginePlatform } from "../lab";

export interface AppImageArgs {
    /** Image part of the lab spec: name, build context, Dockerfile, build args, removal and platform commands. Required. */
    image: ImageSpec;
    /** Environment of the docker CLI commands, the platform query included (DOCKER_HOST when set). Default: the caller's environment. */
    commandEnv?: Record<string, string>;
    /** Resources to wait for before pushing, normally the healthy registry container. Default: none. */
    registryReady?: pulumi.Input<pulumi.Resource>[];
    /** The engine's platform (os/arch) to build for, when the caller has asked already. Default: asked with image.platformCommand. */
    platform?: pulumi.Input<string>;
    /** With registryAuth: the login the provider pushes with (its password a secret). Default: none (no login). */
    registryLogin?: { server: string; username: string; password: pulumi.Input<string> };
}

/**
 * The app image (notes 02): built from app/Dockerfile with the base image as a build arg, tagged
 * localhost:<registryPort>/<instance>/<name>:<tag> and pushed to the local registry.
 * The provider hashes the build context, so an unchanged app/ is neither rebuilt nor pushed.
 */
export class AppImage extends pulumi.ComponentResource {
    /** repository@sha256:..., the reference every container and check uses. */
    readonly repoDigest: pulumi.Output<string>;
    /** repository:tag the image was pushed as. */
    readonly imageName: pulumi.Output<string>;

    constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:AppImage", name, {}, opts);

        // Build for the engine's own OS and architecture (an arm64 laptop builds arm64), which also
        // silences docker.Image's warning about an unset platform. An invoke: it runs on every preview
        // and up; its stdout is not logged (it would print on every run), its stderr is.
        const platform =
            args.platform ??
            command.local
                .runOutput(
                    {
                        command: args.image.platformCommand,
                        environment: args.commandEnv,
                        logging: command.types.enums.local.Logging.Stderr,
                    },
                    { parent: this },
                )
                .apply((r) => parseEnginePlatform(r.stdout, args.image.platformCommand));

        const image = new docker.Image(
            `${name}-build`,
            {
                imageName: args.image.name,
                build: {
                    context: args.image.context,
                    dockerfile: args.image.dockerfile,
                    args: args.image.buildArgs,
                    platform,
                },
                skipPush: false,
                ...(args.registryLogin
                    ? {
                          registry: {
                              server: args.registryLogin.server,
                              username: args.registryLogin.username,
                              password: pulumi.secret(args.registryLogin.password),
                          },
                      }
                    : {}),
            },
            { parent: this, dependsOn: args.registryReady },
        );

        // docker.Image leaves local tags behind on destroy; this command's delete removes them.
        const localTags = new command.local.Command(
            `${name}-local-tags`,
            {
                create: pulumi.interpolate`docker image inspect --format '{{.Id}}' ${image.repoDigest}`,
                delete: args.image.removeCommand,
                environment: args.commandEnv,
            },
            { parent: this },
        );

        // Downstream resources depend on the tag cleanup too, so `down` removes them first.
        this.repoDigest = pulumi.all([image.repoDigest, localTags.stdout]).apply(([digest]) => digest);
        this.imageName = image.imageName;

        this.registerOutputs({ repoDigest: this.repoDigest, imageName: this.imageName });
    }
}
