/**
 * `npm run bench -- --posts N --compare-hugo`: the default R2 run (first sync, one edited post, incremental sync),
 * and, when `hugo` is on the PATH (Debian: `apt-get install -y hugo`), Hugo building the same N posts written fenced
 * for Hugo (YAML front matter; the fence-less `.txt` posts get fences), with minimal layouts that make what
 * Pressroom publishes: an HTML page per post, HTML and RSS for home and for every tag. Hugo's time is the median of
 * three full `hugo` builds, one before Pressroom's run and two after it (its incremental mode exists only in
 * `hugo server`), so the ratios are first sync ÷ full build and
 * incremental ÷ full build. The first sync counts every pass the default PLAN (paid) needs until the catalog is
 * complete and every document is published. Two incrementals, each ÷ Hugo: one edit of an old post by R2
 * notification (put + notification → committed and published: what a deployment with notifications does), and the
 * cron's reconciliation after one edit, which lists the whole bucket. Beside them, by notification, the costliest
 * changes: a new post and an edit of the newest post, which every list (site feeds, home, its labels) shows.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { generatePost } from "./posts.mjs";
import { fmt, int, table } from "./stats.mjs";
import { medianBy, runSyncMode } from "./sync-mode.mjs";

const TARGETS = { firstSync: 1.0, incremental: 0.02 };

const LAYOUTS = {
	"_default/baseof.html": "<!doctype html><html><head><title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>\n",
	"_default/single.html": "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><time>{{ .Date }}</time>{{ .Content }}</article>{{ end }}\n",
	"_default/list.html": "{{ define \"main\" }}<ul>{{ range first 50 .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}\n",
	"_default/terms.html": "{{ define \"main\" }}<ul>{{ range .Data.Terms.Alphabetical }}<li>{{ .Page.Title }} ({{ .Count }})</li>{{ end }}</ul>{{ end }}\n",
};

export async function runHugoMode(options, context) {
	const version = spawnSync("hugo", ["version"], { encoding: "utf8" });
	const site = path.join(context.tmpDir, "hugo-site");
	const builds = [];
	const buildHugo = async () => {
		// Each build starts from an empty public/, as the first one does.
		await rm(path.join(site, "public"), { recursive: true, force: true });
		const build = await timeCommand("hugo", ["--quiet", "--source", site, "--destination", path.join(site, "public")]);
		if (build.code !== 0) throw new Error(`hugo failed (${build.code}): ${build.stderr.slice(0, 500)}`);
		builds.push(build.ms);
	};
	if (version.status === 0) {
		context.log(`writing ${options.posts} posts for Hugo into ${site}…`);
		await writeHugoSite(site, options);
		// Hugo builds once before Pressroom's run and twice after it, and the median is the baseline: this machine's
		// speed drifts over minutes, and one build on either side alone moved the ratios by a quarter.
		await buildHugo();
	}
	const sync = await runSyncMode({ ...options, feedRequests: 0, renderIterations: 0, mode: "r2", backend: "r2", notification: true }, context);
	const result = { mode: "hugo", sync };
	if (version.status !== 0) {
		result.hugo = { skipped: "hugo is not installed (apt-get install -y hugo)" };
		return result;
	}
	await buildHugo();
	await buildHugo();
	result.hugo = { version: version.stdout.trim(), fullBuildMs: [...builds].sort((a, b) => a - b)[1], buildsMs: builds };
	const passes = sync.syncs.filter((row) => row.label.startsWith("first sync"));
	const incrementals = sync.syncs.filter((row) => row.label.startsWith("incremental"));
	result.firstSyncMs = passes.reduce((sum, row) => sum + row.wallMs, 0);
	result.incrementalMs = medianBy(incrementals, (row) => row.wallMs)?.wallMs;
	result.incrementalSamplesMs = incrementals.map((row) => row.wallMs);
	result.notificationMs = sync.notification?.wallMs;
	result.notificationSamplesMs = sync.notifications?.map((row) => row.wallMs);
	result.newPostMs = sync.newPostNotifications && medianBy(sync.newPostNotifications, (row) => row.wallMs)?.wallMs;
	result.newPostSamplesMs = sync.newPostNotifications?.map((row) => row.wallMs);
	result.newestEditMs = sync.newestEditNotifications && medianBy(sync.newestEditNotifications, (row) => row.wallMs)?.wallMs;
	result.newestEditSamplesMs = sync.newestEditNotifications?.map((row) => row.wallMs);
	result.firstSyncPasses = passes.map((row) => ({ label: row.label, wallMs: row.wallMs, syncMs: row.durationMs, status: row.status, read: row.objectsRead, rendered: row.publishRendered, left: row.publishRemaining }));
	return result;
}

async function writeHugoSite(site, options) {
	await mkdir(path.join(site, "content", "posts"), { recursive: true });
	await writeFile(
		path.join(site, "hugo.toml"),
		['baseURL = "http://127.0.0.1/"', 'title = "Pressroom bench"', "disableKinds = [\"sitemap\", \"robotsTXT\"]", "[taxonomies]", 'tag = "tags"', 'category = "categories"', "[outputs]", 'home = ["HTML", "RSS"]', 'term = ["HTML", "RSS"]', ""].join("\n"),
	);
	for (const [file, text] of Object.entries(LAYOUTS)) {
		await mkdir(path.dirname(path.join(site, "layouts", file)), { recursive: true });
		await writeFile(path.join(site, "layouts", file), text);
	}
	for (let index = 0; index < options.posts; index++) {
		const post = generatePost(index, { count: options.posts, seed: options.seed });
		await writeFile(path.join(site, "content", "posts", `${index}.md`), fencedForHugo(post.text));
	}
}

/** Hugo reads fenced front matter only: a fence-less header block gets fences, and its comma lists become YAML lists. */
function fencedForHugo(text) {
	const fenced = text.startsWith("---\n") ? text : `---\n${text.replace(/\n\n/, "\n---\n\n")}`;
	const end = fenced.indexOf("\n---\n", 4);
	const header = fenced
		.slice(4, end)
		.split("\n")
		.map((line) => {
			const match = /^(tags|categories|category): ([^[\n].*)$/.exec(line);
			if (!match) return line;
			const name = match[1] === "category" ? "categories" : match[1];
			return `${name}: [${match[2].split(",").map((item) => JSON.stringify(item.trim())).filter((item) => item !== '""').join(", ")}]`;
		})
		.join("\n");
	return `---\n${header}${fenced.slice(end)}`;
}

function timeCommand(command, args) {
	return new Promise((resolve) => {
		const started = performance.now();
		const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
		let stderr = "";
		child.stderr.on("data", (chunk) => (stderr += chunk));
		child.on("close", (code) => resolve({ code, ms: performance.now() - started, stderr }));
	});
}

export function hugoReport(result, syncText) {
	if (result.hugo.skipped) return { ok: syncText.ok, text: `${syncText.text}\n\nHugo comparison: skipped (${result.hugo.skipped})` };
	const hugoMs = result.hugo.fullBuildMs;
	const first = result.firstSyncMs / hugoMs;
	const incremental = result.incrementalMs / hugoMs;
	const notification = result.notificationMs === undefined ? undefined : result.notificationMs / hugoMs;
	const passes = table(
		"First sync, pass by pass (POST /api/sync: the sync, then the publish of what it made stale)",
		["pass", "status", "read", "sync ms", "refs rendered", "refs left", "wall ms"],
		(result.firstSyncPasses ?? []).map((row) => [row.label, row.status, int(row.read), int(row.syncMs), int(row.rendered ?? 0), int(row.left ?? 0), int(row.wallMs)]),
	);
	const rows = [
		[
			`Hugo full build (${result.hugo.version.split(" ")[1] ?? "hugo"}), same ${result.sync.posts} posts; median of ${result.hugo.buildsMs?.length ?? 1} (before, after, after: ${(result.hugo.buildsMs ?? [hugoMs]).map((ms) => fmt(ms / 1000, 2)).join(", ")} s)`,
			`${fmt(hugoMs / 1000, 2)} s`,
			"",
			"",
		],
		["Pressroom first sync (all passes until every document is published, wall)", `${fmt(result.firstSyncMs / 1000, 2)} s`, `${fmt(first, 2)}×`, `≤ ${TARGETS.firstSync}×`],
		[
			`Pressroom incremental, one edit of an old post by R2 notification (put → committed and published; median of ${result.notificationSamplesMs?.length ?? 0})`,
			notification === undefined ? "not measured" : `${fmt(result.notificationMs / 1000, 3)} s`,
			notification === undefined ? "" : `${fmt(notification, 3)}×`,
			`≤ ${TARGETS.incremental}×`,
		],
		[`Pressroom incremental, cron reconciliation after one edit (lists the bucket; wall; median of ${result.incrementalSamplesMs.length})`, `${fmt(result.incrementalMs / 1000, 3)} s`, `${fmt(incremental, 3)}×`, `≤ ${TARGETS.incremental}×`],
		// The edits above are of old posts, in no list: these change every list, the costliest incrementals.
		...[
			["a new post", result.newPostMs, result.newPostSamplesMs],
			["an edit of the newest post", result.newestEditMs, result.newestEditSamplesMs],
		]
			.filter(([, ms]) => ms !== undefined)
			.map(([what, ms, samples]) => [`Pressroom incremental, ${what} by R2 notification (in every list; median of ${samples.length})`, `${fmt(ms / 1000, 3)} s`, `${fmt(ms / hugoMs, 3)}×`, "(edit: ≤ 0.02×)"]),
	];
	const ok = syncText.ok && first <= TARGETS.firstSync && notification !== undefined && notification <= TARGETS.incremental && incremental <= TARGETS.incremental;
	return { ok, text: `${syncText.text}\n${passes}\n${table("Against Hugo, same machine, same run", ["figure", "time", "÷ Hugo", "target"], rows)}` };
}
