import type { Post } from "../content/post";
import { stripXmlForbidden } from "../content/xml-chars";

/**
 * A post's tags, then its categories, cleaned, without empties or repeats (ignoring case, as readers group
 * them: a tag "tooling" and a category "Tooling" are one label): one list for every format.
 */
export function postTerms(post: Post): string[] {
	const seen = new Set<string>();
	const terms: string[] = [];
	for (const term of [...post.tags, ...post.categories].map(stripXmlForbidden)) {
		const folded = term.toLowerCase();
		if (term === "" || seen.has(folded)) continue;
		seen.add(folded);
		terms.push(term);
	}
	return terms;
}
