import { describe, expect, it } from "vitest";
import { generateSecret, importSigningKey, InvalidSecretError, parseSecret } from "../../src/webhooks/secret";

function secretOfBytes(length: number): string {
	return `whsec_${btoa(String.fromCharCode(...new Uint8Array(length).map((_, i) => i * 7)))}`;
}

describe("generateSecret", () => {
	it("produces whsec_ plus 32 random bytes in standard base64", () => {
		const secret = generateSecret();
		expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
		const parsed = parseSecret(secret);
		expect(parsed.ok && parsed.key.length).toBe(32);
	});

	it("never repeats a secret", () => {
		const secrets = new Set(Array.from({ length: 50 }, generateSecret));
		expect(secrets.size).toBe(50);
	});
});

describe("parseSecret", () => {
	it.each([24, 32, 64])("accepts a secret of %i bytes", (length) => {
		const parsed = parseSecret(secretOfBytes(length));
		expect(parsed.ok && parsed.key.length).toBe(length);
	});

	it.each([
		["too short", secretOfBytes(23), /24–64 bytes, got 23/],
		["too long", secretOfBytes(65), /24–64 bytes, got 65/],
		["missing the prefix", secretOfBytes(32).slice("whsec_".length), /must start with "whsec_"/],
		["url-safe base64", "whsec_" + "-_".repeat(22), /standard base64/],
		["unpadded base64", secretOfBytes(32).replace(/=+$/, ""), /standard base64/],
		["empty after the prefix", "whsec_", /standard base64/],
	])("refuses a secret %s", (_, secret, reason) => {
		const parsed = parseSecret(secret);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.reason).toMatch(reason);
	});
});

describe("importSigningKey", () => {
	it("imports an HMAC-SHA256 key that can sign but not be exported", async () => {
		const key = await importSigningKey(generateSecret());
		expect(key.algorithm).toMatchObject({ name: "HMAC", hash: { name: "SHA-256" } });
		expect(key.usages).toEqual(["sign"]);
		expect(key.extractable).toBe(false);
	});

	it("throws a typed error naming the problem for a bad secret", async () => {
		await expect(importSigningKey("whsec_c2hvcnQ=")).rejects.toThrow(InvalidSecretError);
		await expect(importSigningKey("whsec_c2hvcnQ=")).rejects.toThrow(/24–64 bytes, got 5/);
	});
});
