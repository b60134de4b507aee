import { describe, expect, it } from "vitest";
import { canonicalForm } from "../feeds/validator-rules";
import { fenced, fenceless, minimal, parseError, parseOk } from "./builders";

/** RFC 4151: tag:{entity}:{specific}, specific = *( pchar / "/" / "?" ). */
const TAG_URI = /^tag:[a-z0-9.@-]+,\d{4}(?:-\d{2}(?:-\d{2})?)?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-F]{2})*$/;

describe("entry ids derived from the key", () => {
	it("builds a tag URI from the authority and the key without its suffix", () => {
		const post = parseOk(fenced(minimal()), { key: "posts/2026/replica-lag.md" });
		expect(post.id).toBe("tag:journal.example,2026:key/posts/2026/replica-lag");
		expect(post.id).toMatch(TAG_URI);
	});

	const base = () => fenced(["title: Original title", "slug: original", "date: 2026-05-01 12:00:00+00:00"], "Original body.");
	it.each([
		["the title changes", fenced(["title: A new title", "slug: original", "date: 2026-05-01 12:00:00+00:00"], "Original body.")],
		["the slug changes", fenced(["title: Original title", "slug: renamed", "date: 2026-05-01 12:00:00+00:00"], "Original body.")],
		["the body changes", fenced(["title: Original title", "slug: original", "date: 2026-05-01 12:00:00+00:00"], "Rewritten body.")],
		["the date changes", fenced(["title: Original title", "slug: original", "date: 2027-01-01"], "Original body.")],
		["an update date is added", fenced(["title: Original title", "slug: original", "date: 2026-05-01 12:00:00+00:00", "lastmod: 2026-06-01"], "Original body.")],
		["the front matter changes shape", fenceless(["title: Original title", "slug: original", "date: 2026-05-01 12:00:00+00:00"], "Original body.")],
	])("keeps an entry's id when %s", (_name, edited) => {
		const key = "posts/keep-me.md";
		expect(parseOk(edited, { key }).id).toBe(parseOk(base(), { key }).id);
	});

	it("keeps an entry's id when the site moves to another URL", () => {
		const before = parseOk(base(), { settings: { siteUrl: "https://old.example" } });
		const after = parseOk(base(), { settings: { siteUrl: "https://new.example/blog" } });
		expect(after.id).toBe(before.id);
		expect(after.url).not.toBe(before.url);
	});

	it.each(["posts/same.md", "posts/same.markdown", "posts/same.txt"])("keeps an entry's id when the key's suffix is %s", (key) => {
		expect(parseOk(base(), { key }).id).toBe("tag:journal.example,2026:key/posts/same");
	});

	it.each([
		["posts/notes on ü.md", "key/posts/notes%20on%20%C3%BC"],
		["posts/100%.md", "key/posts/100%25"],
		["posts/a#b<c>\"d\".md", "key/posts/a%23b%3Cc%3E%22d%22"],
		["posts/keep:@!$&'()*+,;=~._-/x.md", "key/posts/keep:@!$&'()*+,;=~._-/x"],
		["2026.05.notes.txt", "key/2026.05.notes"],
	])("percent-encodes what a tag URI does not allow in %s", (key, specific) => {
		const id = parseOk(fenced(minimal("slug: fixed")), { key }).id;
		expect(id).toBe(`tag:journal.example,2026:${specific}`);
		expect(id).toMatch(TAG_URI);
	});

	it.each([
		["an NFD key (as macOS writes file names)", "posts/cafe\u0301 cre\u0300me.md"],
		["an NFC key", "posts/caf\u00E9 cr\u00E8me.md"],
	])("gives %s the same id, in canonical form (validator rule NonCanonicalURI)", (_name, key) => {
		const id = parseOk(fenced(minimal("slug: fixed")), { key }).id;
		expect(id).toBe("tag:journal.example,2026:key/posts/caf%C3%A9%20cr%C3%A8me");
		expect(canonicalForm(id)).toBe(id);
	});

	it("writes a front matter id in NFC too", () => {
		expect(parseOk(fenced(minimal('id: "re\u0301sume\u0301"'))).id).toBe("tag:journal.example,2026:post/r%C3%A9sum%C3%A9");
	});

	it("flags the old NFD form as not canonical, so the rule port can fail", () => {
		const nfdId = "tag:journal.example,2026:key/posts/cafe%CC%81";
		expect(canonicalForm(nfdId)).toBe("tag:journal.example,2026:key/posts/caf%C3%A9");
	});

	it.each(["%F0%9F%98%80 emoji.md", "a%2Fb/c[d].md", "x~y!$&'()*+,;=:@.md", "ﬁle ＡＢＣ.md"])("keeps ids from awkward key %s canonical", (key) => {
		const id = parseOk(fenced(minimal("slug: fixed")), { key }).id;
		expect(canonicalForm(id)).toBe(id);
	});

	it("uses an absolute front matter id verbatim, even when not canonical: it was issued elsewhere", () => {
		expect(parseOk(fenced(minimal('id: "tag:old.example,2011:caf%c3%a9"'))).id).toBe("tag:old.example,2011:caf%c3%a9");
	});

	it("gives different keys different ids", () => {
		const a = parseOk(base(), { key: "posts/a.md" }).id;
		const b = parseOk(base(), { key: "drafts/a.md" }).id;
		expect(a).not.toBe(b);
	});
});

describe("entry ids from the front matter", () => {
	it.each([
		["id: 3004", "tag:journal.example,2026:post/3004"],
		["id: 0123", "tag:journal.example,2026:post/0123"],
		["id: 12345678901234567890123", "tag:journal.example,2026:post/12345678901234567890123"],
		["id: '3004'", "tag:journal.example,2026:post/3004"],
		["id: release notes/é", "tag:journal.example,2026:post/release%20notes/%C3%A9"],
		["ID: 77", "tag:journal.example,2026:post/77"],
	])("builds the id from %s", (line, expected) => {
		const id = parseOk(fenced(minimal(line))).id;
		expect(id).toBe(expected);
		expect(id).toMatch(TAG_URI);
	});

	it.each([
		["urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"],
		["tag:old.example,2011:entry-42"],
		["https://old.example/2011/05/cluster-summit/"],
		["http://old.example/?p=42"],
	])("uses the absolute URI id %s verbatim", (id) => {
		expect(parseOk(fenced(minimal(`id: "${id}"`))).id).toBe(id);
	});

	it("keeps an explicit id when the key, title, slug and body change", () => {
		const before = parseOk(fenced(["title: Before", "slug: before", "id: 3004", "date: 2026-01-01"], "Before."), { key: "a.md" });
		const after = parseOk(fenced(["title: After", "slug: after", "id: 3004", "date: 2026-01-01"], "After."), { key: "moved/b.txt" });
		expect(after.id).toBe(before.id);
	});

	it.each([
		['id: ""', 'id "" must be a number or a non-empty string'],
		["id: true", "id true must be a number or a non-empty string"],
		["id: {a: 1}", 'id {"a":"1"} must be a number or a non-empty string'],
	])("rejects %s", (line, reason) => {
		expect(parseError(fenced(minimal(line)))).toBe(reason);
	});

	it("uses the key when the id is empty", () => {
		expect(parseOk(fenced(minimal("id:")), { key: "k.md" }).id).toBe("tag:journal.example,2026:key/k");
	});
});
