import type { FeedFormat } from "./document-paths";
import type { FeedHistory } from "./feed-input";

/** RFC 5005 §4: the namespace of fh:archive. */
export const FEED_HISTORY_NAMESPACE = "http://purl.org/syndication/history/1.0";

/** The RFC 5005 links of one format's document, older archive first; none for a feed without archives. */
export function historyLinks(history: FeedHistory | undefined, format: FeedFormat): { rel: string; href: string }[] {
	if (history === undefined) return [];
	return [
		history.current ? { rel: "current", href: history.current[format] } : undefined,
		history.prev ? { rel: "prev-archive", href: history.prev[format] } : undefined,
		history.next ? { rel: "next-archive", href: history.next[format] } : undefined,
	].filter((link) => link !== undefined);
}
