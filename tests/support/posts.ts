/** Builders for post files in the two shapes Pressroom reads; each test makes its own. */
export interface PostFields {
	title?: string;
	slug?: string;
	id?: string | number;
	date?: string;
	lastmod?: string;
	author?: string;
	tags?: string[];
	categories?: string[];
	draft?: boolean;
	summary?: string;
	/** A media object beside the post (or a URL), enclosed in its feeds. */
	enclosure?: string;
}

/** Fenced YAML front matter, like a Hugo or Jekyll export. */
export function fencedPost(fields: PostFields, body = "A paragraph of body text.\n"): string {
	return `---\n${yamlLines(fields)}---\n\n${body}`;
}

/** The fence-less header block that ends at the first blank line (MultiMarkdown / Pelican style). */
export function headerBlockPost(fields: PostFields, body = "A paragraph of body text.\n"): string {
	return `${yamlLines(fields)}\n${body}`;
}

function yamlLines(fields: PostFields): string {
	const lines: string[] = [];
	for (const [name, value] of Object.entries(fields)) {
		if (value === undefined) continue;
		if (Array.isArray(value)) lines.push(`${name}:`, ...value.map((item) => `- ${JSON.stringify(item)}`));
		else lines.push(`${name}: ${typeof value === "string" ? JSON.stringify(value) : String(value)}`);
	}
	return `${lines.join("\n")}\n`;
}
