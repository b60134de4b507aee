/** The site settings the e2e suite checks against, read from wrangler.toml [vars] (never from the Worker). */
import { wranglerTomlVar } from "../../../scripts/lib/dev-server.mjs";

export const site = {
	title: wranglerTomlVar("SITE_TITLE") ?? "",
	language: wranglerTomlVar("SITE_LANGUAGE") ?? "en",
	itemCount: Number(wranglerTomlVar("FEED_ITEM_COUNT") ?? "20"),
};

export const FEEDS = {
	rss: { name: "RSS 2.0", path: "/rss.xml", contentType: "application/rss+xml; charset=utf-8" },
	atom: { name: "Atom 1.0", path: "/atom.xml", contentType: "application/atom+xml; charset=utf-8" },
	json: { name: "JSON Feed 1.1", path: "/feed.json", contentType: "application/feed+json; charset=utf-8" },
} as const;

export interface Fetched {
	url: string;
	status: number;
	headers: Headers;
	body: string;
}

/** One request from Node's own client; the body is read whole. */
export async function request(url: string, init: RequestInit = {}): Promise<Fetched> {
	const response = await fetch(url, { redirect: "manual", ...init, signal: AbortSignal.timeout(30_000) });
	return { url, status: response.status, headers: response.headers, body: await response.text() };
}

/** Calls `load` once, on first use, and returns the same promise after that. */
export function lazy<T>(load: () => T | Promise<T>): () => Promise<T> {
	let value: Promise<T> | undefined;
	return () => (value ??= Promise.resolve().then(load));
}

/** The attributes of every <link> element in an HTML page (lower-cased names). */
export function linkElements(html: string): Record<string, string>[] {
	return [...html.matchAll(/<link\b([^>]*)>/gi)].map((match) => {
		const attributes: Record<string, string> = {};
		for (const attribute of (match[1] ?? "").matchAll(/([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
			attributes[(attribute[1] ?? "").toLowerCase()] = attribute[2] ?? attribute[3] ?? attribute[4] ?? "";
		}
		return attributes;
	});
}
