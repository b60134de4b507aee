/**
 * The admin page's session: a cookie holding `v1.<expires>.<session id>.<HMAC>`, never the token itself. The
 * HMAC key is derived from ADMIN_TOKEN (HKDF-SHA256), so changing the token ends every session. The CSRF
 * token is a second HMAC of the session id under the same key: one per session, nothing stored.
 * https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#signed-double-submit-cookie-recommended
 */

/** `__Host-`: the browser keeps it only if Secure, Path=/ and without Domain, so no subdomain can plant one. */
export const SESSION_COOKIE = "__Host-pressroom-admin";
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

const VERSION = "v1";
const encoder = new TextEncoder();

export interface Session {
	id: string;
	expiresAt: Date;
	csrfToken: string;
}

/** The signing key for sessions and CSRF tokens, derived from the admin token. */
export async function sessionKey(adminToken: string): Promise<CryptoKey> {
	const material = await crypto.subtle.importKey("raw", encoder.encode(adminToken), "HKDF", false, ["deriveKey"]);
	return crypto.subtle.deriveKey(
		{ name: "HKDF", hash: "SHA-256", salt: encoder.encode("pressroom admin page"), info: encoder.encode(`session ${VERSION}`) },
		material,
		{ name: "HMAC", hash: "SHA-256", length: 256 },
		false,
		["sign", "verify"],
	);
}

/** A new session from `now`; `value` is what the cookie holds. */
export async function startSession(key: CryptoKey, now: Date): Promise<{ value: string; session: Session }> {
	const id = base64url(crypto.getRandomValues(new Uint8Array(18)));
	const expires = Math.floor(now.getTime() / 1000) + SESSION_TTL_SECONDS;
	const payload = `${VERSION}.${expires}.${id}`;
	const signature = await sign(key, `session.${payload}`);
	return { value: `${payload}.${signature}`, session: await describe(key, id, expires) };
}

/** The session a cookie value names, or undefined when it is malformed, tampered with, signed by another key or expired. */
export async function readSession(key: CryptoKey, value: string | undefined, now: Date): Promise<Session | undefined> {
	const parts = value?.split(".");
	if (parts?.length !== 4) return undefined;
	const [version, expiresText, id, signature] = parts as [string, string, string, string];
	if (version !== VERSION || !/^\d{1,12}$/.test(expiresText) || !/^[A-Za-z0-9_-]{24}$/.test(id)) return undefined;
	const signatureBytes = fromBase64url(signature);
	if (!signatureBytes) return undefined;
	// WebCrypto's HMAC verify compares in constant time.
	const valid = await crypto.subtle.verify("HMAC", key, signatureBytes, encoder.encode(`session.${version}.${expiresText}.${id}`));
	const expires = Number(expiresText);
	if (!valid || expires * 1000 <= now.getTime()) return undefined;
	return describe(key, id, expires);
}

/** Whether a submitted form's CSRF token belongs to this session, compared in constant time. */
export async function isSessionCsrfToken(key: CryptoKey, session: Session, submitted: unknown): Promise<boolean> {
	if (typeof submitted !== "string") return false;
	const bytes = fromBase64url(submitted);
	return bytes !== undefined && crypto.subtle.verify("HMAC", key, bytes, encoder.encode(`csrf.${session.id}`));
}

/** Compares a typed token with the configured one in constant time: both are hashed first, so lengths do not leak. */
export async function isAdminToken(configured: string, typed: string): Promise<boolean> {
	const [a, b] = await Promise.all([digest(configured), digest(typed)]);
	return crypto.subtle.timingSafeEqual(a, b);
}

export function sessionCookie(value: string): string {
	return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${SESSION_TTL_SECONDS}; HttpOnly; Secure; SameSite=Strict`;
}

export function clearedSessionCookie(): string {
	return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}

async function describe(key: CryptoKey, id: string, expires: number): Promise<Session> {
	return { id, expiresAt: new Date(expires * 1000), csrfToken: await sign(key, `csrf.${id}`) };
}

async function sign(key: CryptoKey, text: string): Promise<string> {
	return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text))));
}

async function digest(text: string): Promise<ArrayBuffer> {
	return crypto.subtle.digest("SHA-256", encoder.encode(text));
}

function base64url(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes))
		.replaceAll("+", "-")
		.replaceAll("/", "_")
		.replace(/=+$/, "");
}

/** Only the one spelling base64url() writes: atob() would also take a last character whose spare bits differ. */
function fromBase64url(text: string): Uint8Array | undefined {
	if (!/^[A-Za-z0-9_-]{1,100}$/.test(text)) return undefined;
	try {
		const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
		const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
		return base64url(bytes) === text ? bytes : undefined;
	} catch {
		return undefined;
	}
}
