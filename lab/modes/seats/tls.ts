import { shellQuote } from "../../shell";

/**
 * The TLS of the seats' engines, as shell commands that `openssl` runs once (a `local.Command` keeps
 * their output as a secret in the state). Who signs what:
 * - the class CA (self-signed) signs every seat's server certificate and every seat's clients CA;
 * - a seat's clients CA signs that seat's client certificate, and is the only CA the seat's dockerd
 *   trusts for clients. So a student's certificate opens their own seat, and bob's engine refuses alice's.
 * Clients check the server against the class CA. Keys are P-256, made by `openssl ecparam`, and the
 * configs are files, so OpenSSL 1.1, 3 and LibreSSL all run the same commands.
 */

/** Days a class CA is valid (it signs nothing after its seats are gone). */
export const CLASS_CA_DAYS = 3650;
/** Days a seat's certificates are valid: the longest a client such as a browser accepts. */
export const SEAT_CERT_DAYS = 825;

/** The Pulumi name of the command that makes `student`'s seat certificates (under the lab's root component `lab`). */
export function seatTlsResourceName(student: string): string {
    return `lab-${student}-seat-tls`;
}

/** Environment variables that hand the class CA to a seat's command: never on a command line. */
export const CLASS_CA_KEY_ENV = "LAB_SEAT_CA_KEY";
export const CLASS_CA_CERT_ENV = "LAB_SEAT_CA_CERT";

/** The parts a command prints, each after a line `# <part>`. */
export const CLASS_CA_PARTS = ["ca-key", "ca-cert"] as const;
export const SEAT_TLS_PARTS = ["clients-ca-cert", "server-key", "server-cert", "client-key", "client-cert"] as const;
export type ClassCaPart = (typeof CLASS_CA_PARTS)[number];
export type SeatTlsPart = (typeof SEAT_TLS_PARTS)[number];

/** What a seat's certificates are made for. */
export interface SeatTlsInput {
    /** The class, as the CA's and the clients CA's names say it. */
    instance: string;
    /** The student the client certificate is for (its CN). */
    student: string;
    /** The seat's container name (the server certificate's CN and a DNS name). */
    seatName: string;
    /** Addresses the engine answers on (IP SANs), e.g. 127.0.0.1. */
    ips: string[];
    /** Host names the engine answers on (DNS SANs), e.g. localhost and the seat's name. */
    dnsNames: string[];
}

const q = shellQuote;

/** Prints `# <part>` and then the file: how the commands hand back their PEMs. */
const printPart = (part: string, file: string) => `printf '# %s\\n' ${q(part)} && cat ${file}`;

/** A temporary folder the command works in, removed however it ends, and a fresh P-256 key in it. */
const PREAMBLE = [
    "set -eu",
    "umask 077",
    `d=$(mktemp -d) && trap 'rm -rf "$d"' EXIT && cd "$d"`,
    'key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1"; }',
    "serial() { printf '0x%s' \"$(openssl rand -hex 16)\"; }",
];

/** A `req` config whose subject is `/O=docker-lab/CN=<cn>`. */
function reqConfig(file: string, cn: string, extensions: string[] = []): string {
    const lines = ["[req]", "distinguished_name=dn", "prompt=no", ...(extensions.length ? ["x509_extensions=ext"] : [])];
    lines.push("[dn]", "O=docker-lab", `CN=${cn}`, ...(extensions.length ? ["[ext]", ...extensions] : []));
    return `printf '%s\\n' ${lines.map(q).join(" ")} > ${file}`;
}

/** Writes `extensions` to `file`, then signs `name`.csr with the CA in `ca`/`caKey` into `name`.pem. */
function signed(name: string, ca: string, caKey: string, days: number, extensions: string[]): string[] {
    return [
        `printf '%s\\n' ${extensions.map(q).join(" ")} > ${name}.ext`,
        `openssl req -new -config ${name}.cnf -key ${name}-key.pem -out ${name}.csr`,
        `openssl x509 -req -sha256 -days ${days} -in ${name}.csr -CA ${ca} -CAkey ${caKey} -set_serial "$(serial)" -extfile ${name}.ext -out ${name}.pem 2>${name}.log || { cat ${name}.log >&2; exit 1; }`,
    ];
}

