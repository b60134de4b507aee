/**
 * Deterministic, prefixed ids in the Svix style (`evt_…`, `msg_…`). Being derived from their inputs rather
 * than random, they survive a re-run of the sync or a re-enqueue: the same change never becomes two events,
 * and a receiver can dedupe on `webhook-id`.
 */

/** Crockford's base32, lower-case: no i, l, o, u, so ids read back unambiguously and contain no ".". */
const BASE32_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
/** 26 base32 characters carry 130 bits: ample against collisions, the same length as a ULID/KSUID body. */
export const ID_BODY_LENGTH = 26;

/** `prefix_` + the first 26 base32 characters of SHA-256 over the parts joined by newlines. */
export async function hashedId(prefix: string, parts: readonly string[]): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\n")));
	return `${prefix}_${encodeBase32(new Uint8Array(digest)).slice(0, ID_BODY_LENGTH)}`;
}

/** `prefix_` + 26 random base32 characters, for things that have no natural identity (e.g. a ping). */
export function randomId(prefix: string): string {
	return `${prefix}_${encodeBase32(crypto.getRandomValues(new Uint8Array(17))).slice(0, ID_BODY_LENGTH)}`;
}

function encodeBase32(bytes: Uint8Array): string {
	let out = "";
	let buffer = 0;
	let bits = 0;
	for (const byte of bytes) {
		buffer = (buffer << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out += BASE32_ALPHABET[(buffer >>> bits) & 31];
		}
		buffer &= (1 << bits) - 1;
	}
	if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
	return out;
}
