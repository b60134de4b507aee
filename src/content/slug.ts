import { PostProblem, quote } from "./problem";

const MAX_SLUG_LENGTH = 200;

/** The key's last segment without its suffix: `2026/wal-notes.md` -> `wal-notes`. */
export function fileStem(key: string): string {
	return stripSuffix(key.slice(key.lastIndexOf("/") + 1));
}

/** Removes one file-name suffix (`.md`, `.markdown`, `.txt`, ...) from the end of a key or file name. */
export function stripSuffix(key: string): string {
	return key.replace(/(?<=[^/])\.[A-Za-z0-9]{1,10}$/, "");
}

/**
 * Lower-case, URL-safe `[a-z0-9-]`: accents dropped (é -> e), every other run of characters becomes one hyphen.
 * A value with nothing left is an error: it would give the post no address.
 */
export function normalizeSlug(value: string, source: string): string {
	const slug = value
		.normalize("NFKD")
		.replace(/[\u0300-\u036f]/g, "")
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "");
	if (slug === "") throw new PostProblem(`${source} ${quote(value)} has no letters or digits to make a URL slug from`);
	if (slug.length > MAX_SLUG_LENGTH) throw new PostProblem(`${source} is longer than ${MAX_SLUG_LENGTH} characters`);
	return slug;
}
