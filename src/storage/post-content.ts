import { Buffer } from "node:buffer";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { ListedPost, Post } from "../content/post";

/**
 * How a post is kept in its D1 row (migrations/0019 and 0020). The fields the row's own columns hold (key, etag,
 * id, slug, dates, draft) are not repeated; the other fields, as JSON, go DEFLATE-compressed (RFC 1951) into the
 * `post` column, and the content HTML, compressed apart, into `content`, both as BLOBs. Lists read `post` alone.
 *
 * Why so tight: SQLite fills 4 KB pages with whole rows, so a row of 2.7 KB (0019's: JSON text and base64 content)
 * takes a page to itself, and a row under 2 KB shares it. On the bench's posts (3.2 KB of HTML) a row is now about
 * 1.8 KB, two to a page: half the posts table, the largest part of D1's bytes per post (docs/design.md, Budgets).
 *
 * D1 binds a Uint8Array as a BLOB and returns a BLOB as an array of numbers (the local simulator as well); both
 * are accepted here, with ArrayBuffers. workerd's node:zlib (nodejs_compat) is native and synchronous: tens of
 * microseconds a post.
 *
 * Rows written before keep their formats and are read as before: `post` as JSON text holding every field (with
 * the content too before 0019), `content` as base64 text (0019) or NULL.
 */
export interface PackedPost {
	/** Every field but the content, as JSON text: staged_objects keeps it for the commit's SQL (expires, media, aliases). */
	json: string;
	/** The `post` column: the fields the columns do not hold, compressed. */
	fields: Uint8Array;
	content: Uint8Array;
}

/** A D1 value for a BLOB column as bound (Uint8Array) or as read (numbers, or a buffer). */
export type StoredBytes = number[] | ArrayBuffer | ArrayBufferView;

/** What a posts row gives to rebuild its post: select it with {@link postColumns}. */
export interface PostRow {
	key: string;
	etag: string;
	id: string;
	slug: string;
	published_at: string;
	updated_at: string;
	draft: number;
	post: string | StoredBytes;
	content?: string | StoredBytes | null;
}

const ROW_COLUMNS = ["key", "etag", "id", "slug", "published_at", "updated_at", "draft", "post"] as const;

/** The columns of a {@link PostRow} for a SELECT, prefixed by `table` ("p" → "p.key, …"); `content` only when asked. */
export function postColumns(table?: string, options: { content: boolean } = { content: true }): string {
	const prefix = table ? `${table}.` : "";
	return [...ROW_COLUMNS, ...(options.content ? ["content"] : [])].map((column) => prefix + column).join(", ");
}

/** A parsed post as its row stores it. */
export function packPost(post: Post): PackedPost {
	const { contentHtml, ...listed } = post;
	const { key: _key, etag: _etag, id: _id, slug: _slug, published: _published, updated: _updated, draft: _draft, ...fields } = listed;
	return { json: JSON.stringify(listed), fields: deflate(JSON.stringify(fields)), content: deflate(contentHtml) };
}

/** The post a row holds, with its content (a row read without `content` from before 0019 still has it in its JSON). */
export function unpackPost(row: PostRow): Post {
	const fields = typeof row.post === "string" ? (JSON.parse(row.post) as Post) : { ...columnsOf(row), ...(JSON.parse(inflate(row.post)) as Post) };
	if (row.content !== undefined && row.content !== null) fields.contentHtml = typeof row.content === "string" ? inflateRawSync(Buffer.from(row.content, "base64")).toString("utf8") : inflate(row.content);
	return fields;
}

/** The post a row holds as a list shows it: without the content, whether or not the row was read with it. */
export function unpackListed(row: PostRow): ListedPost {
	const { contentHtml: _content, ...listed } = unpackPost({ ...row, content: null });
	return listed;
}

function columnsOf(row: PostRow): Pick<Post, "key" | "etag" | "id" | "slug" | "published" | "updated" | "draft"> {
	return { key: row.key, etag: row.etag, id: row.id, slug: row.slug, published: row.published_at, updated: row.updated_at, draft: row.draft === 1 };
}

function deflate(text: string): Uint8Array {
	// A copy that owns its buffer: a view into zlib's could bind more than its own bytes wherever a binding reads `.buffer`.
	return new Uint8Array(deflateRawSync(Buffer.from(text, "utf8")));
}

function inflate(bytes: StoredBytes): string {
	return inflateRawSync(toBuffer(bytes)).toString("utf8");
}

function toBuffer(bytes: StoredBytes): Buffer {
	if (Array.isArray(bytes)) return Buffer.from(bytes);
	if (bytes instanceof ArrayBuffer) return Buffer.from(bytes);
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
