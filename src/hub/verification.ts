/** Verification of intent (WebSub §5.3): the hub GETs the callback with a challenge the subscriber must echo. */

/** 32 random bytes, base64url: new for every request and unguessable. */
export function newChallenge(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(32));
	return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The callback with the hub's parameters appended to its own query string (§5.3: "MUST" keep it). */
export function verificationUrl(callback: string, parameters: { mode: string; topic: string; challenge: string; leaseSeconds: number }): string {
	const url = new URL(callback);
	url.searchParams.append("hub.mode", parameters.mode);
	url.searchParams.append("hub.topic", parameters.topic);
	url.searchParams.append("hub.challenge", parameters.challenge);
	url.searchParams.append("hub.lease_seconds", String(parameters.leaseSeconds));
	return url.href;
}

/** "The subscriber MUST respond with an HTTP success (2xx) code with a response body equal to the hub.challenge." */
export function confirmsChallenge(status: number, body: string, challenge: string): boolean {
	return status >= 200 && status < 300 && body.trim() === challenge;
}
