import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    type HostMention,
    hostsIn,
    isEnginePackageName,
    isGoModulePath,
    isLoopback,
    isPrivateAddress,
    isReservedExample,
} from "../helpers/hosts";

// No registry or mirror host anywhere in the repository, tests and docs included: the lab pulls
// nothing it does not have to, and the machines it was built on leave no address behind. Every URL
// and host name in the tracked text files is one of the few the allow-list below names, with why.

const ROOT = path.join(__dirname, "..", "..");

/** A host name from its labels: the hosts these tests need are built, so that this file names none itself. */
const name = (...labels: string[]) => labels.join(".");
const DOCKER_HUB_NAMES = [name("hub", "docker", "com"), name("docker", "io")];

interface Allowed {
    what: string;
    why: string;
    allows(mention: HostMention, file: string): boolean;
}

const ALLOWED: Allowed[] = [
    {
        what: "localhost, 127.0.0.0/8, ::1 and the wildcard addresses 0.0.0.0 and ::",
        why: "the lab binds to and answers on the learner's own machine",
        allows: (m) => isLoopback(m.host),
    },
    {
        what: "example.com/.net/.org and names under .test, .example, .invalid, .localhost",
        why: "reserved for examples (RFC 2606, RFC 6761): they never resolve to a real host",
        allows: (m) => isReservedExample(m.host),
    },
    {
        what: "private addresses (10/8, 172.16/12, 192.168/16, fc00::/7)",
        why: "the docs' and tests' stand-ins for a machine on the learner's own network (a bind address, a swarm node)",
        allows: (m) => isPrivateAddress(m.host),
    },
    {
        what: "https://index.docker.io/v1/",
        why: "the index server `docker info` prints, which the check 01.03-default-registry expects",
        allows: (m) => m.token === "https://index.docker.io/v1/",
    },
    {
        what: "Docker Hub's names (its site, and its registry in an image name) in lab/notes/",
        why: "the notes' lesson 01.03 is that Docker Hub is the default registry; its hints name it as the engine does",
        allows: (m, file) => file.startsWith("lab/notes/") && DOCKER_HUB_NAMES.includes(m.host),
    },
    {
        what: "docker.io as a word on its own",
        why: "the name of Debian's package of the Docker engine (apt-get install docker.io), not a host",
        allows: (m) => isEnginePackageName(m),
    },
    {
        what: "a Go module path without a scheme (the Docker 29 engine's module)",
        why: "the module scripts/offline-engines.sh builds with go install, which fetches it through the machine's GOPROXY: an identifier, not a host",
        allows: (m) => isGoModulePath(m),
    },
    {
        what: "http://www.w3.org/2000/svg",
        why: "the SVG namespace of the report's picture: an identifier, never fetched",
        allows: (m) => m.token === "http://www.w3.org/2000/svg",
    },
    {
        what: "nodejs.org, no-color.org, api.pulumi.com",
        why: "named in a hint or a comment: where to get Node.js, the NO_COLOR convention, Pulumi Cloud's backend URL",
        allows: (m) => ["nodejs.org", "no-color.org", "api.pulumi.com"].includes(m.host),
    },
];

/** The repository's tracked files; outside a git checkout (an unpacked archive) every file but dependencies and git's own. */
function trackedFiles(): string[] {
    const git = spawnSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
    if (git.status === 0) return git.stdout.split("\0").filter(Boolean);
    const walk = (dir: string): string[] =>
        fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
            const rel = dir ? `${dir}/${entry.name}` : entry.name;
            if (entry.isDirectory()) return [".git", "node_modules"].includes(entry.name) ? [] : walk(rel);
            return entry.isFile() ? [rel] : [];
        });
    return walk("");
}

/**
 * A file's text as scanned. From a lockfile the `funding` links are dropped: npm copies them from each
 * package's own metadata, and they name no place anything is fetched from; a `resolved` URL stays.
 */
function scannedText(file: string): string {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    if (path.basename(file) !== "package-lock.json") return text;
    return JSON.stringify(JSON.parse(text), (key, value) => (key === "funding" ? undefined : value), 1);
}

