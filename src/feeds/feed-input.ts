import type { Author } from "../content/post";

/** What every feed format says about itself; posts come separately. */
export interface FeedChannel {
	title: string;
	description: string;
	siteUrl: string;
	/** RFC 5646 language tag, e.g. "en". */
	language: string;
	/** Credited on the feed, and on every entry that names no author of its own. */
	author: Author;
	/** absolute self URLs per format */
	links: { rss: string; atom: string; json: string; html: string };
}
