/**
 * `npm run bench -- --stages`: what parsing one post costs, stage by stage (parse-stages-child.mjs), in-process
 * in Node: no Worker, no simulators. Calibrates the parse budget and shows which stage to cut.
 */
import { runTypeScriptChild, siteFromWranglerToml } from "./common.mjs";
import { fmt, int, table } from "./stats.mjs";

export async function runStagesMode(options, { log }) {
	log(`parse stages: ${options.posts.toLocaleString("en-US")} generated posts, ${options.rounds} timed rounds after one warm-up…`);
	const site = siteFromWranglerToml("https://journal.example");
	const stages = await runTypeScriptChild("parse-stages-child.mjs", { count: options.posts, seed: options.seed, rounds: options.rounds, site }, options.timeoutMs);
	if (stages.skipped) throw new Error(`parse stages: ${stages.skipped}`);
	return { mode: "stages", posts: options.posts, stages };
}

export function stagesReport(result) {
	const { stages } = result;
	const entries = Object.entries(stages.stagesUs);
	const current = entries.filter(([stage]) => !stage.includes("(previous"));
	const sum = current.reduce((total, [, us]) => total + us, 0);
	const rows = entries.map(([stage, us]) => {
		const previous = stages.stagesUs[`${stage} (previous: sanitize-html)`];
		return [stage, fmt(us, 1), stage.includes("(previous") ? "" : `${fmt((us / sum) * 100, 1)} %`, previous ? `${fmt(us / previous, 2)}×` : ""];
	});
	const pair = (suffix = "") => (stages.stagesUs[`sanitize${suffix}`] ?? 0) + (stages.stagesUs[`summary${suffix}`] ?? 0);
	if (stages.stagesUs["sanitize (previous: sanitize-html)"] !== undefined) {
		const previousPair = pair(" (previous: sanitize-html)");
		rows.push(["sanitize + summary", fmt(pair(), 1), `${fmt((pair() / sum) * 100, 1)} %`, `${fmt(pair() / previousPair, 2)}×`]);
		rows.push(["sanitize + summary (previous: sanitize-html)", fmt(previousPair, 1), "", ""]);
	}
	rows.push(["sum of the stages", fmt(sum, 1), "100.0 %", ""]);
	rows.push(["parsePost, whole (timed on its own)", fmt(stages.parsePostUs, 1), "", ""]);
	const parts = [
		table(
			`Parse cost per post (Node ${stages.node}, in-process; ${int(stages.timedPosts)} of ${int(stages.objects)} generated posts parse, ${int(stages.bytes / stages.objects)} B each on average; mean of ${stages.rounds} rounds)`,
			["stage", "µs per post", "share", "vs previous"],
			rows,
		),
	];
	parts.push(
		stages.previous.unavailable
			? `previous sanitizer not timed: ${stages.previous.unavailable}`
			: `"previous" rows: sanitize-html ${stages.previous.version} with the options Pressroom used before, on the same posts in the same rounds; "vs previous" is current ÷ previous`,
	);
	return { ok: true, text: parts.join("\n") };
}
