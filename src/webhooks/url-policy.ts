/**
 * Which callback URLs a subscription may name. A webhook sender is a server-side request forgery tool in
 * waiting: anyone who can register a URL can make us POST to it. The URL is checked after WHATWG parsing,
 * which turns `2130706433`, `0x7f.1` or `0177.0.0.1` into `127.0.0.1` and `[::ffff:127.0.0.1]` into
 * `[::ffff:7f00:1]`, so the checks below see every spelling of an address in one canonical form.
 * https://url.spec.whatwg.org/#concept-ipv4-parser
 * Only literal addresses and well-known names can be checked here (no DNS in a pure function); a public name
 * that resolves to a private address is stopped by the platform, since Workers' fetch leaves from Cloudflare's
 * network, not the operator's. https://developers.cloudflare.com/workers/runtime-apis/fetch/
 */

/** `url` is the WHATWG-normalised href to store; `reason` is a predicate ("must use https") to put after a field name. */
export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string };

export interface UrlPolicyOptions {
	/** `npm start` only: http and loopback receivers (scripts/receiver.mjs) are allowed. */
	devMode: boolean;
}

export const MAX_CALLBACK_URL_LENGTH = 2048;

type HostClass = "public" | "loopback" | "private" | "link-local" | "metadata" | "unspecified" | "reserved" | "local-name";

const REFUSAL: Record<Exclude<HostClass, "public">, string> = {
	loopback: "points at a loopback address",
	private: "points at a private network address",
	"link-local": "points at a link-local address",
	metadata: "points at a cloud metadata service",
	unspecified: "points at the unspecified address",
	reserved: "points at a reserved, multicast or documentation address",
	"local-name": "is not a public host name",
};

/** Names that reach an instance metadata service (GCP, AWS) without looking like an IP address. */
const METADATA_HOST_NAMES = new Set(["metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"]);

export function checkCallbackUrl(input: string, { devMode }: UrlPolicyOptions): UrlCheck {
	if (input.length > MAX_CALLBACK_URL_LENGTH) return refuse(`is longer than ${MAX_CALLBACK_URL_LENGTH} characters`);
	let url: URL;
	try {
		url = new URL(input);
	} catch {
		return refuse("is not an absolute URL");
	}
	if (url.protocol !== "https:" && url.protocol !== "http:") return refuse(`uses the scheme "${url.protocol.slice(0, -1)}"; only https is allowed`);
	if (url.protocol === "http:" && !devMode) return refuse("must use https");
	// Credentials in a URL end up in logs and in the delivery log; receivers authenticate us by signature.
	if (url.username !== "" || url.password !== "") return refuse("must not contain a user name or password");

	const hostClass = classifyHost(url.hostname);
	const allowed = hostClass === "public" || (devMode && (hostClass === "loopback" || hostClass === "local-name"));
	if (!allowed) return refuse(REFUSAL[hostClass as Exclude<HostClass, "public">]);
	return { ok: true, url: url.href };
}

function refuse(reason: string): UrlCheck {
	return { ok: false, reason };
}

function classifyHost(hostname: string): HostClass {
	if (hostname.startsWith("[")) return classifyIpv6(hostname.slice(1, -1));
	const ipv4 = parseIpv4(hostname);
	if (ipv4 !== null) return classifyIpv4(ipv4);
	const name = hostname.replace(/\.+$/, "");
	if (METADATA_HOST_NAMES.has(name)) return "metadata";
	if (name === "localhost" || name.endsWith(".localhost")) return "loopback";
	// Single labels and the private-use TLDs (.internal: ICANN 2024; .local: mDNS, RFC 6762) never name a public host.
	if (!name.includes(".") || name.endsWith(".internal") || name.endsWith(".local")) return "local-name";
	return "public";
}

/** A dotted quad as WHATWG serialises it, as an unsigned 32-bit number; anything else is null. */
function parseIpv4(host: string): number | null {
	const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	if (!match) return null;
	const octets = match.slice(1).map(Number);
	if (octets.some((o) => o > 255)) return null;
	return octets.reduce((value, octet) => value * 256 + octet, 0);
}

function inIpv4Block(address: number, block: string, prefixLength: number): boolean {
	const base = parseIpv4(block) ?? 0;
	const size = 2 ** (32 - prefixLength);
	return Math.floor(address / size) === Math.floor(base / size);
}

