/**
 * The `webhook-signature` header of Standard Webhooks v1: HMAC-SHA256 over `${msgId}.${timestamp}.${body}`,
 * base64, prefixed `v1,`; several signatures are space-separated so that, during a key rotation, receivers
 * holding either the old or the new secret can verify.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
 * WebCrypto only: the same code runs in workerd and in any browser-like runtime.
 */
import { encodeBase64, importSigningKey } from "./secret";

export const SIGNATURE_VERSION = "v1";

export interface SignInput {
	/** The `webhook-id`: the same on every retry of a message. */
	msgId: string;
	/** Unix seconds, the value sent as `webhook-timestamp` on this attempt. */
	timestamp: number;
	/** Exactly the bytes sent as the request body; re-serialising JSON would break the signature. */
	body: string;
	/** Every secret currently valid for the endpoint (old and new during a rotation); at least one. */
	secrets: readonly string[];
}

/** The `webhook-signature` header value: `v1,<base64>` per secret, space-separated, in the order given. */
export async function signPayload({ msgId, timestamp, body, secrets }: SignInput): Promise<string> {
	if (secrets.length === 0) throw new RangeError("signPayload needs at least one secret");
	if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError(`timestamp must be whole Unix seconds, got ${timestamp}`);
	// A "." inside the id would make `${id}.${timestamp}.${body}` ambiguous; our ids never contain one.
	if (msgId === "" || msgId.includes(".")) throw new RangeError(`msgId must be non-empty and contain no ".", got "${msgId}"`);
	const signedContent = new TextEncoder().encode(`${msgId}.${timestamp}.${body}`);
	const signatures = await Promise.all(
		secrets.map(async (secret) => {
			const key = await importSigningKey(secret);
			const mac = await crypto.subtle.sign("HMAC", key, signedContent);
			return `${SIGNATURE_VERSION},${encodeBase64(new Uint8Array(mac))}`;
		}),
	);
	return signatures.join(" ");
}
