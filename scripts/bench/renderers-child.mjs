/**
 * Child process of `npm run bench` (started with --experimental-transform-types; the content code uses
 * TypeScript parameter properties, which plain type stripping refuses): times the pure code in-process, without
 * workerd, D1 or HTTP: parsing the generated bucket (src/content parsePost) and rendering each feed format
 * (src/feeds) from the newest visible posts. Prints one JSON object on stdout.
 * argv[2]: {"count", "seed", "iterations", "itemCount", "site": {title, description, url, language, author, idAuthority, timeZone}}
 */
import "./ts-hooks.mjs";
import { performance } from "node:perf_hooks";
import { contentSettings, storedObjects } from "./posts.mjs";
import { summarize } from "./stats.mjs";

const options = JSON.parse(process.argv[2] ?? "{}");
const { parsePost } = await import("../../src/content/parse-post.ts");
const { renderAtom, renderJsonFeed, renderRss } = await import("../../src/feeds/index.ts");

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
const links = { rss: `${site.url}/rss.xml`, atom: `${site.url}/atom.xml`, json: `${site.url}/feed.json`, html: `${site.url}/` };
const channel = { id: `tag:${site.idAuthority}:feed`, title: site.title, description: site.description, siteUrl: site.url, language: site.language, author: { name: site.author }, links };

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

process.stdout.write(
	`${JSON.stringify({
		node: process.versions.node,
		parse: { objects: options.count, posts: posts.length, broken, bytes, totalMs: parseMs, perPostMs: parseMs / Math.max(1, options.count) },
		render: rendered,
	})}\n`,
);