const IPV4_BLOCKS: readonly [string, number, HostClass][] = [
	["169.254.169.254", 32, "metadata"],
	["0.0.0.0", 8, "unspecified"],
	["127.0.0.0", 8, "loopback"],
	["10.0.0.0", 8, "private"],
	["172.16.0.0", 12, "private"],
	["192.168.0.0", 16, "private"],
	["100.64.0.0", 10, "private"], // carrier-grade NAT, RFC 6598
	["169.254.0.0", 16, "link-local"],
	["192.0.0.0", 24, "reserved"], // IETF protocol assignments
	["192.0.2.0", 24, "reserved"], // documentation (TEST-NET-1..3)
	["198.51.100.0", 24, "reserved"],
	["203.0.113.0", 24, "reserved"],
	["198.18.0.0", 15, "reserved"], // benchmarking
	["224.0.0.0", 4, "reserved"], // multicast
	["240.0.0.0", 4, "reserved"], // reserved, and the broadcast address
];

function classifyIpv4(address: number): HostClass {
	for (const [block, prefixLength, hostClass] of IPV4_BLOCKS) {
		if (inIpv4Block(address, block, prefixLength)) return hostClass;
	}
	return "public";
}

/** Eight 16-bit groups, or null. Accepts `::` compression and a trailing dotted quad. */
function parseIpv6(text: string): number[] | null {
	let tail: number[] = [];
	let rest = text;
	const dotted = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
	if (dotted) {
		const v4 = parseIpv4(dotted[2] ?? "");
		if (v4 === null) return null;
		tail = [Math.floor(v4 / 65536), v4 % 65536];
		const prefix = dotted[1] ?? "";
		rest = prefix.endsWith("::") ? prefix : prefix.slice(0, -1);
	}
	const halves = rest.split("::");
	if (halves.length > 2) return null;
	const parse = (part: string | undefined): number[] | null => {
		if (!part) return [];
		const groups = part.split(":").map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
		return groups.some(Number.isNaN) ? null : groups;
	};
	const head = parse(halves[0]);
	const after = parse(halves[1]);
	if (head === null || after === null) return null;
	const given = head.length + after.length + tail.length;
	if (halves.length === 2) {
		if (given > 7) return null;
		return [...head, ...new Array<number>(8 - given).fill(0), ...after, ...tail];
	}
	return given === 8 ? [...head, ...tail] : null;
}

function classifyIpv6(text: string): HostClass {
	const g = parseIpv6(text);
	if (g === null) return "reserved";
	const [g0 = 0, g1 = 0, , , , g5 = 0, g6 = 0, g7 = 0] = g;
	const embeddedV4 = g6 * 65536 + g7;
	const firstFiveZero = g.slice(0, 5).every((x) => x === 0);
	if (g.every((x) => x === 0)) return "unspecified";
	if (firstFiveZero && g5 === 0 && g6 === 0 && g7 === 1) return "loopback";
	if (firstFiveZero && g5 === 0xffff) return classifyIpv4(embeddedV4); // IPv4-mapped, RFC 4291 §2.5.5.2
	if (firstFiveZero && g5 === 0) return classifyIpv4(embeddedV4); // IPv4-compatible (deprecated)
	if (g0 === 0x64 && g1 === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyIpv4(embeddedV4); // NAT64, RFC 6052
	if (g0 === 0x64 && g1 === 0xff9b) return "private"; // local-use NAT64, RFC 8215
	if (g0 === 0x2002) return classifyIpv4(g1 * 65536 + (g[2] ?? 0)); // 6to4, RFC 3056
	if (g0 === 0xfd00 && g1 === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g7 === 0x254) return "metadata"; // AWS IMDS over IPv6
	if ((g0 & 0xfe00) === 0xfc00) return "private"; // unique local, fc00::/7
	if ((g0 & 0xffc0) === 0xfe80) return "link-local"; // fe80::/10
	if ((g0 & 0xffc0) === 0xfec0) return "private"; // site-local (deprecated), fec0::/10
	if ((g0 & 0xff00) === 0xff00) return "reserved"; // multicast
	if (g0 === 0x2001 && g1 === 0x0db8) return "reserved"; // documentation
	if (g0 === 0x0100 && g1 === 0 && g.slice(2, 4).every((x) => x === 0)) return "reserved"; // discard-only, RFC 6666
	return "public";
}
