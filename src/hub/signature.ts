/** X-Hub-Signature (WebSub §7.1): `sha256=` and the hex HMAC of the exact body bytes, keyed by hub.secret. */
export async function hubSignature(secret: string, body: Uint8Array): Promise<string> {
	const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
	const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, body));
	return `sha256=${[...mac].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}
