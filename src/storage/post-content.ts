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
 * The bytes cross D1's binding as hex text, not as BLOB values: the binding sends a BLOB as a JSON array of
 * numbers both ways (workerd's d1-api.ts), which costs the Worker about 30 µs a post to read and 55 µs to write
 * (Node, the bench's posts), where text costs 4. Writes bind hex and store `unhex(?)`; reads select
 * {@link postColumns}, which hex-encodes a BLOB behind a `*` (never the first character of JSON or of base64).
 * workerd's node:zlib (nodejs_compat) is native and synchronous: tens of microseconds a post.
 *
 * Rows written before keep their formats and are read as before: `post` as JSON text holding every field (with
 * the content too before 0019), `content` as base64 text (0019) or NULL.
 */
export interface PackedPost {
	/** Every field but the content, as JSON text: staged_objects keeps it for the commit's SQL (expires, media, aliases). */
	json: string;
	/** The `post` column, as hex for `unhex(?)`: the fields the columns do not hold, compressed. */
	fieldsHex: string;
	/** The `content` column, as hex for `unhex(?)`: the content HTML, compressed. */
	contentHex: string;
}

/** A BLOB as {@link postColumns} reads it (`*` and hex), or as D1 returns one selected bare (numbers, or a buffer). */
export type StoredBytes = string | number[] | ArrayBuffer | ArrayBufferView;

/** What a posts row gives to rebuild its post: select it with {@link postColumns}. */
export interface PostRow {
	key: string;
	etag: string;
	id: string;
	slug: string;
	published_at: string;
	updated_at: string;
	draft: number;
	/** JSON text (rows before migrations/0020) or the packed fields. */
	post: StoredBytes;
	/** Base64 text (0019), the packed content, or null (before 0019, or not selected). */
	content?: StoredBytes | null;
}

const ROW_COLUMNS = ["key", "etag", "id", "slug", "published_at", "updated_at", "draft"] as const;
/** The prefix that marks a BLOB read as hex; JSON starts with `{` and base64 has no `*`. */
const HEX_MARK = "*";

/** A BLOB column as hex text behind {@link HEX_MARK}, any other value as it is (text rows from before 0020). */
const bytesAsText = (column: string) => `CASE typeof(${column}) WHEN 'blob' THEN '${HEX_MARK}' || hex(${column}) ELSE ${column} END`;

/** The columns of a {@link PostRow} for a SELECT, prefixed by `table` ("p" → "p.key, …"); `content` only when asked. */
export function postColumns(table?: string, options: { content: boolean } = { content: true }): string {
	const prefix = table ? `${table}.` : "";
	const packed = ["post", ...(options.content ? ["content"] : [])].map((column) => `${bytesAsText(prefix + column)} AS ${column}`);
	return [...ROW_COLUMNS.map((column) => prefix + column), ...packed].join(", ");
}

/** The names {@link postColumns} selects under (without `content`), for a query over a subquery that selected them. */
export const POST_COLUMN_NAMES = [...ROW_COLUMNS, "post"].join(", ");

/** A parsed post as its row stores it. */
export function packPost(post: Post): PackedPost {
	const { contentHtml, ...listed } = post;
	const { key: _key, etag: _etag, id: _id, slug: _slug, published: _published, updated: _updated, draft: _draft, ...fields } = listed;
	return { json: JSON.stringify(listed), fieldsHex: deflateToHex(JSON.stringify(fields)), contentHex: deflateToHex(contentHtml) };
}

/** The post a row holds, with its content (a row read without `content` from before 0019 still has it in its JSON). */
export function unpackPost(row: PostRow): Post {
	const fields = isText(row.post) ? (JSON.parse(row.post) as Post) : { ...columnsOf(row), ...(JSON.parse(inflate(row.post)) as Post) };
	if (row.content !== undefined && row.content !== null) fields.contentHtml = inflate(isText(row.content) ? Buffer.from(row.content, "base64") : row.content);
	return fields;
}

/** The post a row holds as a list shows it: without the content, whether or not the row was read with it. */
export function unpackListed(row: PostRow): ListedPost {
	return listedOf(unpackPost({ ...row, content: null }));
}

/** A post as a list shows it. */
export function listedOf(post: Post | ListedPost): ListedPost {
	const { contentHtml: _content, ...listed } = post as Post;
	return listed;
}

function columnsOf(row: PostRow): Pick<Post, "key" | "etag" | "id" | "slug" | "published" | "updated" | "draft"> {
	return { key: row.key, etag: row.etag, id: row.id, slug: row.slug, published: row.published_at, updated: row.updated_at, draft: row.draft === 1 };
}

/** Text written before migrations/0020 (JSON, or base64), not a packed BLOB. */
const isText = (value: StoredBytes): value is string => typeof value === "string" && !value.startsWith(HEX_MARK);

function deflateToHex(text: string): string {
	return deflateRawSync(Buffer.from(text, "utf8")).toString("hex");
}

function inflate(bytes: StoredBytes | Buffer): string {
	return inflateRawSync(toBuffer(bytes)).toString("utf8");
}

function toBuffer(bytes: StoredBytes | Buffer): Buffer {
	if (typeof bytes === "string") return Buffer.from(bytes.slice(HEX_MARK.length), "hex");
	if (Array.isArray(bytes)) return Buffer.from(bytes);
	if (bytes instanceof ArrayBuffer) return Buffer.from(bytes);
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
