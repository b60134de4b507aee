export interface DescribeErrorOptions {
	/** Prefix the error's name unless it is the plain "Error", e.g. "TypeError: …" (for run records). */
	name?: boolean;
	/** Append the message of an Error `cause`, e.g. "fetch failed (connect ECONNREFUSED 127.0.0.1:9)". */
	cause?: boolean;
	/** Keep only the first line of each message: servers and parsers quote whole documents in theirs. */
	firstLine?: boolean;
	/** Cut a longer text to this many characters, ending in "…". */
	maxLength?: number;
}

/**
 * What went wrong, in words, for a log line, a run record or an API error: the message of an Error (never
 * its stack), or the thrown value as a string. The one place every layer and script formats a caught value.
 */
export function describeError(error: unknown, options: DescribeErrorOptions = {}): string {
	const line = (message: string): string => (options.firstLine ? (message.split("\n")[0] ?? "").trim() : message);
	let text: string;
	if (error instanceof Error) {
		text = options.name && error.name !== "Error" ? `${error.name}: ${line(error.message)}` : line(error.message);
		if (options.cause && error.cause instanceof Error) text += ` (${line(error.cause.message)})`;
	} else {
		text = line(String(error));
	}
	return options.maxLength === undefined ? text : shorten(text, options.maxLength);
}

/** `text` cut to `maxLength` characters, ending in "…" when it was longer. */
export function shorten(text: string, maxLength: number): string {
	return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
