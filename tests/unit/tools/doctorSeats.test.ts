import { DOCTOR_EXIT_CODES } from "../../../tools/doctor";
import { byId, doctor, world } from "./doctorFake";

// The doctor in seats mode, against the fake machine of ./doctorFake.ts: no network of the engine
// overlaps a seat's subnet, which Docker would refuse when `up` creates the seat's network.

const SEATS = { mode: "seats", students: ["alice", "bob"], appPort: "29080", registryPort: "29000" };
const BRIDGE = { id: "b1", name: "bridge", subnets: ["172.17.0.0/16"] };

describe("doctor: seats mode", () => {
    test("other modes ask nothing about the engine's networks", async () => {
        const result = await doctor(world({ networks: [BRIDGE] }));
        expect(result.findings.some((f) => f.id === "config.seat-subnets")).toBe(false);
        expect(result.calls.some((c) => c.args[0] === "network" && c.args[1] === "inspect")).toBe(false);
    });

    test("no overlap: one passing line naming the seats and the range", async () => {
        const result = await doctor(world({ networks: [BRIDGE, { id: "v6", name: "v6only", subnets: ["fd00::/64"] }] }), SEATS);
        expect(byId(result, "config.seat-subnets")).toMatchObject({
            ok: true,
            message: "the seats' networks (2 of seatSubnets 172.16.0.0/16) overlap no network of the engine",
        });
        expect(result.findings.filter((f) => f.klass === "config" && !f.ok)).toEqual([]);
    });

    test("a network that holds a seat's subnet: a config problem naming the seat, the network and the fix", async () => {
        const vpn = { id: "v1", name: "vpn-bridge", subnets: ["172.16.0.16/29"] };
        const result = await doctor(world({ networks: [BRIDGE, vpn] }), SEATS);
        const found = byId(result, "config.seat-subnets");
        expect(found.ok).toBe(false);
        expect(found.klass).toBe("config");
        expect(found.message).toBe(
            'seatSubnets = "172.16.0.0/16": bob\'s 172.16.0.16/28 overlaps vpn-bridge (172.16.0.16/29), and Docker refuses a network that overlaps another; fix: choose a private range that no network of the engine uses, for example LAB_STACK=doctortest npm run config -- set seatSubnets 10.213.0.0/16',
        );
        expect(result.exitCode).toBe(DOCTOR_EXIT_CODES.config);
    });

    test("a range around every seat overlaps them all; the lab's own seat networks, after an up, are no clash", async () => {
        const own = [
            { id: "s1", name: "docker-lab-doctortest-seat-alice-net", subnets: ["172.16.0.0/28"] },
            { id: "s2", name: "docker-lab-doctortest-seat-bob-net", subnets: ["172.16.0.16/28"] },
        ];
        expect(byId(await doctor(world({ networks: own }), SEATS), "config.seat-subnets").ok).toBe(true);
        const wide = await doctor(world({ networks: [...own, { id: "w", name: "office", subnets: ["172.16.0.0/12"] }] }), SEATS);
        expect(byId(wide, "config.seat-subnets").message).toContain(
            "alice's 172.16.0.0/28 overlaps office (172.16.0.0/12), bob's 172.16.0.16/28 overlaps office (172.16.0.0/12)",
        );
    });

    test("networks that cannot be listed: a problem that says what docker said", async () => {
        const result = await doctor(world({ networksError: "Error response from daemon: i/o timeout" }), SEATS);
        expect(byId(result, "config.seat-subnets")).toMatchObject({
            ok: false,
            message:
                "could not list the engine's networks to check seatSubnets against them (docker network: Error response from daemon: i/o timeout)",
        });
    });
});
