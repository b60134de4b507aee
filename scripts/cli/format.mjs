/** Plain-text tables and values for people; `--json` output never goes through here. */

/**
 * A table with a header row, columns padded to their widest cell; the last column is never padded.
 * @param {string[]} headers
 * @param {Array<Array<string | number | undefined | null>>} rows
 */
export function table(headers, rows) {
	const cells = [headers, ...rows.map((row) => row.map((cell) => (cell === undefined || cell === null || cell === "" ? "-" : String(cell))))];
	const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
	return cells.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join("  ").trimEnd()).join("\n");
}

/** "label  value" lines with the values aligned. */
export function fields(pairs) {
	const width = Math.max(...pairs.map(([label]) => label.length));
	return pairs.map(([label, value]) => `${label.padEnd(width)}  ${value === undefined || value === null || value === "" ? "-" : value}`).join("\n");
}

export function duration(ms) {
	if (ms === undefined || ms === null) return "-";
	if (ms < 1000) return `${ms} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
	return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** An ISO time without milliseconds: 2026-12-01 21:40:03Z. */
export function when(iso) {
	if (!iso) return "-";
	return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
}

export function plural(count, noun, many = `${noun}s`) {
	return `${count} ${count === 1 ? noun : many}`;
}

/** One sync run as a sentence: "succeeded in 1.2 s: listed 13, read 13, 13 changes; 12 posts, 1 broken". */
export function syncSummary(run) {
	const parts = [
		`listed ${run.objectsListed}`,
		`read ${run.objectsRead}`,
		plural(run.changes, "change"),
	];
	const remaining = run.remaining > 0 ? `, ${run.remaining} left for the next sync` : "";
	const error = run.error ? ` (${run.error})` : "";
	return `${run.status} in ${duration(run.durationMs)}${error}: ${parts.join(", ")}; ${plural(run.posts, "post")}, ${run.broken} broken${remaining}`;
}

export function subscriptionState(subscription) {
	if (!subscription.enabled) return `disabled${subscription.disabledReason ? ` (${subscription.disabledReason})` : ""}`;
	return subscription.failingSince ? `failing since ${when(subscription.failingSince)}` : "enabled";
}

export function filtersText(filters) {
	const parts = [];
	if (filters?.tags?.length) parts.push(`tags: ${filters.tags.join(", ")}`);
	if (filters?.categories?.length) parts.push(`categories: ${filters.categories.join(", ")}`);
	return parts.join("; ") || "all posts";
}
