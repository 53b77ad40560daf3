import { mapInOrder } from "../../../engine";

// verify runs one lab's checks side by side through mapInOrder: results and reports in the checks'
// order, never more than the limit in flight.

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("at most `limit` calls in flight; results and reports in the items' order even when later items finish first", async () => {
    let inFlight = 0;
    let most = 0;
    const reported: number[] = [];
    // Item i takes (10 - i) * 3 ms: the later ones finish first.
    const results = await mapInOrder(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        4,
        async (i) => {
            inFlight++;
            most = Math.max(most, inFlight);
            await tick((10 - i) * 3);
            inFlight--;
            return i * i;
        },
        (i, square) => {
            expect(square).toBe(i * i);
            reported.push(i);
        },
    );
    expect(results).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
    expect(reported).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(4);
});

test("a limit of 1 runs one after another; no items, no calls; a bad limit is refused", async () => {
    const order: string[] = [];
    await mapInOrder(["a", "b", "c"], 1, async (x) => {
        order.push(`start ${x}`);
        await tick(2);
        order.push(`end ${x}`);
    });
    expect(order).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(await mapInOrder([], 4, async () => 1)).toEqual([]);
    await expect(mapInOrder([1], 0, async () => 1)).rejects.toThrow("limit 0: must be a whole number of at least 1");
});
