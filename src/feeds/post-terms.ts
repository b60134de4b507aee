import type { Post } from "../content/post";
import { stripXmlForbidden } from "./xml-text";

/** A post's tags, then its categories, cleaned, without empties or repeats: one label list for every format. */
export function postTerms(post: Post): string[] {
	const terms = [...post.tags, ...post.categories].map(stripXmlForbidden).filter((term) => term !== "");
	return [...new Set(terms)];
}
