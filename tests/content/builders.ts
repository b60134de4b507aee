import { expect } from "vitest";
import { parsePost } from "../../src/content";
import type { ContentSettings, ParseOutcome, Post, StoredObject } from "../../src/content";

/** A post with `---` fences (Jekyll/Hugo shape). */
export function fenced(frontMatter: string[], body = "Some body text."): string {
	return `---\n${frontMatter.join("\n")}\n---\n\n${body}\n`;
}

/** A post whose front matter is a fence-less block ending at the first blank line (MultiMarkdown/Pelican shape). */
export function fenceless(frontMatter: string[], body = "Some body text."): string {
	return `${frontMatter.join("\n")}\n\n${body}\n`;
}

/** The front matter every valid post needs, plus `extra` lines. */
export function minimal(...extra: string[]): string[] {
	return ["title: A post", "date: 2026-05-01 12:00:00+00:00", ...extra];
}

export function storedObject(content: string | Uint8Array, key = "posts/a-post.md"): StoredObject {
	return {
		key,
		bytes: typeof content === "string" ? new TextEncoder().encode(content) : content,
		etag: "etag-1",
		lastModified: new Date("2026-05-02T00:00:00Z"),
	};
}

export function settings(overrides: Partial<ContentSettings> = {}): ContentSettings {
	return {
		siteUrl: "https://journal.example",
		timeZone: "UTC",
		defaultAuthor: { name: "Site Editors" },
		idAuthority: "journal.example,2026",
		...overrides,
	};
}

export function parse(content: string | Uint8Array, options: { key?: string; settings?: Partial<ContentSettings> } = {}): ParseOutcome {
	return parsePost(storedObject(content, options.key), settings(options.settings));
}

/** Parses and fails the test with the parser's reason when the post is rejected. */
export function parseOk(content: string | Uint8Array, options: { key?: string; settings?: Partial<ContentSettings> } = {}): Post {
	const outcome = parse(content, options);
	if (!outcome.ok) expect.fail(`expected a post, got error: ${outcome.error.reason}`);
	return outcome.post;
}

/** Parses and returns the rejection reason, failing the test when the post was accepted. */
export function parseError(content: string | Uint8Array, options: { key?: string; settings?: Partial<ContentSettings> } = {}): string {
	const outcome = parse(content, options);
	if (outcome.ok) expect.fail(`expected an error, got a post titled ${JSON.stringify(outcome.post.title)}`);
	expect(outcome.error.key).toBe(options.key ?? "posts/a-post.md");
	return outcome.error.reason;
}
