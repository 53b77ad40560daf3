import * as ipaddr from "ipaddr.js";

/**
 * The seats' networks: each seat's own network is a small subnet of the `seatSubnets` range, the
 * k-th in class order (a seat keeps its place, as it keeps its ports). A fixed subnet gives the
 * seat a fixed address on it, where its replicas publish their ports: every interface of the seat
 * would include whatever else the seat joins. They take nothing from Docker's own address pools.
 */

/**
 * The prefix length of one seat's network: 16 addresses, of which the network, its gateway, the
 * seat, its workstation, the class registry and the broadcast address use six.
 */
export const SEAT_SUBNET_PREFIX = 28;
/** The upper half of a seat's subnet, where Docker gives its other containers their addresses: never the seat's. */
const DYNAMIC_RANGE_PREFIX = SEAT_SUBNET_PREFIX + 1;

/** Addresses of seat k's network. */
export interface SeatAddresses {
    /** CIDR, e.g. 172.16.0.16/28. */
    subnet: string;
    /** The bridge's address on this machine (the subnet's first). */
    gateway: string;
    /** The seat's own address (the next): its replicas publish their ports here, inside the seat. */
    seat: string;
    /**
     * Where Docker gives the other containers on it (the workstation, the class registry) their
     * addresses: the subnet's upper half, so that one that joins first never takes the seat's.
     */
    dynamicRange: string;
}

const SEAT_SUBNET_SIZE = 2 ** (32 - SEAT_SUBNET_PREFIX);

function toNumber(address: ipaddr.IPv4): number {
    return address.toByteArray().reduce((n, byte) => n * 256 + byte, 0);
}

function toAddress(n: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/**
 * Why `range` cannot hold `seats` seat networks, or undefined when it can: it must be a private
 * IPv4 range (RFC 1918) written as its network address, at least a /28 per seat.
 */
export function seatSubnetsProblem(range: string, seats: number): string | undefined {
    const fix = "for example npm run config -- set seatSubnets 172.16.0.0/16";
    if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(range)) {
        return `seatSubnets = ${JSON.stringify(range)}: must be an IPv4 range in CIDR form such as 172.16.0.0/16; ${fix}`;
    }
    const [address, prefix] = ipaddr.IPv4.parseCIDR(range);
    const network = ipaddr.IPv4.networkAddressFromCIDR(range).toString();
    if (network !== address.toString()) {
        return `seatSubnets = ${JSON.stringify(range)}: a range starts at its network address; use ${network}/${prefix}`;
    }
    if (address.range() !== "private") {
        return `seatSubnets = ${JSON.stringify(range)}: must be a private range (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16), or the seats would hide those addresses from this machine; ${fix}`;
    }
    if (prefix > SEAT_SUBNET_PREFIX) {
        return `seatSubnets = ${JSON.stringify(range)}: each seat needs a /${SEAT_SUBNET_PREFIX}, so the range must be a /${SEAT_SUBNET_PREFIX} or larger; ${fix}`;
    }
    const room = 2 ** (SEAT_SUBNET_PREFIX - prefix);
    if (seats > room) {
        const needed = SEAT_SUBNET_PREFIX - Math.ceil(Math.log2(seats));
        return `seatSubnets = ${JSON.stringify(range)}: holds ${room} seat network${room === 1 ? "" : "s"} (a /${SEAT_SUBNET_PREFIX} each), the class has ${seats} seats; use a /${needed} or larger, such as ${network}/${needed}`;
    }
    return undefined;
}

/** Seat k's network and addresses in `range`. Pure; throws for a range or place that seatSubnetsProblem refuses. */
export function seatAddresses(range: string, k: number): SeatAddresses {
    const problem = seatSubnetsProblem(range, k + 1);
    if (problem) throw new Error(problem);
    const start = toNumber(ipaddr.IPv4.parseCIDR(range)[0]) + k * SEAT_SUBNET_SIZE;
    return {
        subnet: `${toAddress(start)}/${SEAT_SUBNET_PREFIX}`,
        gateway: toAddress(start + 1),
        seat: toAddress(start + 2),
        dynamicRange: `${toAddress(start + SEAT_SUBNET_SIZE / 2)}/${DYNAMIC_RANGE_PREFIX}`,
    };
}

/** Whether two IPv4 ranges in CIDR form share an address (an IPv6 one shares none with IPv4). */
export function subnetsOverlap(a: string, b: string): boolean {
    if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(a) || !ipaddr.IPv4.isValidCIDRFourPartDecimal(b)) return false;
    const [ca, cb] = [ipaddr.IPv4.parseCIDR(a), ipaddr.IPv4.parseCIDR(b)];
    return ca[0].match(cb) || cb[0].match(ca);
}
