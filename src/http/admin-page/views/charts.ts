import { html } from "hono/html";
import type { Delivery } from "../../../storage/deliveries";
import type { SyncRun } from "../../../storage/sync-runs";
import type { Html } from "./layout";

/*
 * Inline SVG charts. Each has role="img" with a text equivalent (title and desc), and the same figures are
 * written out beside it, so nothing is only in the picture. Only presentation attributes, no style
 * attributes: the CSP allows no inline styles.
 */

const STATUS_FILL: Record<SyncRun["status"], string> = {
	succeeded: "#0a6b2b",
	partial: "#9a5b00",
	failed: "#a50e0e",
	skipped: "#6b6b78",
	running: "#174ea6",
};

export function formatDuration(ms: number | undefined): string {
	if (ms === undefined) return "—";
	if (ms < 1_000) return `${Math.round(ms)} ms`;
	if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
	return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

/** Bars of sync durations, oldest on the left, coloured by status; `runs` come newest first, as storage returns them. */
export function syncDurationChart(runs: SyncRun[]): Html {
	if (runs.length === 0) return html`<p class="muted">No sync has run yet.</p>`;
	const ordered = [...runs].reverse();
	const width = 600;
	const height = 120;
	const top = 20;
	const longest = Math.max(1, ...ordered.map((run) => run.durationMs ?? 0));
	const slot = width / Math.max(ordered.length, 10);
	const counts = countBy(ordered.map((run) => run.status));
	const summary = `${ordered.length} syncs, oldest to newest: ${Object.entries(counts)
		.map(([status, n]) => `${n} ${status}`)
		.join(", ")}; the longest took ${formatDuration(longest)}.`;
	const bars = ordered.map((run, index) => {
		const barHeight = Math.max(2, ((run.durationMs ?? 0) / longest) * (height - top));
		const x = index * slot + slot * 0.15;
		return html`<rect x="${x.toFixed(1)}" y="${(height - barHeight).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${STATUS_FILL[run.status] ?? "#6b6b78"}"><title>${run.startedAt}: ${run.status}, ${formatDuration(run.durationMs)}</title></rect>`;
	});
	return html`<svg class="chart" viewBox="0 0 ${width} ${height + 1}" role="img" aria-labelledby="sync-chart-title sync-chart-desc" focusable="false">
<title id="sync-chart-title">Sync durations</title>
<desc id="sync-chart-desc">${summary}</desc>
<line x1="0" y1="${height + 0.5}" x2="${width}" y2="${height + 0.5}" stroke="#4a4a55" stroke-width="1"/>
<line x1="0" y1="${top}" x2="${width}" y2="${top}" stroke="#c9c9d2" stroke-width="1" stroke-dasharray="4 4"/>
<text x="4" y="${top - 4}" font-size="14" fill="#4a4a55">${formatDuration(longest)}</text>
${bars}
</svg>
<p class="hint">${summary} Colours: green succeeded, amber partial, red failed, grey skipped.</p>`;
}

export interface SuccessSeries {
	/** Success rate of a sliding window ending at each attempt, oldest first, from 0 to 1. */
	points: number[];
	attempts: number;
	succeeded: number;
}

const WINDOW = 10;
const MAX_ATTEMPTS = 40;

/** The success rate over the last attempts of these deliveries, in order of time; an attempt succeeded when its outcome says so. */
export function successSeries(deliveries: Delivery[]): SuccessSeries {
	const outcomes = deliveries
		.flatMap((delivery) => delivery.attemptLog)
		.sort((a, b) => a.createdAt.localeCompare(b.createdAt))
		.slice(-MAX_ATTEMPTS)
		.map((attempt) => (attempt.outcome === "succeeded" ? 1 : 0));
	const points = outcomes.map((_, index) => {
		const window = outcomes.slice(Math.max(0, index - WINDOW + 1), index + 1);
		return window.reduce<number>((sum, value) => sum + value, 0) / window.length;
	});
	return { points, attempts: outcomes.length, succeeded: outcomes.reduce<number>((sum, value) => sum + value, 0) };
}

/** A sparkline of {@link successSeries}, with its figure written out beside it. */
export function successSparkline(series: SuccessSeries, id: string): Html {
	if (series.attempts === 0) return html`<span class="muted">No delivery attempts yet.</span>`;
	const rate = Math.round((series.succeeded / series.attempts) * 100);
	const label = `${rate} % of the last ${series.attempts} attempt${series.attempts === 1 ? "" : "s"} succeeded`;
	const width = 120;
	const height = 30;
	const step = series.points.length > 1 ? width / (series.points.length - 1) : 0;
	const coordinates = series.points.map((value, index) => `${(index * step).toFixed(1)},${(2 + (1 - value) * (height - 4)).toFixed(1)}`);
	if (coordinates.length === 1) coordinates.push(`${width},${coordinates[0]!.split(",")[1]}`);
	const last = series.points.at(-1) ?? 0;
	const [stroke, fill] = last >= 0.9 ? ["#0a6b2b", "#e3f3e7"] : last >= 0.5 ? ["#9a5b00", "#fdf3d8"] : ["#a50e0e", "#fbe6e4"];
	return html`<span class="row"><svg class="spark" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}" focusable="false" preserveAspectRatio="none">
<title id="${id}">Success rate: ${label}</title>
<rect x="0" y="0" width="${width}" height="${height}" fill="#f5f5f8"/>
<polygon points="0,${height} ${coordinates.join(" ")} ${width},${height}" fill="${fill}"/>
<polyline points="${coordinates.join(" ")}" fill="none" stroke="${stroke}" stroke-width="2" vector-effect="non-scaling-stroke"/>
</svg><span>${label}</span></span>`;
}

function countBy(values: string[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}
