export { renderAtom } from "./atom";
export type { FeedChannel } from "./feed-input";
export { type JsonFeedAuthor, type JsonFeedItem, jsonFeedItem, renderJsonFeed } from "./json-feed";
export { feedUpdated } from "./post-order";
export { renderRss } from "./rss";
export { stripXmlForbidden } from "../content/xml-chars";
