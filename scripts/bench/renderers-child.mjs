/**
 * Child process of `npm run bench` (started with --experimental-transform-types; the content code uses
 * TypeScript parameter properties, which plain type stripping refuses): times the pure code in-process, without
 * workerd, D1 or HTTP: parsing the generated bucket (src/content parsePost) and rendering each feed format
 * (src/feeds) from the newest visible posts, through the channel the Worker builds (src/feeds/channels.ts), and one
 * archive page as the publish step renders it (its HTML page and three full-content feeds, plus the SHA-256 of each
 * body for its ETag): the costliest ref a publish renders, which a Free-plan invocation must fit in its CPU time.
 * Prints one JSON object on stdout.
 * argv[2]: {"count", "seed", "iterations", "itemCount", "site": {title, description, url, language, author, idAuthority, timeZone}}
 */
import "./ts-hooks.mjs";
import { performance } from "node:perf_hooks";
import { contentSettings, storedObjects } from "./posts.mjs";
import { summarize } from "./stats.mjs";

const options = JSON.parse(process.argv[2] ?? "{}");
const { parsePost } = await import("../../src/content/parse-post.ts");
const { renderAtom, renderJsonFeed, renderRss } = await import("../../src/feeds/index.ts");
const { siteChannel } = await import("../../src/feeds/channels.ts");
const { ARCHIVE_PAGE_SIZE, renderDocuments } = await import("../../src/feeds/publication.ts");

const site = options.site;
const settings = contentSettings(site);
const { objects, bytes } = storedObjects(options);
const posts = [];
let broken = 0;
const parseStarted = performance.now();
for (const object of objects) {
	const outcome = parsePost(object, settings);
	if (outcome.ok) posts.push(outcome.post);
	else broken += 1;
}
const parseMs = performance.now() - parseStarted;

const nowIso = new Date().toISOString();
const visible = posts
	.filter((post) => !post.draft && post.published <= nowIso)
	.sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : a.id < b.id ? -1 : 1))
	.slice(0, options.itemCount);
/** The SiteIdentity src/config.ts builds from the same settings (defaults for what the bench does not set). */
const identity = {
	title: site.title,
	description: site.description,
	url: site.url,
	language: site.language,
	author: { name: site.author },
	idAuthority: site.idAuthority,
	itemCount: options.itemCount,
	hubs: [`${site.url}/websub`],
	icon: `${site.url}/icon.png`,
	favicon: `${site.url}/favicon.ico`,
	archivePageSize: ARCHIVE_PAGE_SIZE,
	feedMaxBytes: 1_000_000,
};
const channel = siteChannel(identity);
const renderers = { rss: renderRss, atom: renderAtom, json: renderJsonFeed };
const rendered = {};
for (const [name, render] of Object.entries(renderers)) {
	for (let i = 0; i < Math.min(50, options.iterations); i++) render(channel, visible);
	const samples = [];
	let size = 0;
	for (let i = 0; i < options.iterations; i++) {
		const started = performance.now();
		const body = render(channel, visible);
		samples.push(performance.now() - started);
		size = Buffer.byteLength(body);
	}
	rendered[name] = { ...summarize(samples), bytes: size, items: visible.length };
}

// One archive page: the newest ARCHIVE_PAGE_SIZE visible posts stand in for a page's posts (full content, as stored).
const archivePosts = posts.filter((post) => !post.draft && post.published <= nowIso).slice(0, ARCHIVE_PAGE_SIZE);
const archiveInput = { ref: "archive:1", kind: "archive", page: 1, posts: archivePosts, lastPage: 2, feedPosts: archivePosts, newestFeedPage: 2, complete: true };
const archiveIterations = Math.max(5, Math.min(50, options.iterations));
const archiveSamples = [];
let archiveBytes = 0;
for (let i = 0; i < archiveIterations + 3; i++) {
	const started = performance.now();
	const documents = renderDocuments(identity, archiveInput);
	for (const document of documents) await crypto.subtle.digest("SHA-256", new TextEncoder().encode(document.body));
	if (i >= 3) archiveSamples.push(performance.now() - started);
	archiveBytes = documents.reduce((sum, document) => sum + Buffer.byteLength(document.body), 0);
}

process.stdout.write(
	`${JSON.stringify({
		node: process.versions.node,
		parse: { objects: options.count, posts: posts.length, broken, bytes, totalMs: parseMs, perPostMs: parseMs / Math.max(1, options.count) },
		render: rendered,
		archivePage: { ...summarize(archiveSamples), bytes: archiveBytes, posts: archivePosts.length },
	})}\n`,
);
