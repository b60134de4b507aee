import { readAliases } from "./aliases";
import { readAuthors } from "./authors";
import { zoneFor } from "./dates";
import { entryId } from "./entry-id";
import { readDraft, readTerms, readText } from "./fields";
import { splitFrontMatter } from "./front-matter";
import { readAttachments } from "./attachments";
import { absoluteUrl, linkBaseFor, mediaKeyOf } from "./links";
import { describeError } from "../shared";
import { renderInlineMarkdown, renderMarkdown } from "./markdown";
import { readPostDates } from "./post-dates";
import type { ContentSettings, ParseOutcome, Post, StoredObject } from "./post";
import { PostProblem, quote } from "./problem";
import { fileStem, normalizeSlug } from "./slug";
import { htmlToText } from "./sanitize";
import { SUMMARY_LENGTH, summaryFromText } from "./summary";
import { decodePostText } from "./text";

/**
 * One stored object -> a post ready to render, or the reason it cannot be one. Never throws:
 * the sync records the error for this key and carries on with the others.
 */
export function parsePost(object: StoredObject, settings: ContentSettings): ParseOutcome {
	try {
		return { ok: true, post: buildPost(object, settings) };
	} catch (error) {
		const reason = error instanceof PostProblem ? error.message : `could not be parsed: ${describeError(error, { maxLength: 200 })}`;
		return { ok: false, error: { key: object.key, reason } };
	}
}

function buildPost(object: StoredObject, settings: ContentSettings): Post {
	const { shape, data, body, bodyLine, hint } = splitFrontMatter(decodePostText(object.bytes));
	const missing = (field: string) =>
		new PostProblem(`${field} is missing${hint ? ` (${hint})` : shape === "none" ? " (the post has no front matter)" : ""}`);

	const title = readText(data.get("title"), "title");
	if (title === undefined) throw missing("title");

	const slugText = readText(data.get("slug"), "slug");
	const slug = slugText === undefined ? normalizeSlug(fileStem(object.key), "file name") : normalizeSlug(slugText, "slug");
	const siteUrl = settings.siteUrl.replace(/\/+$/, "");
	const links = linkBaseFor(siteUrl, slug, object.key);

	const id = entryId(object.key, data.get("id"), settings.idAuthority);

	const { published, updated, expires } = readPostDates(data, object.key, zoneFor(settings.timeZone), missing);

	const content = renderMarkdown(body, links, bodyLine, SUMMARY_LENGTH);
	const contentHtml = content.html;
	const summarySource = readText(data.get("summary"), "summary") ?? readText(data.get("description"), "description");
	const summary = summarySource === undefined ? summaryFromText(content.text) : htmlToText(renderInlineMarkdown(summarySource));

	const post: Post = {
		key: object.key,
		etag: object.etag,
		id,
		slug,
		url: links.permalink,
		title,
		published,
		updated,
		authors: readAuthors(data.get("author"), data.get("authors"), settings.defaultAuthor),
		tags: readTerms(data.get("tags"), "tags"),
		// Pelican names one category per post, singular.
		categories: readTerms([...readTerms(data.get("categories"), "categories"), ...readTerms(data.get("category"), "category")], "categories"),
		summary,
		contentHtml,
		draft: readDraft(data),
		aliases: readAliases([data.get("aliases"), data.get("redirect_from")], `/posts/${slug}`),
	};
	if (expires !== undefined) post.expires = expires;
	const imageText = readText(data.get("image"), "image");
	if (imageText !== undefined) {
		const image = absoluteUrl(imageText, links, ["http", "https"]);
		if (image === undefined) throw new PostProblem(`image ${quote(imageText)} is not a usable http(s) URL`);
		post.image = image;
	}
	const attachments = readAttachments(data, links, post.image);
	if (attachments.length > 0) post.attachments = attachments;
	const media = new Set<string>();
	for (const url of [...content.urls, ...(post.image ? [post.image] : [])]) {
		const key = mediaKeyOf(url, siteUrl);
		if (key !== undefined) media.add(key);
	}
	for (const attachment of attachments) if (attachment.key !== undefined) media.add(attachment.key);
	if (media.size > 0) post.media = [...media].sort();
	return post;
}
