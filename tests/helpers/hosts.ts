import * as net from "node:net";

/**
 * URLs and host names in a text, for the tests that keep registry and mirror hosts out of the
 * repository. A URL's host counts whatever its name; a bare name counts when it ends in a public or
 * reserved top-level domain and is not part of a longer dotted word (`out.io.out`, `swarm.test.ts`).
 * Not counted: hosts computed at run time (`${ip}`, `$(docker …)`), unix sockets and files, and
 * single-label names (`host`, `manager`), the docs' and tests' placeholders.
 */
export interface HostMention {
    /** The host, lower case, IPv6 without brackets. */
    host: string;
    /** The whole URL, or the bare name with any path after it (an image name's registry and repository). */
    token: string;
    /** 1-based line. */
    line: number;
}

const NO_HOST_SCHEMES = new Set(["unix", "file", "npipe"]);
const URL_PATTERN = /\b([a-z][a-z0-9+.-]*):\/\/(?:[^\s/@"'`<>()]*@)?(\[[0-9a-f:.]+\]|[^\s/:?#"'`<>()[\]\\,;|]+)[^\s"'`<>()\\,;|]*/gi;
const TLDS = "com|org|net|io|dev|cn|de|uk|jp|ru|fr|eu|edu|gov|cloud|ai|co|me|info|test|example|invalid|localhost";
const BARE_NAME = new RegExp(
    `(?<![\\w.@/:-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+(?:${TLDS}))(?![\\w(-]|\\.[\\w(])(/[^\\s"'\`<>()\\\\,;|]*)?`,
    "gi",
);
const BARE_IPV4 = /(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w]|\.\d)/g;

/** Whether a URL's host is a name or address someone could reach (not a template or a placeholder). */
function isReachableName(host: string): boolean {
    return !/[$`{}…%*]/.test(host) && (host.includes(".") || net.isIP(host) !== 0);
}

/** Every URL host, bare host name and IPv4 address in `text`, in order of lines. */
export function hostsIn(text: string): HostMention[] {
    const found: HostMention[] = [];
    text.split("\n").forEach((line, i) => {
        for (const m of line.matchAll(URL_PATTERN)) {
            // A sentence's full stop is not part of the URL.
            const host = m[2]
                .replace(/^\[|\]$/g, "")
                .replace(/\.+$/, "")
                .toLowerCase();
            const token = m[0].replace(/\.+$/, "");
            if (!NO_HOST_SCHEMES.has(m[1].toLowerCase()) && isReachableName(host)) found.push({ host, token, line: i + 1 });
        }
        for (const m of line.matchAll(BARE_NAME)) found.push({ host: m[1].toLowerCase(), token: m[0], line: i + 1 });
        for (const m of line.matchAll(BARE_IPV4)) {
            const inUrl = found.some((f) => f.line === i + 1 && f.host === m[1]);
            if (net.isIPv4(m[1]) && !inUrl) found.push({ host: m[1], token: m[1], line: i + 1 });
        }
    });
    return found;
}

/** This machine: localhost, 127.0.0.0/8, ::1, and the wildcard addresses 0.0.0.0 and ::. */
export function isLoopback(host: string): boolean {
    return host === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(host) || ["::1", "0.0.0.0", "::"].includes(host);
}

/** Names reserved for examples and tests (RFC 2606, RFC 6761): they never resolve to a real host. */
export function isReservedExample(host: string): boolean {
    return /(^|\.)example\.(com|net|org)$/.test(host) || /\.(test|example|invalid|localhost)$/.test(host);
}

/** Private addresses (10/8, 172.16/12, 192.168/16, fc00::/7): a machine on the user's own network. */
export function isPrivateAddress(host: string): boolean {
    if (net.isIPv6(host)) return /^f[cd][0-9a-f]{2}:/i.test(host);
    const [a, b] = host.split(".").map(Number);
    return net.isIPv4(host) && (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168));
}

/** `docker.io` on its own, with no path after it as in an image name: Debian's package of the engine. */
export function isEnginePackageName(mention: HostMention): boolean {
    return mention.host === "docker.io" && mention.token.toLowerCase() === "docker.io";
}

/** The Go modules' source host, built from its labels like the test's names. */
const GO_MODULE_HOST = ["github", "com"].join(".");

/**
 * A Go module path as `go install` takes it (`<host>/<owner>/<repo>[/vN]`, no scheme) on the modules'
 * source host: an identifier that go resolves through the machine's GOPROXY, not an address the
 * repository reaches; a registry or mirror host never takes this form.
 */
export function isGoModulePath(mention: HostMention): boolean {
    return mention.host === GO_MODULE_HOST && /^[^/:]+\/[\w.-]+\/[\w.-]+(\/v\d+)?$/.test(mention.token);
}
