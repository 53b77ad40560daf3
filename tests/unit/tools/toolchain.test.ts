import * as path from "node:path";
import { findPulumi, findToolchain, type ToolchainProbe, toolchainDir } from "../../../tools/toolchain";

/** A file system of the given files (and their folders); nothing else exists. */
function fakeFs(files: string[], home = "/home/learner"): ToolchainProbe {
    const dirs = new Set(files.flatMap((f) => f.split("/").map((_, i, parts) => parts.slice(0, i).join("/") || "/")));
    return {
        isFile: (f) => files.includes(f),
        isDir: (d) => dirs.has(d),
        list: (d) => [...new Set(files.filter((f) => f.startsWith(`${d}/`)).map((f) => f.slice(d.length + 1).split("/")[0]))],
        homedir: () => home,
    };
}

const TOOLCHAIN = "/home/learner/.pulumi-toolchain";
const builtToolchain = [
    ...["pulumi", "pulumi-language-nodejs", "pulumi-resource-docker", "pulumi-resource-command"].map((b) => `${TOOLCHAIN}/bin/${b}`),
    `${TOOLCHAIN}/home/plugins/resource-docker-v5.2.0/pulumi-resource-docker`,
    `${TOOLCHAIN}/home/plugins/resource-command-v1.2.1/pulumi-resource-command`,
];

describe("finding the Pulumi CLI", () => {
    test("a pulumi on PATH is used as it is; the npm launcher in node_modules/.bin is not a CLI", () => {
        const probe = fakeFs(["/repo/node_modules/.bin/pulumi", "/usr/local/bin/pulumi", ...builtToolchain]);
        const cli = findPulumi({ PATH: ["/repo/node_modules/.bin", "/usr/local/bin"].join(path.delimiter) }, probe);
        expect(cli).toEqual({ argv: ["/usr/local/bin/pulumi"], env: {}, source: "PATH", downloads: false });
    });

    test("else the built toolchain, with its bin first on PATH and its own plugin cache", () => {
        const cli = findPulumi({ PATH: "/usr/bin" }, fakeFs(builtToolchain));
        expect(cli.argv).toEqual([`${TOOLCHAIN}/bin/pulumi`]);
        expect(cli.env).toEqual({
            PATH: [`${TOOLCHAIN}/bin`, "/usr/bin"].join(path.delimiter),
            PULUMI_HOME: `${TOOLCHAIN}/home`,
            PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
        });
        expect(cli.downloads).toBe(false);
    });

    test("PULUMI_TOOLCHAIN_DIR points at another toolchain", () => {
        const other = builtToolchain.map((f) => f.replace(TOOLCHAIN, "/opt/tc"));
        expect(toolchainDir({ PULUMI_TOOLCHAIN_DIR: "/opt/tc" })).toBe("/opt/tc");
        expect(findPulumi({ PATH: "/usr/bin", PULUMI_TOOLCHAIN_DIR: "/opt/tc" }, fakeFs(other)).argv).toEqual(["/opt/tc/bin/pulumi"]);
    });

    test("else the npm package's launcher, which downloads the CLI", () => {
        const cli = findPulumi({ PATH: "/usr/bin" }, fakeFs([]));
        expect(cli.argv[0]).toBe(process.execPath);
        expect(cli.argv[1]).toMatch(/node_modules[\\/]pulumi[\\/]run\.js$/);
        expect(cli.downloads).toBe(true);
    });
});

describe("a complete toolchain for the e2e suite", () => {
    test("the built toolchain counts when all four binaries are there", () => {
        const found = findToolchain({ PATH: "/usr/bin" }, fakeFs(builtToolchain));
        expect(found).toMatchObject({ pulumi: `${TOOLCHAIN}/bin/pulumi`, source: TOOLCHAIN });
    });

    test("a toolchain without a plugin is named with what it lacks", () => {
        const found = findToolchain({ PATH: "/usr/bin" }, fakeFs(builtToolchain.filter((f) => !f.endsWith("bin/pulumi-resource-docker"))));
        expect(found).toEqual({ missing: `no pulumi on PATH, and ${TOOLCHAIN} has no pulumi-resource-docker` });
    });

    test("a CLI on PATH counts with its plugins beside it or in its plugin cache", () => {
        const files = [
            "/opt/pulumi/pulumi",
            "/opt/pulumi/pulumi-language-nodejs",
            "/home/learner/.pulumi/plugins/resource-docker-v5.2.0/pulumi-resource-docker",
            "/home/learner/.pulumi/plugins/resource-command-v1.2.1/pulumi-resource-command",
        ];
        expect(findToolchain({ PATH: "/opt/pulumi" }, fakeFs(files))).toEqual({ pulumi: "/opt/pulumi/pulumi", source: "PATH", env: {} });
        const lacking = findToolchain({ PATH: "/opt/pulumi" }, fakeFs(files.slice(0, 3)));
        expect(lacking).toEqual({
            missing: `the pulumi on PATH (/opt/pulumi) lacks plugins, and ${TOOLCHAIN} has no pulumi, pulumi-language-nodejs, pulumi-resource-docker, pulumi-resource-command`,
        });
    });
});
