/**
 * An instant as ISO 8601 in whole seconds: what Last-Modified can carry (RFC 9110 §5.6.7 has no fractions), and the
 * one form every writer of a stored modification time uses, so a listing, a read and a notification agree on a row.
 */
export function wholeSecondsIso(instant: Date): string {
	return new Date(Math.floor(instant.getTime() / 1000) * 1000).toISOString();
}
