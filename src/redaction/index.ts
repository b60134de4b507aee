// Its own folder because every layer needs it: config problems, store errors, sync runs, HTTP errors and logs may quote a URL.

/**
 * Replaces the user name and password a URL may carry (`scheme://user:pass@host`, also when the URL is malformed,
 * e.g. `https//user:pass@host` or a bare `user:pass@host`) with `***`, wherever it appears in `text`. Settings such
 * as S3_ENDPOINT may hold credentials, and messages quoting them end up in /api/status, HTTP answers and logs.
 * The userinfo ends at the last `@` before the host, as the WHATWG URL parser reads it.
 */
export function redactCredentials(text: string): string {
	return text
		.replace(/\/\/[^\s/?#"'<>\\]*@/g, "//***@")
		.replace(/(^|[\s"'(<=])[^\s/?#"'<>()@:=]+:[^\s/?#"'<>\\]*@/g, "$1***@");
}
