import { describe, expect, it } from "vitest";
import { checkCallbackUrl } from "../../src/webhooks/url-policy";

const production = { devMode: false };
const dev = { devMode: true };

describe("checkCallbackUrl in production", () => {
	it.each([
		["https://hooks.example.com/pressroom", "https://hooks.example.com/pressroom"],
		["HTTPS://Hooks.Example.COM:8443/a?b=c", "https://hooks.example.com:8443/a?b=c"],
		["https://8.8.8.8/hook", "https://8.8.8.8/hook"],
		["https://[2606:4700:4700::1111]/hook", "https://[2606:4700:4700::1111]/hook"],
		["https://[::ffff:8.8.8.8]/hook", "https://[::ffff:808:808]/hook"],
		["https://xn--bcher-kva.example/", "https://xn--bcher-kva.example/"],
		["https://bücher.example/", "https://xn--bcher-kva.example/"],
		["https://172.32.0.1/", "https://172.32.0.1/"],
		["https://100.128.0.1/", "https://100.128.0.1/"],
	])("accepts %s as %s", (input, normalised) => {
		expect(checkCallbackUrl(input, production)).toEqual({ ok: true, url: normalised });
	});

	it.each([
		["http://hooks.example.com/", /must use https/],
		["ftp://hooks.example.com/", /scheme "ftp"/],
		["javascript:alert(1)", /scheme "javascript"/],
		["file:///etc/passwd", /scheme "file"/],
		["data:text/plain,hi", /scheme "data"/],
		["not a url", /not an absolute URL/],
		["/relative/path", /not an absolute URL/],
		["https://user:pass@hooks.example.com/", /user name or password/],
		["https://token@hooks.example.com/", /user name or password/],
		[`https://hooks.example.com/${"a".repeat(2048)}`, /longer than 2048/],
	])("refuses %s", (input, reason) => {
		const check = checkCallbackUrl(input, production);
		expect(check.ok).toBe(false);
		if (!check.ok) expect(check.reason).toMatch(reason);
	});

	it.each([
		// loopback
		["https://127.0.0.1/", "loopback"],
		["https://127.8.9.10/", "loopback"],
		["https://localhost/", "loopback"],
		["https://LOCALHOST./", "loopback"],
		["https://api.localhost/", "loopback"],
		["https://[::1]/", "loopback"],
		// other spellings of 127.0.0.1 that WHATWG URL parsing normalises
		["https://2130706433/", "loopback"],
		["https://0x7f.1/", "loopback"],
		["https://0x7f000001/", "loopback"],
		["https://0177.0.0.1/", "loopback"],
		["https://127.1/", "loopback"],
		["https://127.0.0.1./", "loopback"],
		["https://[::ffff:127.0.0.1]/", "loopback"],
		["https://[0:0:0:0:0:ffff:7f00:1]/", "loopback"],
		// private networks
		["https://10.0.0.1/", "private network"],
		["https://10.255.255.255/", "private network"],
		["https://172.16.0.1/", "private network"],
		["https://172.31.255.254/", "private network"],
		["https://192.168.1.1/", "private network"],
		["https://100.64.0.1/", "private network"],
		["https://100.127.255.255/", "private network"],
		["https://[fc00::1]/", "private network"],
		["https://[fd12:3456:789a::1]/", "private network"],
		["https://[::ffff:10.0.0.1]/", "private network"],
		["https://[::ffff:192.168.0.1]/", "private network"],
		["https://0xa000001/", "private network"],
		["https://[64:ff9b::10.0.0.1]/", "private network"],
		["https://[2002:c0a8:101::1]/", "private network"],
		// link-local
		["https://169.254.1.1/", "link-local"],
		["https://[fe80::1]/", "link-local"],
		["https://[febf::1]/", "link-local"],
		["https://[::ffff:169.254.1.1]/", "link-local"],
		// metadata services
		["https://169.254.169.254/latest/meta-data/", "metadata"],
		["https://2852039166/", "metadata"],
		["https://metadata.google.internal/computeMetadata/v1/", "metadata"],
		["https://metadata.google.internal./", "metadata"],
		["https://[fd00:ec2::254]/", "metadata"],
		["https://[::ffff:169.254.169.254]/", "metadata"],
		// unspecified
		["https://0.0.0.0/", "unspecified"],
		["https://0/", "unspecified"],
		["https://[::]/", "unspecified"],
		["https://[::ffff:0.0.0.0]/", "unspecified"],
		// reserved
		["https://224.0.0.1/", "reserved"],
		["https://255.255.255.255/", "reserved"],
		["https://[ff02::1]/", "reserved"],
		["https://192.0.2.10/", "reserved"],
		// names that are never public
		["https://intranet/", "not a public host name"],
		["https://build.corp.internal/", "not a public host name"],
		["https://printer.local/", "not a public host name"],
	])("refuses %s (%s)", (input, kind) => {
		const check = checkCallbackUrl(input, production);
		expect(check.ok).toBe(false);
		if (!check.ok) expect(check.reason).toContain(kind);
	});
});

describe("checkCallbackUrl in dev mode", () => {
	it.each([
		["http://127.0.0.1:8788/", "http://127.0.0.1:8788/"],
		["http://localhost:8788/hook", "http://localhost:8788/hook"],
		["http://[::1]:8788/", "http://[::1]:8788/"],
		["http://2130706433:8788/", "http://127.0.0.1:8788/"],
		["http://receiver:8788/", "http://receiver:8788/"],
		["https://hooks.example.com/", "https://hooks.example.com/"],
	])("accepts %s", (input, normalised) => {
		expect(checkCallbackUrl(input, dev)).toEqual({ ok: true, url: normalised });
	});

	it.each([
		["http://user:pass@127.0.0.1:8788/", "user name or password"],
		["http://user@localhost:8788/", "user name or password"],
		["http://10.0.0.5/", "private network"],
		["http://169.254.169.254/", "metadata"],
		["http://metadata.google.internal/", "metadata"],
		["http://0.0.0.0:8788/", "unspecified"],
		["http://[fe80::1]/", "link-local"],
		["ftp://127.0.0.1/", 'scheme "ftp"'],
		["ws://127.0.0.1:8788/", 'scheme "ws"'],
	])("still refuses %s (%s)", (input, reason) => {
		const check = checkCallbackUrl(input, dev);
		expect(check.ok).toBe(false);
		if (!check.ok) expect(check.reason).toContain(reason);
	});
});
