/**
 * Consecutive groups of `items`, each of at most `maxItems` and of at most `maxBytes` by `bytesOf` (an item bigger than
 * that goes alone); never empty, never reordered.
 */
export function byteGroups<T>(items: readonly T[], bytesOf: (item: T) => number, maxBytes: number, maxItems = Infinity): T[][] {
	const groups: T[][] = [];
	let current: T[] = [];
	let bytes = 0;
	for (const item of items) {
		const size = bytesOf(item);
		if (current.length > 0 && (current.length >= maxItems || bytes + size > maxBytes)) {
			groups.push(current);
			current = [];
			bytes = 0;
		}
		current.push(item);
		bytes += size;
	}
	if (current.length > 0) groups.push(current);
	return groups;
}
