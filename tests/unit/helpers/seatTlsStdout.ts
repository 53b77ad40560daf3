import { CLASS_CA_PARTS, SEAT_TLS_PARTS } from "../../../lab";

/** A PEM-shaped block whose body names what it stands for, so that each part can be told apart. */
export const mockPem = (label: string, what: string) =>
    `-----BEGIN ${label}-----\n${Buffer.from(what).toString("base64")}\n-----END ${label}-----\n`;

const labelOf = (part: string) => (part.endsWith("-key") ? "EC PRIVATE KEY" : "CERTIFICATE");

/** The mocked PEM of a TLS part: the class CA's (`who` "class") or a seat's (`who` the student). */
export const mockTlsPart = (who: string, part: string) => mockPem(labelOf(part), `${who} ${part}`);

/**
 * The stdout of a seats-mode TLS command under mocks, as openssl prints it (the program parses PEM
 * blocks out of it): the class CA's parts for `lab-seat-ca`, each seat's for `lab-<student>-seat-tls`;
 * undefined for any other command.
 */
export function seatTlsStdout(name: string): string | undefined {
    if (name === "lab-seat-ca") return CLASS_CA_PARTS.map((p) => `# ${p}\n${mockTlsPart("class", p)}`).join("");
    const seat = /^lab-([a-z0-9-]+)-seat-tls$/.exec(name);
    return seat ? SEAT_TLS_PARTS.map((p) => `# ${p}\n${mockTlsPart(seat[1], p)}`).join("") : undefined;
}
