import type { Post } from "./post";

/** Longer terms are kept on the post but get no feed: no reader types a 200-character tag into a URL. */
export const MAX_TERM_LENGTH = 100;

/** A post's label as the catalog indexes it: what it was written as, and the form it is matched and linked by. */
export interface PostTerm {
	kind: "tag" | "category";
	term: string;
	normalized: string;
}

/**
 * The one normalisation for matching terms and building their URLs (docs/terms.md): Unicode NFC, white
 * space trimmed and collapsed, then lower case (locale-independent). "Rust", "rust" and "RUST" are one
 * term; "C++" and "c++" too; "é" written precomposed or decomposed is the same. Undefined when the term
 * has no feed: empty, too long, or holding control characters.
 */
export function normalizeTerm(term: string): string | undefined {
	// C0 (tab and newline too), DEL and C1 controls: never part of a label, never allowed into a URL or a D1 lookup.
	if (/[\u0000-\u001F\u007F-\u009F]/u.test(term)) return undefined;
	const normalized = term.normalize("NFC").trim().replace(/\s+/gu, " ").toLowerCase();
	if (normalized === "" || [...normalized].length > MAX_TERM_LENGTH) return undefined;
	return normalized;
}

/** The URL path segment of a normalised term: percent-encoded UTF-8, so `/`, `+`, `?`, `#` and spaces are data. */
export function termSegment(normalized: string): string {
	return encodeURIComponent(normalized);
}

/**
 * Reads a term from a request path segment, however it was encoded (`C++`, `c%2B%2B`, `%C3%A9t%C3%A9`):
 * percent-decoded, then normalised. Undefined for malformed percent-encoding or a term that has no feed.
 */
export function termFromSegment(segment: string): string | undefined {
	if (segment.length > MAX_TERM_LENGTH * 12) return undefined;
	let decoded: string;
	try {
		decoded = decodeURIComponent(segment);
	} catch {
		return undefined;
	}
	return normalizeTerm(decoded);
}

/** A post's tags and categories with their normalised forms; a term written twice in one kind counts once. */
export function postTermRows(post: Pick<Post, "tags" | "categories">): PostTerm[] {
	const rows: PostTerm[] = [];
	const seen = new Set<string>();
	for (const [kind, terms] of [
		["tag", post.tags],
		["category", post.categories],
	] as const) {
		for (const term of terms) {
			const normalized = normalizeTerm(term);
			if (normalized === undefined || seen.has(`${kind}\u0000${normalized}`)) continue;
			seen.add(`${kind}\u0000${normalized}`);
			rows.push({ kind, term, normalized });
		}
	}
	return rows;
}

/** A post's authors as index rows [name, normalized]: normalised like terms, so "Ada" and "ada " are one feed. */
export function postAuthorRows(post: Pick<Post, "authors">): [string, string][] {
	const rows = new Map<string, string>();
	for (const { name } of post.authors) {
		const normalized = normalizeTerm(name);
		if (normalized !== undefined && !rows.has(normalized)) rows.set(normalized, name);
	}
	return [...rows].map(([normalized, name]) => [name, normalized]);
}
