/**
 * Endpoint signing secrets, as Standard Webhooks defines them: 24–64 random bytes, base64-encoded and shown
 * with a `whsec_` prefix; the HMAC key is the decoded bytes, not the text.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
 */

export const SECRET_PREFIX = "whsec_";
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;
/** Svix and the reference libraries generate 32 bytes; so do we. */
export const GENERATED_SECRET_BYTES = 32;

export type ParsedSecret = { ok: true; key: Uint8Array } | { ok: false; reason: string };

/** A secret that {@link parseSecret} refused; thrown only where a bad secret is a programming error. */
export class InvalidSecretError extends Error {
	override readonly name = "InvalidSecretError";
	constructor(readonly reason: string) {
		super(`Invalid webhook secret: ${reason}`);
	}
}

/** A fresh `whsec_…` secret from the platform CSPRNG. */
export function generateSecret(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(GENERATED_SECRET_BYTES));
	return SECRET_PREFIX + encodeBase64(bytes);
}

/**
 * Checks a stored or supplied secret and decodes its key. Only canonical, padded standard base64 is accepted:
 * the reference receiver (`standardwebhooks`, via @stablelib/base64) decodes exactly that, and a secret that
 * we could sign with but a receiver could not decode would fail every delivery silently.
 */
export function parseSecret(secret: string): ParsedSecret {
	if (!secret.startsWith(SECRET_PREFIX)) return { ok: false, reason: `must start with "${SECRET_PREFIX}"` };
	const encoded = secret.slice(SECRET_PREFIX.length);
	if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
		return { ok: false, reason: "must be standard base64 (A–Z, a–z, 0–9, +, /, with = padding) after the prefix" };
	}
	const key = decodeBase64(encoded);
	if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
		return { ok: false, reason: `must decode to ${MIN_SECRET_BYTES}–${MAX_SECRET_BYTES} bytes, got ${key.length}` };
	}
	return { ok: true, key };
}

/** The WebCrypto HMAC-SHA256 key for a secret; sign-only and non-extractable. */
export async function importSigningKey(secret: string): Promise<CryptoKey> {
	const parsed = parseSecret(secret);
	if (!parsed.ok) throw new InvalidSecretError(parsed.reason);
	return crypto.subtle.importKey("raw", parsed.key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

export function encodeBase64(bytes: Uint8Array): string {
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary);
}

function decodeBase64(encoded: string): Uint8Array {
	const binary = atob(encoded);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}
