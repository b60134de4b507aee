/** A person credited on a post; RSS needs an e-mail to name one (RSS 2.0 <author>), Atom and JSON Feed do not. */
export interface Author {
	name: string;
	email?: string;
	url?: string;
}

/** An object as read from the bucket: the only input the content layer needs. */
export interface StoredObject {
	key: string;
	bytes: Uint8Array;
	etag: string;
	lastModified: Date;
}

/** Site-wide settings the parser needs to resolve defaults, dates and links. */
export interface ContentSettings {
	/** Absolute base URL without a trailing slash, e.g. https://blog.example. */
	siteUrl: string;
	/** IANA zone for dates written without an offset. */
	timeZone: string;
	defaultAuthor: Author;
	/** RFC 4151 tagging entity, "authority,date", e.g. "example.org,2026". */
	idAuthority: string;
}

/**
 * A post as list pages show it (home, term, author and archive pages): everything but the content, which is most
 * of a stored post's bytes and which a list never shows, so the catalog does not read it for them.
 */
export type ListedPost = Omit<Post, "contentHtml">;

/** A parsed, sanitized post; every field is ready to render. Dates are ISO 8601 in UTC. */
export interface Post {
	key: string;
	etag: string;
	/** Permanent entry id (a tag: URI); see docs/ids.md. */
	id: string;
	slug: string;
	/** Absolute permalink: {siteUrl}/posts/{slug}. */
	url: string;
	title: string;
	published: string;
	updated: string;
	authors: Author[];
	tags: string[];
	categories: string[];
	/** Plain text, no markup. */
	summary: string;
	/** Sanitized HTML with absolute links. */
	contentHtml: string;
	/** Kept out of every feed: `draft: true`, `published: false` or `status: draft|hidden` (docs/front-matter.md). */
	draft: boolean;
	/** ISO 8601 UTC instant after which the post is no longer shown (Hugo's expiryDate); after `published`. */
	expires?: string;
	/** Old addresses to redirect here: site-relative paths (relative to SITE_URL) starting with "/", percent-encoded. */
	aliases: string[];
	/** Absolute URL of a lead image. */
	image?: string;
	/**
	 * Files offered with the post (RSS enclosure, Atom rel="enclosure", JSON Feed attachments): front matter
	 * `enclosure`, then `attachments`; when there are none, the lead image. Absent on posts parsed before media existed.
	 */
	attachments?: Attachment[];
	/** Keys of the objects beside the post (docs/ids.md) that it links, embeds or encloses, sorted; each should be media in the bucket. */
	media?: string[];
}

/** A file offered with a post. */
export interface Attachment {
	/** Absolute URL. */
	url: string;
	/** Set when the file is media in the bucket: its length and type then come from the stored object, at publish. */
	key?: string;
	title?: string;
	/** Bytes: from the stored object, or the front matter `length` of a file elsewhere; unknown otherwise. */
	length?: number;
	/** MIME type: from the stored object, or the front matter `type`, or the URL's extension. */
	type?: string;
}

/** Why one object could not become a post; the sync records it and carries on. */
export interface PostError {
	key: string;
	reason: string;
}

export type ParseOutcome = { ok: true; post: Post } | { ok: false; error: PostError };
