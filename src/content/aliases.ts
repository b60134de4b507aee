import { PostProblem, quote } from "./problem";

/** More old addresses than any real post has had; bounds the redirects one post can claim. */
const MAX_ALIASES = 100;

/** Any origin: only the path the URL parser makes of an alias is kept. */
const PATH_PARSER_BASE = "https://site.invalid";

/**
 * Old addresses of a post, to be redirected to it: Hugo's `aliases` (https://gohugo.io/content-management/urls/#aliases)
 * and Jekyll's `redirect_from` (jekyll-redirect-from). Each becomes a site-relative path (relative to SITE_URL):
 * `/2010/old.html` stays as written, `old-name` is resolved against the posts' section `/posts/` as Hugo
 * resolves it against the page's directory. Dot segments are resolved and other characters percent-encoded by
 * the URL parser, after Unicode NFC. URLs, `?` and `#` and the site root are refused; the post's own path is left out.
 */
export function readAliases(values: readonly unknown[], ownPath: string): string[] {
	const aliases = new Set<string>();
	for (const value of values) {
		for (const written of aliasList(value)) {
			const path = aliasPath(written);
			if (path !== ownPath) aliases.add(path);
		}
	}
	if (aliases.size > MAX_ALIASES) throw new PostProblem(`aliases lists ${aliases.size} paths; at most ${MAX_ALIASES} are read`);
	return [...aliases];
}

function aliasList(value: unknown): string[] {
	if (value === undefined || value === null) return [];
	const items = Array.isArray(value) ? value : [value];
	return items.flatMap((item) => {
		if (item === undefined || item === null) return [];
		if (typeof item !== "string") throw new PostProblem(`aliases must be paths on this site, not ${quote(item)}`);
		const trimmed = item.trim();
		return trimmed === "" ? [] : [trimmed];
	});
}

function aliasPath(written: string): string {
	if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(written) || /^[/\\]{2}/.test(written)) {
		throw new PostProblem(`alias ${quote(written)} must be a path on this site, such as /2010/old-post.html, not a URL`);
	}
	if (/[?#\\\u0000-\u001F\u007F]/.test(written)) {
		throw new PostProblem(`alias ${quote(written)} must be a plain path, without ?, #, backslashes or control characters`);
	}
	// NFC, as ids are (docs/ids.md): one spelling of "café" whatever the editor wrote.
	const normalized = written.normalize("NFC");
	const absolute = normalized.startsWith("/") ? normalized : `/posts/${normalized}`;
	const path = new URL(absolute, PATH_PARSER_BASE).pathname;
	if (path === "/") throw new PostProblem(`alias ${quote(written)} would redirect the site's home page`);
	return path;
}
