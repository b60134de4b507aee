/** Why one object cannot become a post; thrown by the helpers, turned into a `PostError` value by `parsePost`. */
export class PostProblem extends Error {
	override readonly name = "PostProblem";
}

/** Shows a value in an error message: strings quoted, other values as JSON, shortened to 80 characters. */
export function quote(value: unknown): string {
	if (typeof value !== "string") return shorten(safeJson(value));
	return JSON.stringify(shorten(value));
}

function shorten(text: string): string {
	return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}
