import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isDir, isFile } from "./files";

/**
 * Finding the Pulumi CLI, its nodejs language host and the docker and command provider plugins.
 * `npm run up`, the e2e suite and the benchmark all ask here, so they agree on which CLI runs.
 *
 * Three places, in this order:
 *  1. a `pulumi` on PATH (outside node_modules), as an official install puts it;
 *  2. the toolchain that ../shared/tools/pulumi-toolchain/build.sh builds from sources for machines
 *     that cannot download the CLI: `$PULUMI_TOOLCHAIN_DIR`, else `~/.pulumi-toolchain`;
 *  3. the `pulumi` npm package's launcher, which downloads the CLI on first use (not a toolchain:
 *     it cannot run the e2e suite offline).
 */

/** The plugins the program needs, as the CLI names them on PATH and in its plugin cache. */
export const REQUIRED_BINARIES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-docker", "pulumi-resource-command"] as const;

/** Folder and version of each provider plugin in a plugin cache (`$PULUMI_HOME/plugins`). */
const PLUGIN_DIRS: Record<string, string> = {
    "pulumi-resource-docker": "resource-docker-v",
    "pulumi-resource-command": "resource-command-v",
};

export interface PulumiToolchain {
    /** The pulumi CLI, e.g. /root/.pulumi-toolchain/bin/pulumi. */
    pulumi: string;
    /** Where it was found, for messages: "PATH" or the toolchain folder. */
    source: string;
    /** Variables to set for every pulumi call (PATH first, PULUMI_HOME and PULUMI_IGNORE_AMBIENT_PLUGINS for a built toolchain). */
    env: Record<string, string>;
}

export interface ToolchainProbe {
    isFile(file: string): boolean;
    isDir(dir: string): boolean;
    /** Entries of a folder; empty when it does not exist. */
    list(dir: string): string[];
    homedir(): string;
}

export const realToolchainProbe: ToolchainProbe = {
    isFile,
    isDir,
    list: (dir) => {
        try {
            return fs.readdirSync(dir);
        } catch {
            return [];
        }
    },
    homedir: () => os.homedir(),
};

const exe = (name: string) => (process.platform === "win32" ? `${name}.exe` : name);

/** Folders of PATH, without those inside node_modules (the npm launcher is not a CLI). */
function pathDirs(pathEnv: string | undefined): string[] {
    return (pathEnv ?? "").split(path.delimiter).filter((dir) => dir && !dir.split(path.sep).includes("node_modules"));
}

/** The folder of the built toolchain: $PULUMI_TOOLCHAIN_DIR, else ~/.pulumi-toolchain. */
export function toolchainDir(env: Record<string, string | undefined>, probe: ToolchainProbe = realToolchainProbe): string {
    return env.PULUMI_TOOLCHAIN_DIR || path.join(probe.homedir(), ".pulumi-toolchain");
}

/** How to get a toolchain, for the one line a skipped suite or a failed lookup prints. */
export const TOOLCHAIN_HINT =
    "build one: fetch github:pulumi/pulumi, pulumi/pulumi-command, pulumi/pulumi-docker and kreuzwerker/terraform-provider-docker as bare git snapshots, then MIRROR=<their folder> bash ../shared/tools/pulumi-toolchain/build.sh (see its README), or install the Pulumi CLI";

/**
 * The complete toolchain (CLI, nodejs host, docker and command plugins), or the reason there is none.
 * A plugin counts when it is on PATH or installed in the plugin cache (`$PULUMI_HOME/plugins`, default ~/.pulumi/plugins).
 */
export function findToolchain(
    env: Record<string, string | undefined>,
    probe: ToolchainProbe = realToolchainProbe,
): PulumiToolchain | { missing: string } {
    const onPath = (name: string) => pathDirs(env.PATH).find((dir) => probe.isFile(path.join(dir, exe(name))));
    const inPluginCache = (home: string, name: string) => {
        const prefix = PLUGIN_DIRS[name];
        const dir = path.join(home, "plugins");
        return prefix !== undefined && probe.list(dir).some((entry) => entry.startsWith(prefix) && !entry.endsWith(".lock"));
    };

    const cliDir = onPath("pulumi");
    if (cliDir) {
        const home = env.PULUMI_HOME || path.join(probe.homedir(), ".pulumi");
        const lacking = REQUIRED_BINARIES.filter(
            (name) => !probe.isFile(path.join(cliDir, exe(name))) && !onPath(name) && !inPluginCache(home, name),
        );
        if (lacking.length === 0) return { pulumi: path.join(cliDir, exe("pulumi")), source: "PATH", env: {} };
        // An incomplete CLI on PATH: a built toolchain may still have everything.
    }

    const dir = toolchainDir(env, probe);
    const bin = path.join(dir, "bin");
    const lacking = REQUIRED_BINARIES.filter((name) => !probe.isFile(path.join(bin, exe(name))));
    if (lacking.length > 0) {
        const where = cliDir ? `the pulumi on PATH (${cliDir}) lacks plugins, and ` : "no pulumi on PATH, and ";
        return { missing: `${where}${dir} has no ${lacking.join(", ")}` };
    }
    const toolchainEnv: Record<string, string> = { PATH: [bin, env.PATH ?? ""].filter(Boolean).join(path.delimiter) };
    const home = path.join(dir, "home");
    // The toolchain's own plugin cache: no other plugin is used, and no "using ... from $PATH" warnings.
    if (inPluginCache(home, "pulumi-resource-docker") && inPluginCache(home, "pulumi-resource-command")) {
        toolchainEnv.PULUMI_HOME = home;
        toolchainEnv.PULUMI_IGNORE_AMBIENT_PLUGINS = "true";
    }
    return { pulumi: path.join(bin, exe("pulumi")), source: dir, env: toolchainEnv };
}

/** How to run the Pulumi CLI: the command line before Pulumi's own arguments, and variables to add. */
export interface PulumiCommand {
    /** e.g. ["/usr/local/bin/pulumi"], or [node, ".../pulumi/run.js"] for the npm launcher. */
    argv: string[];
    env: Record<string, string>;
    /** Where it was found, for messages. */
    source: string;
    /** True for the npm launcher, which downloads the CLI on its first use. */
    downloads: boolean;
}

/**
 * The CLI every lab command runs: a `pulumi` on PATH (outside node_modules) as it is; else a complete
 * built toolchain; else the `pulumi` npm package's launcher, which downloads the CLI once into ~/.pulumi/versions.
 */
export function findPulumi(env: Record<string, string | undefined>, probe: ToolchainProbe = realToolchainProbe): PulumiCommand {
    const cliDir = pathDirs(env.PATH).find((dir) => probe.isFile(path.join(dir, exe("pulumi"))));
    if (cliDir) return { argv: [path.join(cliDir, exe("pulumi"))], env: {}, source: "PATH", downloads: false };
    const toolchain = findToolchain(env, probe);
    if ("pulumi" in toolchain) return { argv: [toolchain.pulumi], env: toolchain.env, source: toolchain.source, downloads: false };
    return {
        argv: [process.execPath, require.resolve("pulumi/run.js")],
        env: {},
        source: "the pulumi npm package (downloads the CLI on first use)",
        downloads: true,
    };
}
