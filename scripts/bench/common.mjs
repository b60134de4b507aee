/** Pieces shared by the benchmark modes: HTTP calls, seeding, syncs, feed timing, the in-process renderers. */
import { spawn } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { wranglerTomlVar } from "../lib/dev-server.mjs";
import { generatePost } from "./posts.mjs";
import { summarize } from "./stats.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** One keep-alive agent for every call the benchmark makes to the Worker. */
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

export function closeHttp() {
	agent.destroy();
}

/**
 * A request with node:http (no fetch: undici's 300 s headers timeout would cut a long sync short).
 * @returns {Promise<{ status: number, headers: object, body: Buffer, ms: number }>}
 */
export function httpCall(url, { method = "GET", headers = {}, body, timeoutMs = 60_000 } = {}) {
	const target = new URL(url);
	const payload = body === undefined ? undefined : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const req = httpRequest(
			{
				host: target.hostname,
				port: target.port,
				path: `${target.pathname}${target.search}`,
				method,
				agent,
				headers: { ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}), ...headers },
			},
			(res) => {
				const chunks = [];
				res.on("data", (chunk) => chunks.push(chunk));
				res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - started }));
				res.on("error", reject);
			},
		);
		req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${target.pathname} timed out after ${Math.round(timeoutMs / 1000)} s`)));
		req.on("error", reject);
		req.end(payload);
	});
}

/** Runs `work` over `items` with at most `limit` in flight; returns the results in order. */
export { mapConcurrently } from "../../src/shared/map-concurrently.ts";

export function contentTypeOf(key) {
	return key.endsWith(".txt") ? "text/plain; charset=utf-8" : "text/markdown; charset=utf-8";
}

/**
 * Writes the generated bucket through `putMany(objects, concurrency)`, 1,000 objects at a time.
 * @returns {Promise<{ objects: number, bytes: number, ms: number, kinds: Record<string, number> }>}
 */
export async function seedBucket(putMany, { count, seed, concurrency, onProgress }) {
	const started = performance.now();
	let bytes = 0;
	const kinds = { post: 0, draft: 0, future: 0, broken: 0 };
	for (let start = 0; start < count; start += 1000) {
		const objects = [];
		for (let index = start; index < Math.min(count, start + 1000); index++) {
			const post = generatePost(index, { count, seed });
			bytes += Buffer.byteLength(post.text);
			kinds[post.kind] += 1;
			objects.push({ key: post.key, text: post.text, contentType: contentTypeOf(post.key) });
		}
		await putMany(objects, concurrency);
		onProgress?.(start + objects.length);
	}
	return { objects: count, bytes, ms: performance.now() - started, kinds };
}

/** putMany() for a store that only puts one object at a time (the S3 client). */
export function putManyWith(put) {
	return (objects, concurrency) => mapConcurrently(objects, concurrency, (object) => put(object.key, new TextEncoder().encode(object.text), object.contentType));
}

/** A post of the bucket that is an ordinary published post, near the middle (the one the incremental sync edits). */
export function postToEdit(count, seed) {
	for (let index = Math.floor(count / 2); index < count; index++) {
		const post = generatePost(index, { count, seed });
		if (post.kind === "post") return post;
	}
	return generatePost(0, { count, seed });
}

/** POST /api/sync; the Worker's own account of the run plus the wall time seen from here. */
export async function runSync(baseUrl, token, timeoutMs) {
	const response = await httpCall(new URL("/api/sync", baseUrl), { method: "POST", headers: { authorization: `Bearer ${token}` }, timeoutMs });
	let sync;
	try {
		sync = JSON.parse(response.body.toString("utf8")).sync;
	} catch {
		throw new Error(`POST /api/sync answered ${response.status}: ${response.body.toString("utf8").slice(0, 300)}`);
	}
	if (response.status !== 200) throw new Error(`POST /api/sync answered ${response.status}: ${JSON.stringify(sync).slice(0, 500)}`);
	return { wallMs: response.ms, sync };
}

export const FEEDS = [
	{ path: "/rss.xml", count: (text) => (text.match(/<item>/g) ?? []).length },
	{ path: "/atom.xml", count: (text) => (text.match(/<entry>/g) ?? []).length },
	{ path: "/feed.json", count: (text) => JSON.parse(text).items.length },
];

/**
 * For each feed: `requests` sequential GETs on one keep-alive connection after a short warm-up, then as many
 * conditional GETs (If-None-Match with the ETag just served, answered 304).
 */
export async function timeFeeds(baseUrl, { requests, warmup = 10 }) {
	const rows = [];
	for (const feed of FEEDS) {
		const url = new URL(feed.path, baseUrl);
		let last;
		for (let i = 0; i < warmup; i++) last = await httpCall(url);
		if (last.status !== 200) throw new Error(`GET ${feed.path} answered ${last.status}: ${last.body.toString("utf8").slice(0, 200)}`);
		const items = feed.count(last.body.toString("utf8"));
		for (const variant of ["200", "304"]) {
			const headers = variant === "304" ? { "if-none-match": String(last.headers.etag) } : {};
			const samples = [];
			let bytes = 0;
			let unexpected = 0;
			const started = performance.now();
			for (let i = 0; i < requests; i++) {
				const response = await httpCall(url, { headers });
				samples.push(response.ms);
				bytes = response.body.length;
				if (String(response.status) !== variant) unexpected += 1;
			}
			const elapsed = performance.now() - started;
			rows.push({ path: feed.path, variant, items: variant === "200" ? items : 0, bytes, unexpected, perSecond: (requests / elapsed) * 1000, ...summarize(samples) });
		}
	}
	return rows;
}

/** The site settings the Worker reads from wrangler.toml [vars], for the in-process renderers. */
export function siteFromWranglerToml(url) {
	return {
		title: wranglerTomlVar("SITE_TITLE") ?? "Pressroom",
		description: wranglerTomlVar("SITE_DESCRIPTION") ?? "",
		url,
		language: wranglerTomlVar("SITE_LANGUAGE") ?? "en",
		author: wranglerTomlVar("SITE_AUTHOR") ?? "Pressroom",
		idAuthority: wranglerTomlVar("ID_AUTHORITY") ?? "pressroom.example,2026",
		timeZone: wranglerTomlVar("SITE_TIME_ZONE") ?? "UTC",
	};
}

/**
 * The pure code in a child Node run with --experimental-transform-types (src/ is imported as TypeScript):
 * parse every generated post, then render each format `iterations` times. Null (with the reason) if it fails.
 */
export function timeRenderersInProcess({ count, seed, iterations, site, itemCount, timeoutMs = 600_000 }) {
	return runTypeScriptChild("renderers-child.mjs", { count, seed, iterations, itemCount, site }, timeoutMs);
}

/** Runs scripts/bench/<file> in a child Node that imports src/ as TypeScript; resolves with the JSON line it prints. */
export function runTypeScriptChild(file, payload, timeoutMs = 600_000) {
	const args = ["--experimental-transform-types", "--no-warnings", path.join(HERE, file), JSON.stringify(payload)];
	return new Promise((resolve) => {
		const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
		let stdout = "";
		let stderr = "";
		const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
		const killNow = () => child.kill("SIGKILL");
		process.once("exit", killNow);
		child.on("close", () => process.off("exit", killNow));
		child.stdout.on("data", (chunk) => (stdout += chunk));
		child.stderr.on("data", (chunk) => (stderr += chunk));
		child.on("error", (error) => {
			clearTimeout(timer);
			resolve({ skipped: `could not start node: ${error.message}` });
		});
		child.on("close", (code, signal) => {
			clearTimeout(timer);
			if (code !== 0) return resolve({ skipped: `child exited with ${signal ?? code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}` });
			try {
				resolve(JSON.parse(stdout.trim().split("\n").pop()));
			} catch {
				resolve({ skipped: `unexpected output: ${stdout.slice(0, 200)}` });
			}
		});
	});
}
