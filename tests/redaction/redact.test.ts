import { describe, expect, it } from "vitest";
import { redactCredentials } from "../../src/redaction";

describe("redactCredentials", () => {
	it.each([
		['got "https://AKIA:secret@s3.example.com/bucket"', 'got "https://***@s3.example.com/bucket"'],
		['got "s3://AKIA:secret@s3.example.com"', 'got "s3://***@s3.example.com"'],
		["https//AKIA:secret@s3.example.com (no colon after the scheme)", "https//***@s3.example.com (no colon after the scheme)"],
		["AKIA:secret@s3.example.com", "***@s3.example.com"],
		["https://AKIA:p@ss@word@s3.example.com", "https://***@s3.example.com"],
		["http://token@hooks.example/x", "http://***@hooks.example/x"],
		["two: https://a:b@one.example and https://c:d@two.example", "two: https://***@one.example and https://***@two.example"],
	])("removes the credentials from %s", (text, redacted) => {
		expect(redactCredentials(text)).toBe(redacted);
	});

	it.each([
		"S3 list at s3:https://s3.example.com/bucket failed: the server answered 503",
		'ID_AUTHORITY must be "domain,YYYY[-MM[-DD]]" (RFC 4151), got "editor@journal.example,2026"',
		"sync at 10:30 wrote to editor@journal.example",
	])("leaves text without URL credentials as it is: %s", (text) => {
		expect(redactCredentials(text)).toBe(text);
	});
});