describe("hosts in the repository", () => {
    test("the scan sees the tracked text files, the README, the tests and the lockfiles among them", () => {
        const files = trackedFiles();
        for (const file of ["README.md", "tests/unit/offlineImages.test.ts", "scripts/offline-images.sh", "package-lock.json"]) {
            expect(files).toContain(file);
        }
    });

    test("every URL and host name is on the allow-list", () => {
        const unexpected = trackedFiles()
            .filter((file) => !fs.readFileSync(path.join(ROOT, file)).includes(0))
            .flatMap((file) => hostsIn(scannedText(file)).map((m) => ({ file, m })))
            .filter(({ file, m }) => !ALLOWED.some((a) => a.allows(m, file)))
            .map(({ file, m }) => `${file}:${m.line} ${m.host} (${m.token})`);
        expect(unexpected).toEqual([]);
    });

    test("each allowed entry says why", () => {
        for (const a of ALLOWED) expect({ what: a.what, why: a.why.length > 30 }).toEqual({ what: a.what, why: true });
    });

    test("a mirror or registry host is not allowed, wherever and however it is written", () => {
        const mentions = hostsIn(
            [
                `deb http://${name("ftp", "de", "debian", "org")}/debian bookworm main`,
                `docker pull ${name("registry-1", "docker", "io")}/library/node:24`,
                `set the mirror to ${name("mirror", "corp", "example", "net", "cn")}/pypi.`,
                `'https://user:pw@${name("npm", "internal", "company", "com")}/'`,
                `docker pull ${name("docker", "io")}/library/node`,
                `a registry on http://${name("203", "0", "113", "7")}:5000`,
                `fetch https://${name("github", "com")}/moby/moby/v2 as a URL`,
            ].join("\n"),
        );
        expect(mentions.map((m) => m.host)).toEqual([
            name("ftp", "de", "debian", "org"),
            name("registry-1", "docker", "io"),
            name("mirror", "corp", "example", "net", "cn"),
            name("npm", "internal", "company", "com"),
            name("docker", "io"),
            name("203", "0", "113", "7"),
            name("github", "com"),
        ]);
        const allowed = mentions.filter((m) => ALLOWED.some((a) => a.allows(m, "tests/unit/x.test.ts") || a.allows(m, "README.md")));
        expect(allowed).toEqual([]);
    });
});

describe("hostsIn", () => {
    test("finds URL hosts (IPv6 unbracketed), bare names with their path, and IPv4 addresses", () => {
        const text =
            "see http://[::1]:8080/x and ssh://u@lab.example.com.\ninstall docker.io, then pull registry.example.com/library/centos\nbind 10.0.0.5:5000";
        expect(hostsIn(text)).toEqual([
            { host: "::1", token: "http://[::1]:8080/x", line: 1 },
            { host: "lab.example.com", token: "ssh://u@lab.example.com", line: 1 },
            { host: "docker.io", token: "docker.io", line: 2 },
            { host: "registry.example.com", token: "registry.example.com/library/centos", line: 2 },
            { host: "10.0.0.5", token: "10.0.0.5", line: 3 },
        ]);
    });

    test("passes over code, file names, templates, sockets and single-label placeholders", () => {
        const text = [
            "out.io.out(x); /\\p{Script=Han}/u.test(s); p.internal; see swarm.test.ts and README.zh-CN.md",
            `http://\${ip}:8080 http://$(docker port x) http://…/v2/ http://%2Fvar%2Frun%2Fdocker.sock/v1.24`,
            "unix:///var/run/docker.sock file://./.pulumi-state tcp://host:2376 ssh://teacher@manager 300.1.1.1 v1.2.3",
        ].join("\n");
        expect(hostsIn(text)).toEqual([]);
    });

    test("classifies loopback, reserved, private and package names", () => {
        expect(["localhost", "127.0.0.53", "::1", "0.0.0.0", "::"].every(isLoopback)).toBe(true);
        expect([name("128", "0", "0", "1"), name("localhost", "evil", "com")].some(isLoopback)).toBe(false);
        expect(["example.com", "a.example.org", "mirror.example.test", "registry.invalid"].every(isReservedExample)).toBe(true);
        expect([name("example", "com", "cn"), name("notexample", "com"), name("test", "com")].some(isReservedExample)).toBe(false);
        expect(["10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.20", "fd00::5"].every(isPrivateAddress)).toBe(true);
        expect(
            [name("172", "32", "0", "1"), name("192", "169", "0", "1"), name("8", "8", "8", "8"), "fe80::1"].some(isPrivateAddress),
        ).toBe(false);
        expect(isEnginePackageName({ host: "docker.io", token: "docker.io", line: 1 })).toBe(true);
        expect(isEnginePackageName({ host: "docker.io", token: `${name("docker", "io")}/library/x`, line: 1 })).toBe(false);
    });
});
