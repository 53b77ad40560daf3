import { execFileSync, spawnSync } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    CLASS_CA_CERT_ENV,
    CLASS_CA_KEY_ENV,
    CLASS_CA_PARTS,
    classCaCommand,
    parseTlsParts,
    SEAT_TLS_PARTS,
    type SeatTlsInput,
    type SeatTlsPart,
    seatTlsCommand,
} from "../../../lab";
import { CLASS_CA_DAYS, SEAT_CERT_DAYS, seatSubjectAltName } from "../../../lab/modes/seats/tls";

// The seats' TLS, made by the real openssl commands under /bin/sh and read back with node:crypto:
// the class CA signs each seat's server certificate and clients CA; a seat's clients CA signs its
// student's client certificate, and is all the seat's dockerd trusts for clients.

jest.setTimeout(60_000);

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const DAY_MS = 24 * 60 * 60 * 1000;

const tlsInput = (student: string): SeatTlsInput => ({
    instance: "docker-lab-dev",
    student,
    seatName: `docker-lab-dev-${student}-seat`,
    ips: ["127.0.0.1"],
    dnsNames: ["localhost", `docker-lab-dev-${student}-seat`],
});

/** Runs `command` under /bin/sh -c with `env` added (and a TMPDIR of our own); its stdout, or throws with its stderr. */
function sh(command: string, env: Record<string, string> = {}): string {
    const run = spawnSync("/bin/sh", ["-c", command], { encoding: "utf8", env: { ...process.env, TMPDIR: tmp, ...env } });
    if (run.status !== 0) throw new Error(`exit ${run.status}: ${run.stderr}`);
    return run.stdout;
}

/** The class CA's environment for a seat's command. */
const caEnv = (ca: Record<string, string>) => ({ [CLASS_CA_KEY_ENV]: ca["ca-key"], [CLASS_CA_CERT_ENV]: ca["ca-cert"] });

/** Days from a certificate's notBefore to its notAfter. */
const validDays = (cert: X509Certificate) => (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / DAY_MS;

/** Whether `openssl verify` accepts `cert` with `anchor` as its trust anchor (as Go's dockerd takes any CA it is given), for `purpose`. */
function opensslVerifies(anchor: string, cert: string, purpose: "sslclient" | "sslserver"): boolean {
    const dir = fs.mkdtempSync(path.join(tmp, "verify-"));
    fs.writeFileSync(path.join(dir, "anchor.pem"), anchor);
    fs.writeFileSync(path.join(dir, "cert.pem"), cert);
    const run = spawnSync("openssl", ["verify", "-partial_chain", "-purpose", purpose, "-CAfile", "anchor.pem", "cert.pem"], {
        cwd: dir,
        encoding: "utf8",
    });
    fs.rmSync(dir, { recursive: true, force: true });
    return run.status === 0;
}

/** The commands' work folder (TMPDIR), so the test can see that they leave nothing behind. */
let tmp: string;
let caOut: string;
let ca: Record<(typeof CLASS_CA_PARTS)[number], string>;
let caCert: X509Certificate;
let aliceOut: string;
let alice: Record<SeatTlsPart, string>;
let bob: Record<SeatTlsPart, string>;
let aliceAgain: Record<SeatTlsPart, string>;
const cert = (pem: string) => new X509Certificate(pem);

beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "seat-tls-"));
    caOut = sh(classCaCommand("docker-lab-dev"));
    ca = parseTlsParts(caOut, CLASS_CA_PARTS);
    caCert = cert(ca["ca-cert"]);
    aliceOut = sh(seatTlsCommand(tlsInput("alice")), caEnv(ca));
    alice = parseTlsParts(aliceOut, SEAT_TLS_PARTS);
    bob = parseTlsParts(sh(seatTlsCommand(tlsInput("bob")), caEnv(ca)), SEAT_TLS_PARTS);
    aliceAgain = parseTlsParts(sh(seatTlsCommand(tlsInput("alice")), caEnv(ca)), SEAT_TLS_PARTS);
});

afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the class CA", () => {
    test("prints its key and certificate, each once, in that order", () => {
        expect([...caOut.matchAll(/^# ([a-z-]+)$/gm)].map((m) => m[1])).toEqual(["ca-key", "ca-cert"]);
        expect(ca["ca-key"]).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
        expect(ca["ca-cert"]).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    });

    test("is a CA, self-signed, named for the class, valid about CLASS_CA_DAYS", () => {
        expect(caCert.ca).toBe(true);
        expect(caCert.subject).toBe("O=docker-lab\nCN=docker-lab-dev class CA");
        expect(caCert.issuer).toBe(caCert.subject);
        expect(caCert.verify(caCert.publicKey)).toBe(true);
        expect(caCert.checkIssued(caCert)).toBe(true);
        expect(CLASS_CA_DAYS).toBe(3650);
        expect(Math.abs(validDays(caCert) - CLASS_CA_DAYS)).toBeLessThanOrEqual(1);
        expect(Date.parse(caCert.validFrom)).toBeLessThanOrEqual(Date.now() + 60_000);
    });

    test("its key is a P-256 key that matches its certificate", () => {
        const key = createPrivateKey(ca["ca-key"]);
        expect(key.asymmetricKeyType).toBe("ec");
        expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
        expect(caCert.checkPrivateKey(key)).toBe(true);
    });
});

describe("a seat's certificates", () => {
    test("the seat's command prints the five parts, each once, in order, and never the class CA's key", () => {
        expect([...aliceOut.matchAll(/^# ([a-z-]+)$/gm)].map((m) => m[1])).toEqual([...SEAT_TLS_PARTS]);
        expect(aliceOut).not.toContain(ca["ca-key"].split("\n")[1]);
        expect(aliceOut).not.toContain("ca-key");
    });

    test("the server certificate: signed by the class CA, for the seat's names, serverAuth only, no CA, valid about SEAT_CERT_DAYS", () => {
        const server = cert(alice["server-cert"]);
        expect(server.verify(caCert.publicKey)).toBe(true);
        expect(server.checkIssued(caCert)).toBe(true);
        expect(server.issuer).toBe(caCert.subject);
        expect(server.subject).toBe("O=docker-lab\nCN=docker-lab-dev-alice-seat");
        expect(server.ca).toBe(false);
        expect(server.keyUsage).toEqual([SERVER_AUTH]);
        expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
        expect(server.checkHost("localhost")).toBe("localhost");
        expect(server.checkHost("docker-lab-dev-alice-seat")).toBe("docker-lab-dev-alice-seat");
        expect(server.checkHost("docker-lab-dev-bob-seat")).toBeUndefined();
        expect(server.subjectAltName?.split(", ").sort()).toEqual(
            ["IP Address:127.0.0.1", "DNS:localhost", "DNS:docker-lab-dev-alice-seat"].sort(),
        );
        expect(seatSubjectAltName(tlsInput("alice"))).toBe("IP:127.0.0.1,DNS:localhost,DNS:docker-lab-dev-alice-seat");
        expect(SEAT_CERT_DAYS).toBe(825);
        expect(Math.abs(validDays(server) - SEAT_CERT_DAYS)).toBeLessThanOrEqual(1);
        // As a docker CLI checks it: the class CA is the anchor, for a server.
        expect(opensslVerifies(ca["ca-cert"], alice["server-cert"], "sslserver")).toBe(true);
        expect(opensslVerifies(ca["ca-cert"], alice["server-cert"], "sslclient")).toBe(false);
    });

    test("the clients CA: a CA of its own, for this seat, signed by the class CA", () => {
        const clientsCa = cert(alice["clients-ca-cert"]);
        expect(clientsCa.ca).toBe(true);
        expect(clientsCa.subject).toBe("O=docker-lab\nCN=docker-lab-dev-alice clients CA");
        expect(clientsCa.issuer).toBe(caCert.subject);
        expect(clientsCa.verify(caCert.publicKey)).toBe(true);
        expect(clientsCa.verify(clientsCa.publicKey)).toBe(false);
        expect(Math.abs(validDays(clientsCa) - SEAT_CERT_DAYS)).toBeLessThanOrEqual(1);
    });

    test("the client certificate: the student's, clientAuth only, no CA, signed by the seat's clients CA and not by the class CA", () => {
        const client = cert(alice["client-cert"]);
        const clientsCa = cert(alice["clients-ca-cert"]);
        expect(client.subject).toBe("O=docker-lab\nCN=alice");
        expect(client.issuer).toBe(clientsCa.subject);
        expect(client.ca).toBe(false);
        expect(client.keyUsage).toEqual([CLIENT_AUTH]);
        expect(client.verify(clientsCa.publicKey)).toBe(true);
        expect(client.checkIssued(clientsCa)).toBe(true);
        expect(client.verify(caCert.publicKey)).toBe(false);
        expect(client.checkIssued(caCert)).toBe(false);
        expect(Math.abs(validDays(client) - SEAT_CERT_DAYS)).toBeLessThanOrEqual(1);
        // As the seat's dockerd checks it: its clients CA is the anchor, for a client.
        expect(opensslVerifies(alice["clients-ca-cert"], alice["client-cert"], "sslclient")).toBe(true);
        expect(opensslVerifies(alice["clients-ca-cert"], alice["client-cert"], "sslserver")).toBe(false);
        // The class CA alone does not accept it: a client certificate opens only the seat whose clients CA signed it.
        expect(opensslVerifies(ca["ca-cert"], alice["client-cert"], "sslclient")).toBe(false);
    });

    test("two seats of one class: bob's clients CA does not accept alice's client certificate, nor alice's bob's", () => {
        const bobClientsCa = cert(bob["clients-ca-cert"]);
        const aliceClientsCa = cert(alice["clients-ca-cert"]);
        expect(cert(alice["client-cert"]).verify(bobClientsCa.publicKey)).toBe(false);
        expect(cert(bob["client-cert"]).verify(aliceClientsCa.publicKey)).toBe(false);
        expect(cert(bob["client-cert"]).verify(bobClientsCa.publicKey)).toBe(true);
        expect(opensslVerifies(bob["clients-ca-cert"], alice["client-cert"], "sslclient")).toBe(false);
        expect(opensslVerifies(alice["clients-ca-cert"], bob["client-cert"], "sslclient")).toBe(false);
        expect(opensslVerifies(bob["clients-ca-cert"], bob["client-cert"], "sslclient")).toBe(true);
        // Both seats' servers are the class CA's: one ca.pem checks every seat.
        expect(cert(bob["server-cert"]).verify(caCert.publicKey)).toBe(true);
        expect(cert(bob["server-cert"]).subject).toBe("O=docker-lab\nCN=docker-lab-dev-bob-seat");
        expect(cert(bob["client-cert"]).subject).toBe("O=docker-lab\nCN=bob");
        expect(bobClientsCa.subject).toBe("O=docker-lab\nCN=docker-lab-dev-bob clients CA");
        expect(bobClientsCa.publicKey.export({ format: "pem", type: "spki" })).not.toBe(
            aliceClientsCa.publicKey.export({ format: "pem", type: "spki" }),
        );
    });

    test("each key is a P-256 key that matches its certificate, and no other", () => {
        for (const seat of [alice, bob]) {
            const pairs: [SeatTlsPart, SeatTlsPart][] = [
                ["server-key", "server-cert"],
                ["client-key", "client-cert"],
            ];
            for (const [keyPart, certPart] of pairs) {
                const key = createPrivateKey(seat[keyPart]);
                expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
                expect(cert(seat[certPart]).checkPrivateKey(key)).toBe(true);
            }
            expect(cert(seat["client-cert"]).checkPrivateKey(createPrivateKey(seat["server-key"]))).toBe(false);
        }
        expect(cert(alice["client-cert"]).checkPrivateKey(createPrivateKey(bob["client-key"]))).toBe(false);
    });

    test("running the command twice makes new keys and certificates", () => {
        for (const part of ["server-key", "client-key", "clients-ca-cert", "server-cert", "client-cert"] as const) {
            expect(aliceAgain[part]).not.toBe(alice[part]);
        }
        expect(cert(aliceAgain["server-cert"]).serialNumber).not.toBe(cert(alice["server-cert"]).serialNumber);
        expect(cert(aliceAgain["server-cert"]).verify(caCert.publicKey)).toBe(true);
        // A new clients CA: the old client certificate does not open the new seat.
        expect(cert(alice["client-cert"]).verify(cert(aliceAgain["clients-ca-cert"]).publicKey)).toBe(false);
    });

    test("the commands leave nothing in their work folder", () => {
        expect(fs.readdirSync(tmp).filter((f) => !f.startsWith("verify-"))).toEqual([]);
    });
});

describe("the command texts", () => {
    test("hold no PEM: the seat's command reads the class CA from LAB_SEAT_CA_KEY and LAB_SEAT_CA_CERT only", () => {
        const text = seatTlsCommand(tlsInput("alice"));
        for (const t of [text, classCaCommand("docker-lab-dev")]) {
            expect(t).not.toMatch(/-----BEGIN|-----END/);
            expect(t.split("\n")[0]).toBe("set -eu");
        }
        expect(text).not.toContain(ca["ca-key"].split("\n")[1]);
        expect(CLASS_CA_KEY_ENV).toBe("LAB_SEAT_CA_KEY");
        expect(CLASS_CA_CERT_ENV).toBe("LAB_SEAT_CA_CERT");
        const lines = text.split("\n");
        // The class CA's files are written from the environment, and from nothing else.
        expect(lines.filter((l) => /> ca(-key)?\.pem$/.test(l))).toEqual([
            `printf '%s\\n' "$LAB_SEAT_CA_KEY" > ca-key.pem`,
            `printf '%s\\n' "$LAB_SEAT_CA_CERT" > ca.pem`,
        ]);
        expect([...text.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]).sort()).toEqual(["LAB_SEAT_CA_CERT", "LAB_SEAT_CA_KEY"]);
        // The class CA never leaves its command: the seat's command reads it, and prints only its own parts.
        expect(text).not.toMatch(/cat ca-key\.pem|cat ca\.pem/);
    });

    test("without the class CA in its environment the seat's command fails and prints no part", () => {
        const run = spawnSync("/bin/sh", ["-c", seatTlsCommand(tlsInput("alice"))], {
            encoding: "utf8",
            env: { PATH: process.env.PATH ?? "/usr/bin:/bin", TMPDIR: tmp },
        });
        expect(run.status).not.toBe(0);
        expect(run.stdout).not.toMatch(/^# /m);
        expect(run.stderr).toMatch(/LAB_SEAT_CA_KEY/);
    });

    test("a class CA that is not one fails the seat's command with openssl's message", () => {
        const run = spawnSync("/bin/sh", ["-c", seatTlsCommand(tlsInput("alice"))], {
            encoding: "utf8",
            env: { ...process.env, TMPDIR: tmp, [CLASS_CA_KEY_ENV]: "not a key", [CLASS_CA_CERT_ENV]: "not a cert" },
        });
        expect(run.status).not.toBe(0);
        expect(run.stdout).not.toMatch(/^# client-cert$/m);
        expect(run.stderr).not.toBe("");
    });

    test("a class CA key that does not match the class CA certificate fails the seat's command", () => {
        const other = parseTlsParts(sh(classCaCommand("docker-lab-other")), CLASS_CA_PARTS);
        const run = spawnSync("/bin/sh", ["-c", seatTlsCommand(tlsInput("alice"))], {
            encoding: "utf8",
            env: { ...process.env, TMPDIR: tmp, [CLASS_CA_KEY_ENV]: other["ca-key"], [CLASS_CA_CERT_ENV]: ca["ca-cert"] },
        });
        expect(run.status).not.toBe(0);
        expect(run.stdout).toBe("");
        expect(run.stderr).toMatch(/do not match|mismatch/i);
    });

    test("a seat's server certificate needs at least one name", () => {
        expect(() => seatTlsCommand({ ...tlsInput("alice"), ips: [], dnsNames: [] })).toThrow(
            "seat docker-lab-dev-alice-seat: its server certificate needs a name",
        );
        expect(() => seatTlsCommand({ ...tlsInput("alice"), ips: [] })).not.toThrow();
        expect(() => seatTlsCommand({ ...tlsInput("alice"), dnsNames: [] })).not.toThrow();
    });

    test("names and addresses with shell characters stay words", () => {
        const text = seatTlsCommand({ ...tlsInput("alice"), seatName: "a'b $(x)", dnsNames: ["a'b"] });
        expect(text).toContain(`'CN=a'\\''b $(x)'`);
        expect(text).toContain(`'subjectAltName=IP:127.0.0.1,DNS:a'\\''b'`);
    });
});

describe("parseTlsParts", () => {
    const block = (label: string) => `-----BEGIN ${label}-----\nQUJD\n-----END ${label}-----\n`;
    const stdout = `# ca-key\n${block("EC PRIVATE KEY")}# ca-cert\n${block("CERTIFICATE")}`;

    test("gives each part's PEM block by name", () => {
        expect(parseTlsParts(stdout, CLASS_CA_PARTS)).toEqual({ "ca-key": block("EC PRIVATE KEY"), "ca-cert": block("CERTIFICATE") });
        // Blank lines and trailing spaces (a terminal's, a log's) are not part of the PEM.
        expect(
            parseTlsParts(
                `\n# ca-key  \n\n${block("EC PRIVATE KEY")}\n# ca-cert\n${block("CERTIFICATE").replace(/\n/g, "  \n")}`,
                CLASS_CA_PARTS,
            ),
        ).toEqual({
            "ca-key": block("EC PRIVATE KEY"),
            "ca-cert": block("CERTIFICATE"),
        });
    });

    test("throws naming the missing part, and what to do", () => {
        expect(() => parseTlsParts(`# ca-key\n${block("EC PRIVATE KEY")}`, CLASS_CA_PARTS)).toThrow(
            "the seat TLS command printed no PEM block for ca-cert; run npm run up again, or npm run doctor to check openssl",
        );
        expect(() => parseTlsParts(aliceOut.replace("# client-key", "# something-else"), SEAT_TLS_PARTS)).toThrow(
            /no PEM block for client-key;/,
        );
        expect(() => parseTlsParts("mock stdout of lab-seat-ca", CLASS_CA_PARTS)).toThrow(/no PEM block for ca-key;/);
        expect(() => parseTlsParts("", SEAT_TLS_PARTS)).toThrow(/no PEM block for clients-ca-cert;/);
    });

    test("throws for a part printed twice, or holding two PEM blocks", () => {
        expect(() => parseTlsParts(`# ca-key\n${block("EC PRIVATE KEY")}# ca-key\n${block("EC PRIVATE KEY")}`, CLASS_CA_PARTS)).toThrow(
            "the seat TLS command printed ca-key twice; run npm run up again",
        );
        expect(() =>
            parseTlsParts(
                `# ca-key\n${block("EC PRIVATE KEY")}${block("EC PRIVATE KEY")}# ca-cert\n${block("CERTIFICATE")}`,
                CLASS_CA_PARTS,
            ),
        ).toThrow(/no PEM block for ca-key;/);
    });

    test("throws for a part whose text is not a PEM block", () => {
        expect(() => parseTlsParts(`# ca-key\nunable to load key\n# ca-cert\n${block("CERTIFICATE")}`, CLASS_CA_PARTS)).toThrow(
            /no PEM block for ca-key;/,
        );
        expect(() =>
            parseTlsParts(`# ca-key\n-----BEGIN EC PRIVATE KEY-----\nQUJD\n# ca-cert\n${block("CERTIFICATE")}`, CLASS_CA_PARTS),
        ).toThrow(/no PEM block for ca-key;/);
    });

    test("the real outputs parse into exactly the parts asked for", () => {
        expect(Object.keys(parseTlsParts(aliceOut, SEAT_TLS_PARTS))).toEqual([...SEAT_TLS_PARTS]);
        expect(Object.keys(parseTlsParts(caOut, CLASS_CA_PARTS))).toEqual([...CLASS_CA_PARTS]);
        expect(execFileSync("/bin/sh", ["-c", "command -v openssl"], { encoding: "utf8" }).trim()).not.toBe("");
    });
});
