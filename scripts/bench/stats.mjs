/** Summary statistics and plain-text tables for the benchmark report. */

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted, p) {
	if (sorted.length === 0) return Number.NaN;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** count, mean, p50, p95, p99, min and max of a list of durations (ms). */
export function summarize(samples) {
	const sorted = [...samples].sort((a, b) => a - b);
	const total = samples.reduce((sum, value) => sum + value, 0);
	return {
		count: samples.length,
		mean: samples.length ? total / samples.length : Number.NaN,
		p50: percentile(sorted, 50),
		p95: percentile(sorted, 95),
		p99: percentile(sorted, 99),
		min: sorted[0] ?? Number.NaN,
		max: sorted[sorted.length - 1] ?? Number.NaN,
	};
}

/** A number for a table cell: `digits` decimals, thousands separated; "-" for missing values. */
export function fmt(value, digits = 1) {
	if (value === undefined || value === null || Number.isNaN(value)) return "-";
	if (typeof value !== "number") return String(value);
	return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const int = (value) => fmt(value, 0);

/** Renders rows (arrays of cells) under a header as an aligned text table; numeric-looking cells align right. */
export function table(title, header, rows) {
	const cells = [header, ...rows].map((row) => row.map((cell) => String(cell ?? "")));
	const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
	const numeric = (text) => /^[-+]?[\d,.]+(\s?(ms|s|%|KB|MB|B|req\/s|µs))?$/.test(text) || text === "-";
	const line = (row) =>
		row.map((cell, column) => (column > 0 && numeric(cell) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join("  ");
	const rule = widths.map((width) => "-".repeat(width)).join("  ");
	return [`\n${title}`, line(cells[0]), rule, ...cells.slice(1).map(line)].join("\n");
}
