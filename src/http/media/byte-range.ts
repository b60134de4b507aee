import type { ByteRange } from "../../storage/object-store";

/**
 * The one range a `Range` header asks of an object of `size` bytes (RFC 9110 §14.1.2): `bytes=a-b`, `bytes=a-`
 * or the suffix `bytes=-n`. "none" when there is no usable header (absent, another unit, several ranges, bad
 * syntax: the whole object is sent, as §14.2 allows), "unsatisfiable" when no byte of it exists (416).
 */
export function requestedRange(header: string | null, size: number): ByteRange | "none" | "unsatisfiable" {
	if (header === null) return "none";
	const match = /^bytes=(\d*)-(\d*)$/i.exec(header.trim());
	if (!match) return "none";
	const [, first, last] = match as unknown as [string, string, string];
	if (first === "" && last === "") return "none";
	if (first === "") {
		const suffix = Number(last);
		if (suffix === 0 || size === 0) return "unsatisfiable";
		const length = Math.min(suffix, size);
		return { offset: size - length, length };
	}
	const offset = Number(first);
	const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
	if (last !== "" && Number(last) < offset) return "none";
	if (offset >= size) return "unsatisfiable";
	return { offset, length: end - offset + 1 };
}

/**
 * Whether `If-Range` lets the range apply (RFC 9110 §13.1.5): absent, or naming exactly this version, by a
 * strong ETag or by the Last-Modified date. Otherwise the client's partial copy is outdated: send it all.
 */
export function rangeStillApplies(ifRange: string | null, etag: string, lastModifiedHttp: string): boolean {
	if (ifRange === null) return true;
	const value = ifRange.trim();
	if (value.startsWith('"') || value.startsWith("W/")) return value === etag;
	return value === lastModifiedHttp;
}
