/**
 * Runs `work` over `items` with at most `limit` calls in flight and returns the results in order: the one
 * worker pool for the sync's reads, the queue consumer's deliveries and the scripts' uploads. Workers allow
 * six simultaneous outgoing connections per invocation, so the Worker's callers pass 6 at most.
 * The first call that throws rejects the whole run (calls already started still finish).
 */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index] as T, index);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
	return results;
}
