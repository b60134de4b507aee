/**
 * The real feed clients on this machine, run as child processes: Debian's python3-feedparser, sfeed,
 * xmllint and (optionally) newsboat. A missing tool fails the checks that need it, with the command that
 * installs it; nothing is skipped silently.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const INSTALL_HINT = "apt-get install python3-feedparser sfeed libxml2-utils";
const PYTHON = "/usr/bin/python3";
const PARSE_FEED = path.join(path.dirname(fileURLToPath(import.meta.url)), "parse_feed.py");

/** Loopback must never go through a proxy (feedparser's urllib honours *_proxy variables). */
const childEnv = { ...process.env, NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost" };

function onPath(command: string): boolean {
	return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

export interface ToolStatus {
	feedparser: boolean;
	sfeed: boolean;
	xmllint: boolean;
	newsboat: boolean;
}

export function toolStatus(): ToolStatus {
	const feedparser = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "from feedparser import parse"], { stdio: "ignore" }).status === 0;
	return { feedparser, sfeed: onPath("sfeed"), xmllint: onPath("xmllint"), newsboat: onPath("newsboat") };
}

export function missingToolsMessage(status: ToolStatus = toolStatus()): string | undefined {
	const missing = [
		!status.feedparser && "python3-feedparser (for /usr/bin/python3)",
		!status.sfeed && "sfeed",
		!status.xmllint && "xmllint (libxml2-utils)",
	].filter(Boolean);
	if (missing.length === 0) return undefined;
	return `Missing feed clients: ${missing.join(", ")}. Install them with: ${INSTALL_HINT}`;
}

function requireTool(name: keyof ToolStatus, status: ToolStatus = toolStatus()): void {
	if (!status[name]) throw new Error(`${name} is not installed; the checks that use it fail. Install with: ${INSTALL_HINT}`);
}

function run(command: string, args: string[], input?: Uint8Array | string): { status: number; stdout: string; stderr: string } {
	const result = spawnSync(command, args, { input, env: childEnv, encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
	if (result.error) throw result.error;
	return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

export interface FeedparserLink {
	rel?: string;
	href?: string;
	type?: string;
}

export interface FeedparserEntry {
	id: string | null;
	link: string | null;
	title: string | null;
	published: string | null;
	/** Only when the feed has an element feedparser maps to `updated`. */
	updated: string | null;
	/** What `entry.updated` gives a feedparser 6.0 user (it falls back to `published`). */
	updated_or_published: string | null;
	author: string | null;
	links: FeedparserLink[];
}

export interface FeedparserResult {
	status: number | null;
	bozo: number;
	bozo_exception: string | null;
	version: string;
	etag: string | null;
	modified: string | null;
	content_type: string | null;
	feed: { title: string | null; link: string | null; language: string | null; links: FeedparserLink[] };
	entries: FeedparserEntry[];
}

/** feedparser.parse(url, etag=…, modified=…): feedparser's own HTTP client does the request. */
export function feedparser(url: string, conditional: { etag?: string | null; modified?: string | null } = {}): FeedparserResult {
	requireTool("feedparser");
	const args = [PARSE_FEED, "fetch", url];
	if (conditional.etag) args.push("--etag", conditional.etag);
	if (conditional.modified) args.push("--modified", conditional.modified);
	const result = run(PYTHON, args);
	if (result.status !== 0) throw new Error(`parse_feed.py fetch failed (${result.status}): ${result.stderr}`);
	return JSON.parse(result.stdout) as FeedparserResult;
}

export interface FeedStructure {
	root: string;
	self_links: { href: string | null; type: string | null }[];
	/** RSS: text of each item's <author>; Atom: each entry's author <name>. */
	item_authors: string[];
	categories: { term: string | null; label: string | null }[];
}

/** Element-level facts (ElementTree): what the W3C validator looks at. Needs only python3. */
export function feedStructure(xml: string): FeedStructure {
	const result = run(PYTHON, [PARSE_FEED, "structure"], xml);
	if (result.status !== 0) throw new Error(`parse_feed.py structure failed (${result.status}): ${result.stderr}`);
	return JSON.parse(result.stdout) as FeedStructure;
}

export interface SfeedItem {
	timestamp: string;
	title: string;
	link: string;
	id: string;
	author: string;
	category: string;
}

/** sfeed reads RSS or Atom on stdin and writes one TAB-separated line per item (see sfeed(1)). */
export function sfeed(xml: string, baseUrl: string): SfeedItem[] {
	requireTool("sfeed");
	const result = run("sfeed", [baseUrl], xml);
	if (result.status !== 0) throw new Error(`sfeed exited with ${result.status}: ${result.stderr}`);
	return result.stdout
		.split("\n")
		.filter((line) => line !== "")
		.map((line) => {
			const fields = line.split("\t");
			return {
				timestamp: fields[0] ?? "",
				title: fields[1] ?? "",
				link: fields[2] ?? "",
				id: fields[5] ?? "",
				author: fields[6] ?? "",
				category: fields[8] ?? "",
			};
		});
}

/** `xmllint --noout -`: exit 0 when the document is well-formed. */
export function xmllint(xml: string): { ok: boolean; errors: string } {
	requireTool("xmllint");
	const result = run("xmllint", ["--noout", "-"], xml);
	return { ok: result.status === 0, errors: result.stderr.trim() };
}

/**
 * Headless newsboat: reloads `urls` into a private cache, then counts the items it stored per feed by reading
 * its SQLite cache with python3. Optional: newsboat is not in the CI package list.
 */
export function newsboatItemCounts(urls: string[]): Map<string, number> {
	const dir = mkdtempSync(path.join(os.tmpdir(), "pressroom-newsboat-"));
	try {
		const urlsFile = path.join(dir, "urls");
		const configFile = path.join(dir, "config");
		const cacheFile = path.join(dir, "cache.db");
		writeFileSync(urlsFile, `${urls.join("\n")}\n`);
		writeFileSync(configFile, "reload-threads 1\ndownload-timeout 20\n");
		const env = { ...childEnv, HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, XDG_CACHE_HOME: dir };
		const reload = spawnSync("newsboat", ["-x", "reload", "-u", urlsFile, "-C", configFile, "-c", cacheFile], {
			env,
			encoding: "utf8",
			timeout: 60_000,
		});
		if (reload.status !== 0) throw new Error(`newsboat -x reload exited with ${reload.status}: ${reload.stderr}${reload.stdout}`);
		const query = spawnSync(
			PYTHON,
			[
				"-c",
				"import json,sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(json.dumps(dict(c.execute('SELECT feedurl, COUNT(*) FROM rss_item GROUP BY feedurl').fetchall())))",
				cacheFile,
			],
			{ encoding: "utf8" },
		);
		if (query.status !== 0) throw new Error(`reading newsboat's cache failed: ${query.stderr}`);
		return new Map(Object.entries(JSON.parse(query.stdout) as Record<string, number>));
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
