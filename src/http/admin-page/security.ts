import type { MiddlewareHandler } from "hono";
import type { AdminPageEnv } from "./env";

/**
 * Headers on every admin page response, errors included: a strict CSP whose one script and one style are
 * allowed by a per-response nonce (https://www.w3.org/TR/CSP3/#strict-csp), no framing, no Referer leaving
 * the page, no MIME sniffing, and nothing cached (pages show secrets and the CSRF token).
 */
export function securityHeaders(): MiddlewareHandler<AdminPageEnv> {
	return async (c, next) => {
		const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
		c.set("nonce", nonce);
		await next();
		const headers = c.res.headers;
		headers.set("Content-Security-Policy", contentSecurityPolicy(nonce));
		headers.set("X-Frame-Options", "DENY");
		headers.set("Referrer-Policy", "no-referrer");
		headers.set("X-Content-Type-Options", "nosniff");
		headers.set("Cache-Control", "no-store");
		headers.set("Cross-Origin-Opener-Policy", "same-origin");
		headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	};
}

export function contentSecurityPolicy(nonce: string): string {
	return [
		"default-src 'none'",
		`script-src 'nonce-${nonce}'`,
		`style-src 'nonce-${nonce}'`,
		"img-src 'self' data:",
		"form-action 'self'",
		"frame-ancestors 'none'",
		"base-uri 'none'",
	].join("; ");
}