/** The shell command that makes a class CA and prints its key and certificate. */
export function classCaCommand(instance: string): string {
    return [
        ...PREAMBLE,
        "key ca-key.pem",
        reqConfig("ca.cnf", `${instance} class CA`, [
            "basicConstraints=critical,CA:TRUE",
            "keyUsage=critical,keyCertSign,cRLSign",
            "subjectKeyIdentifier=hash",
        ]),
        `openssl req -new -x509 -sha256 -days ${CLASS_CA_DAYS} -config ca.cnf -key ca-key.pem -set_serial "$(serial)" -out ca.pem`,
        printPart("ca-key", "ca-key.pem"),
        printPart("ca-cert", "ca.pem"),
    ].join("\n");
}

/** The subjectAltName of a seat's server certificate. */
export function seatSubjectAltName(input: Pick<SeatTlsInput, "ips" | "dnsNames">): string {
    return [...input.ips.map((ip) => `IP:${ip}`), ...input.dnsNames.map((dns) => `DNS:${dns}`)].join(",");
}

/**
 * The shell command that makes one seat's clients CA, server certificate and client certificate
 * (the class CA from $LAB_SEAT_CA_KEY and $LAB_SEAT_CA_CERT) and prints them.
 */
export function seatTlsCommand(input: SeatTlsInput): string {
    if (input.ips.length + input.dnsNames.length === 0) throw new Error(`seat ${input.seatName}: its server certificate needs a name`);
    return [
        ...PREAMBLE,
        `printf '%s\\n' "$${CLASS_CA_KEY_ENV}" > ca-key.pem`,
        `printf '%s\\n' "$${CLASS_CA_CERT_ENV}" > ca.pem`,
        "key clients-ca-key.pem",
        reqConfig("clients-ca.cnf", `${input.instance}-${input.student} clients CA`),
        ...signed("clients-ca", "ca.pem", "ca-key.pem", SEAT_CERT_DAYS, [
            "basicConstraints=critical,CA:TRUE,pathlen:0",
            "keyUsage=critical,keyCertSign,cRLSign",
            "subjectKeyIdentifier=hash",
            "authorityKeyIdentifier=keyid",
        ]),
        "key server-key.pem",
        reqConfig("server.cnf", input.seatName),
        ...signed("server", "ca.pem", "ca-key.pem", SEAT_CERT_DAYS, [
            "basicConstraints=critical,CA:FALSE",
            "keyUsage=critical,digitalSignature,keyAgreement",
            "extendedKeyUsage=serverAuth",
            `subjectAltName=${seatSubjectAltName(input)}`,
        ]),
        "key client-key.pem",
        reqConfig("client.cnf", input.student),
        ...signed("client", "clients-ca.pem", "clients-ca-key.pem", SEAT_CERT_DAYS, [
            "basicConstraints=critical,CA:FALSE",
            "keyUsage=critical,digitalSignature",
            "extendedKeyUsage=clientAuth",
        ]),
        printPart("clients-ca-cert", "clients-ca.pem"),
        printPart("server-key", "server-key.pem"),
        printPart("server-cert", "server.pem"),
        printPart("client-key", "client-key.pem"),
        printPart("client-cert", "client.pem"),
    ].join("\n");
}

/**
 * The parts a TLS command printed, by name; throws naming the missing part unless each of `parts`
 * is there once with one PEM block.
 */
export function parseTlsParts<P extends string>(stdout: string, parts: readonly P[]): Record<P, string> {
    const found = new Map<string, string[]>();
    let current: string[] | undefined;
    for (const line of stdout.split("\n")) {
        const header = /^# ([a-z-]+)$/.exec(line.trim());
        if (header) {
            if (found.has(header[1])) throw new Error(`the seat TLS command printed ${header[1]} twice; run npm run up again`);
            current = [];
            found.set(header[1], current);
        } else if (current && line.trim() !== "") {
            current.push(line.trimEnd());
        }
    }
    const result = {} as Record<P, string>;
    for (const part of parts) {
        const lines = found.get(part);
        const pem = lines ? `${lines.join("\n")}\n` : "";
        if (!/^-----BEGIN [A-Z ]+-----\n[\s\S]+\n-----END [A-Z ]+-----\n$/.test(pem) || pem.split("-----BEGIN ").length !== 2) {
            throw new Error(
                `the seat TLS command printed no PEM block for ${part}; run npm run up again, or npm run doctor to check openssl`,
            );
        }
        result[part] = pem;
    }
    return result;
}
