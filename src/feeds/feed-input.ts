import type { Author } from "../content/post";

/** What every feed format says about itself; posts come separately. */
export interface FeedChannel {
	/** Permanent feed id (Atom <id>, RFC 4287 §4.2.6): like entry ids, it must survive a move of the site. */
	id: string;
	title: string;
	description: string;
	siteUrl: string;
	/** RFC 5646 language tag, e.g. "en". */
	language: string;
	/** Credited on the feed, and on every entry that names no author of its own. */
	author: Author;
	/** WebSub hubs that push this feed (https://www.w3.org/TR/websub/#discovery); none leaves discovery out. */
	hubs: readonly string[];
	/** Square image for the feed (JSON Feed `icon`, Atom `logo`, RSS `<image>`): PNG, JPEG or GIF for RSS. */
	icon?: string;
	/** Small square image for lists of feeds (JSON Feed `favicon`, Atom `icon`). */
	favicon?: string;
	/** CSS for XML that makes RSS and Atom readable in a browser (`<?xml-stylesheet?>`, docs/design.md). */
	stylesheet?: string;
	/** Absolute URLs: each format's self link, and the HTML page the feed belongs to. */
	links: FeedLinks & { html: string };
	/** RFC 5005 archived feeds (https://www.rfc-editor.org/rfc/rfc5005#section-4); absent for feeds without archives. */
	history?: FeedHistory;
}

/** One document's absolute URL in each format. */
export interface FeedLinks {
	rss: string;
	atom: string;
	json: string;
}

/**
 * Where a document sits among the archives: `archive` marks an archive document (fh:archive), `prev` is the
 * next older archive (prev-archive; JSON Feed's next_url), `next` the next newer one (next-archive), `current`
 * the subscription feed.
 */
export interface FeedHistory {
	archive: boolean;
	prev?: FeedLinks;
	next?: FeedLinks;
	current?: FeedLinks;
}
