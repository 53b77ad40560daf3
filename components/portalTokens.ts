import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { PORTAL_SECRET_COMMAND, portalTokens, type PortalTokens as Tokens } from "../lab";

export interface PortalTokensArgs {
    /** The class's students, each of whom gets a page of their own. Default: none (the one learner's lab). */
    students?: string[];
}

/**
 * The class portal's tokens: a secret made once by a command and kept in the state, and from it the
 * teacher's token and each learner's (lab/portal.ts). All of them are Pulumi secrets; `npm run portal`
 * reads them back through the Automation API.
 */
export class PortalTokens extends pulumi.ComponentResource {
    /** The teacher's token and every learner's, a secret. */
    readonly tokens: pulumi.Output<Tokens>;

    constructor(name: string, args: PortalTokensArgs, opts?: pulumi.ComponentResourceOptions) {
        super("docker-lab:lab:PortalTokens", name, {}, opts);
        // No triggers: later ups keep the secret, so links handed out stay valid until `down`.
        const secret = new command.local.Command(
            `${name}-secret`,
            { create: PORTAL_SECRET_COMMAND, interpreter: ["/bin/sh", "-c"], logging: command.types.enums.local.Logging.None },
            { parent: this, additionalSecretOutputs: ["stdout"] },
        );
        const students = args.students ?? [];
        this.tokens = pulumi.secret(secret.stdout.apply((out) => portalTokens(out.trim(), students)));
        this.registerOutputs({ tokens: this.tokens });
    }
}
