import type { Attachment, Post } from "../content/post";
import type { RenderInput } from "../feeds/publication";
import type { Media } from "../storage/media";

/**
 * Gives the attachments of the posts in `input` the length and type of the stored objects they name, and
 * leaves out those whose object is missing (a feed must not enclose a 404; /api/status names it instead).
 * The sync marks a post's documents stale when one of its objects changes, so this runs again then.
 */
export async function attachMediaMetadata(input: RenderInput, media: Media): Promise<RenderInput> {
	// Pages that are only HTML show no enclosures: no query for them.
	if (input.kind === "post" || input.kind === "home" || input.kind === "tags") return input;
	// An archive page's feeds list `feedPosts`, its HTML page `posts`: both get the stored lengths and types.
	const posts = input.kind === "archive" ? [...input.posts, ...input.feedPosts] : input.posts;
	const keys = posts.flatMap((post) => (post.attachments ?? []).flatMap((attachment) => (attachment.key === undefined ? [] : [attachment.key])));
	if (keys.length === 0) return input;
	const stored = await media.metadataOf(keys);
	const complete = (post: Post): Post => {
		if (post.attachments === undefined) return post;
		const attachments = post.attachments.flatMap((attachment): Attachment[] => {
			if (attachment.key === undefined) return [attachment];
			const object = stored.get(attachment.key);
			return object === undefined ? [] : [{ ...attachment, length: object.size, type: object.contentType }];
		});
		return { ...post, attachments };
	};
	if (input.kind === "archive") return { ...input, posts: input.posts.map(complete), feedPosts: input.feedPosts.map(complete) };
	return { ...input, posts: input.posts.map(complete) };
}
