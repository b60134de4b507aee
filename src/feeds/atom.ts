import type { Author, Post } from "../content/post";
import { EMPTY_FEED_UPDATED, toRfc3339 } from "./dates";
import type { FeedChannel } from "./feed-input";
import { feedUpdated, newestFirst } from "./post-order";
import { postTerms } from "./post-terms";
import { atomText } from "./atom-text";
import { FEED_HISTORY_NAMESPACE, historyLinks } from "./feed-history";
import { element, plainTextElement, textElement, writeXmlDocument, type XmlElement } from "./xml-writer";

/*
 * Atom 1.0: RFC 4287, https://www.rfc-editor.org/rfc/rfc4287.
 *
 * Written by hand instead of with `feed` 6.0.0's atom1(), whose defects cannot be fixed from outside:
 * it always writes titles and summaries as type="html" (plain text with `<` or `&` is then mangled by
 * readers); it passes entry ids through new URL(), which rewrites a tag: URI (percent-encoding) and
 * throws on ids that are not URLs; it escapes `&` but not `<` in a category term, and feed's own
 * escaping of `&` rules out escaping `<` beforehand, so one term with `<` breaks the document; and
 * xml-js escapes only the first `]]>` of a CDATA section.
 */

/** An Atom 1.0 document: newest post first, titles and summaries as text constructs (atom-text.ts), full HTML content. */
export function renderAtom(channel: FeedChannel, posts: readonly Post[]): string {
	const history = channel.history;
	return writeXmlDocument(
		element("feed", { xmlns: "http://www.w3.org/2005/Atom", "xmlns:fh": history ? FEED_HISTORY_NAMESPACE : undefined, "xml:lang": channel.language }, [
			// The feed needs a permanent IRI of its own (RFC 4287 §4.2.6); its self URL is the one the channel has.
			textElement("id", channel.id),
			atomText("title", channel.title),
			atomText("subtitle", channel.description),
			textElement("updated", toRfc3339(feedUpdated(posts) ?? EMPTY_FEED_UPDATED)),
			element("link", { rel: "alternate", type: "text/html", href: channel.links.html }),
			element("link", { rel: "self", type: "application/atom+xml", href: channel.links.atom }),
			...historyLinks(history, "atom").map(({ rel, href }) => element("link", { rel, type: "application/atom+xml", href })),
			history?.archive ? element("fh:archive") : undefined,
			// WebSub discovery (https://www.w3.org/TR/websub/#discovery): the hubs that push this topic.
			...channel.hubs.map((hub) => element("link", { rel: "hub", href: hub })),
			// A feed-level author covers every entry that names none (RFC 4287 §4.1.1).
			atomAuthor(channel.author),
			textElement("generator", "Pressroom"),
			// RFC 4287 §4.2.5 and §4.2.8: icon is small and square (the favicon), logo larger.
			channel.favicon === undefined ? undefined : textElement("icon", channel.favicon),
			channel.icon === undefined ? undefined : textElement("logo", channel.icon),
			...newestFirst(posts).map(atomEntry),
		]),
		{ stylesheet: channel.stylesheet },
	);
}

/** https://www.rfc-editor.org/rfc/rfc4287#section-4.1.2 */
function atomEntry(post: Post): XmlElement {
	return element("entry", {}, [
		textElement("id", post.id),
		atomText("title", post.title),
		element("link", { rel: "alternate", type: "text/html", href: post.url }),
		// https://www.rfc-editor.org/rfc/rfc4287#section-4.2.7.2: "enclosure", with the stored object's length.
		...(post.attachments ?? []).map((file) =>
			element("link", { rel: "enclosure", type: file.type, length: file.length === undefined ? undefined : String(file.length), title: file.title, href: file.url }),
		),
		textElement("published", toRfc3339(post.published)),
		textElement("updated", toRfc3339(post.updated)),
		...post.authors.map(atomAuthor),
		...postTerms(post).map((term) => element("category", { term })),
		post.summary === "" ? undefined : atomText("summary", post.summary),
		post.contentHtml === "" ? undefined : textElement("content", post.contentHtml, { type: "html" }),
	]);
}

/** An author as a Person construct (RFC 4287 §3.2). */
function atomAuthor(person: Author): XmlElement {
	return element("author", {}, [
		plainTextElement("name", person.name),
		person.email ? textElement("email", person.email) : undefined,
		person.url ? textElement("uri", person.url) : undefined,
	]);
}
