import { describe, expect, it } from "vitest";
import { mapConcurrently } from "../../src/shared";

/** A task that stays in flight until the test releases it, so concurrency is counted, never timed. */
function gate() {
	let release = (): void => {};
	const opened = new Promise<void>((resolve) => (release = resolve));
	return { opened, release };
}

describe("mapConcurrently", () => {
	it("returns the results in the order of the items, whatever order they finish in", async () => {
		const gates = [gate(), gate(), gate()];
		const running = mapConcurrently([0, 1, 2], 3, async (item, index) => {
			await gates[item]!.opened;
			return `${item}@${index}`;
		});
		for (const g of [...gates].reverse()) g.release();
		expect(await running).toEqual(["0@0", "1@1", "2@2"]);
	});

	it("never has more than `limit` calls in flight, and runs every item", async () => {
		let inFlight = 0;
		let most = 0;
		const seen: number[] = [];
		await mapConcurrently(
			Array.from({ length: 20 }, (_, i) => i),
			3,
			async (item) => {
				inFlight++;
				most = Math.max(most, inFlight);
				await Promise.resolve();
				await Promise.resolve();
				seen.push(item);
				inFlight--;
			},
		);
		expect(most).toBe(3);
		expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
	});

	it("handles no items, and a limit below one as one", async () => {
		expect(await mapConcurrently([], 6, async () => 1)).toEqual([]);
		expect(await mapConcurrently(["a", "b"], 0, async (item) => item.toUpperCase())).toEqual(["A", "B"]);
	});

	it("rejects with the first error a call throws", async () => {
		await expect(mapConcurrently([1, 2, 3], 2, async (item) => {
			if (item === 2) throw new Error("read failed");
			return item;
		})).rejects.toThrow("read failed");
	});
});
