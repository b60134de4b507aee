import { describe, expect, it } from "vitest";
import {
	SESSION_TTL_SECONDS,
	clearedSessionCookie,
	isAdminToken,
	isSessionCsrfToken,
	readSession,
	sessionCookie,
	sessionKey,
	startSession,
} from "../../src/http/admin-page/session";

const START = new Date("2026-12-01T10:00:00Z");
const later = (seconds: number) => new Date(START.getTime() + seconds * 1000);

describe("admin page session values", () => {
	it("reads back a session it signed, with the same id and CSRF token, until it expires", async () => {
		const key = await sessionKey("token-one");
		const { value, session } = await startSession(key, START);

		const read = await readSession(key, value, later(SESSION_TTL_SECONDS - 1));
		expect(read).toEqual(session);
		expect(read?.expiresAt.toISOString()).toBe(later(SESSION_TTL_SECONDS).toISOString());
		expect(await readSession(key, value, later(SESSION_TTL_SECONDS))).toBeUndefined();
		expect(await readSession(key, value, later(SESSION_TTL_SECONDS + 3600))).toBeUndefined();
	});

	it("never holds the admin token itself", async () => {
		const token = "a-very-recognisable-admin-token";
		const { value } = await startSession(await sessionKey(token), START);
		expect(value).not.toContain(token);
		expect(atob(value.split(".")[2]!.replaceAll("-", "+").replaceAll("_", "/"))).not.toContain(token);
	});

	it("refuses a value whose expiry, id or signature was changed", async () => {
		const key = await sessionKey("token-one");
		const { value } = await startSession(key, START);
		const [version, expires, id, signature] = value.split(".") as [string, string, string, string];
		const flip = (text: string) => (text[0] === "A" ? "B" : "A") + text.slice(1);

		for (const tampered of [
			[version, String(Number(expires) + 86_400), id, signature],
			[version, expires, flip(id), signature],
			[version, expires, id, flip(signature)],
			["v2", expires, id, signature],
			[version, expires, id],
			[version, expires, id, signature, "extra"],
		]) {
			expect(await readSession(key, tampered.join("."), START), tampered.join(".")).toBeUndefined();
		}
		for (const junk of [undefined, "", "....", "v1.x.y.z", `v1.${expires}.${id}.!!!`]) {
			expect(await readSession(key, junk, START)).toBeUndefined();
		}
	});

	it("refuses a session signed under another admin token (changing the token ends every session)", async () => {
		const { value } = await startSession(await sessionKey("old-token"), START);
		expect(await readSession(await sessionKey("new-token"), value, START)).toBeUndefined();
	});

	it("accepts only this session's CSRF token", async () => {
		const key = await sessionKey("token-one");
		const first = (await startSession(key, START)).session;
		const second = (await startSession(key, START)).session;
		expect(first.csrfToken).not.toBe(second.csrfToken);

		expect(await isSessionCsrfToken(key, first, first.csrfToken)).toBe(true);
		expect(await isSessionCsrfToken(key, first, second.csrfToken)).toBe(false);
		expect(await isSessionCsrfToken(key, first, undefined)).toBe(false);
		expect(await isSessionCsrfToken(key, first, "")).toBe(false);
		expect(await isSessionCsrfToken(key, first, `${first.csrfToken}x`)).toBe(false);
		expect(await isSessionCsrfToken(await sessionKey("token-two"), first, first.csrfToken)).toBe(false);
	});

	it("tells the admin token from near misses", async () => {
		expect(await isAdminToken("s3cret-token", "s3cret-token")).toBe(true);
		for (const guess of ["", "s3cret-toke", "s3cret-token ", "S3CRET-TOKEN", "s3cret-tokens"]) {
			expect(await isAdminToken("s3cret-token", guess), guess).toBe(false);
		}
	});

	it("sets the cookie HttpOnly, Secure, SameSite=Strict, host-only, and clears it the same way", () => {
		const cookie = sessionCookie("v1.1.abc.def");
		expect(cookie).toMatch(/^__Host-pressroom-admin=v1\.1\.abc\.def; /);
		for (const attribute of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/", `Max-Age=${SESSION_TTL_SECONDS}`]) {
			expect(cookie.split("; ")).toContain(attribute);
		}
		expect(cookie).not.toMatch(/Domain=/i);
		expect(clearedSessionCookie().split("; ")).toEqual(expect.arrayContaining(["Max-Age=0", "HttpOnly", "Secure", "SameSite=Strict", "Path=/"]));
	});
});
