import type { SiteIdentity } from "./channels";
import { authorFeedPaths, authorPagePath, feedPaths, termPagePath } from "./document-paths";
import type { TermCount } from "./pages/pages";
import { element, writeXmlDocument, type XmlElement } from "./xml-writer";

/*
 * OPML 2.0 (http://opml.org/spec2.opml), the subscription-list form (§ "Subscription lists"): one outline per
 * feed with type="rss" (the spec's word for any feed), text, title, xmlUrl and htmlUrl. Feeds are grouped in
 * outlines ("Tags", "Authors"), which readers such as Miniflux and NetNewsWire import as folders. The Atom
 * URL of each feed is listed: one subscription per feed, not one per format.
 */

/** /feeds.opml: the site feed, then every tag and category feed, then every author feed. */
export function renderOpml(site: SiteIdentity, terms: readonly TermCount[], authors: readonly TermCount[]): string {
	return writeXmlDocument(
		element("opml", { version: "2.0" }, [
			element("head", {}, [
				element("title", {}, `${site.title}: feeds`),
				element("ownerName", {}, site.author.name),
				element("docs", {}, "http://opml.org/spec2.opml"),
			]),
			element("body", {}, [
				feedOutline(site.title, `${site.url}${feedPaths().atom}`, `${site.url}/`),
				group(
					"Tags",
					terms.map((term) => feedOutline(`${site.title}: ${term.display}`, `${site.url}${feedPaths(term.normalized).atom}`, `${site.url}${termPagePath(term.normalized)}`)),
				),
				group(
					"Authors",
					authors.map((author) =>
						feedOutline(`${site.title}: ${author.display}`, `${site.url}${authorFeedPaths(author.normalized).atom}`, `${site.url}${authorPagePath(author.normalized)}`),
					),
				),
			]),
		]),
	);
}

function feedOutline(title: string, xmlUrl: string, htmlUrl: string): XmlElement {
	return element("outline", { type: "rss", text: title, title, xmlUrl, htmlUrl });
}

function group(text: string, outlines: XmlElement[]): XmlElement | undefined {
	return outlines.length === 0 ? undefined : element("outline", { text }, outlines);
}
