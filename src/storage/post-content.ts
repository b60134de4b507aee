import { Buffer } from "node:buffer";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Post } from "../content/post";

/**
 * How a post is kept in its D1 row (migrations/0019_post_content.sql): its fields as JSON in `post`, and its content
 * HTML apart in `content`, DEFLATE-compressed (RFC 1951) and base64-encoded. The content is three quarters of a
 * post's JSON and is stored in about half its bytes (the bench's posts: 3.2 KB of HTML, 1.5 KB stored), and the
 * lists (home, tags, the HTML pages) read the JSON alone. Text, not a BLOB: D1 and its local simulator have
 * disagreed on how BLOBs are bound and returned (arrays of numbers or ArrayBuffers, cloudflare/workers-sdk#2527);
 * text avoids the question.
 *
 * workerd's node:zlib (nodejs_compat) is native and synchronous: about 26 µs a post to pack and 10 µs to unpack
 * (measured in Node 22, a 3.7 KB post).
 */
export interface PackedPost {
	json: string;
	content: string;
}

/** A parsed post as its row stores it. */
export function packPost(post: Post): PackedPost {
	const { contentHtml, ...fields } = post;
	return { json: JSON.stringify(fields), content: Buffer.from(deflateRawSync(Buffer.from(contentHtml, "utf8"))).toString("base64") };
}

/**
 * The post a row holds. `content` null: a row written before migrations/0019 (its JSON has the content), or a
 * column a list query did not select (the post then has no content, as a ListedPost).
 */
export function unpackPost<T = Post>(json: string, content: string | null | undefined): T {
	const fields = JSON.parse(json) as Record<string, unknown>;
	if (typeof content === "string") fields.contentHtml = inflateRawSync(Buffer.from(content, "base64")).toString("utf8");
	return fields as T;
}
