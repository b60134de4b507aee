#!/usr/bin/env node
/**
 * A WebSub subscriber for trying Pressroom's hub (`npm run websub-subscriber -- --feed http://127.0.0.1:8787/atom.xml`),
 * and the subscriber process of the e2e suite. It does what a feed reader does (https://www.w3.org/TR/websub/):
 *   1. discovers the hub and the topic from the feed's `Link: <…>; rel="hub"` and `rel="self"` headers;
 *   2. listens on 127.0.0.1 and subscribes its callback, with a secret;
 *   3. answers the hub's verification GET by echoing hub.challenge, for that topic only;
 *   4. checks X-Hub-Signature (sha256 HMAC of the exact body) on every delivery.
 * Every step is printed as one JSON line on stdout: listening, subscribe, verified, content (verified: true|false).
 *
 *   --feed <url>     a feed URL of the site (required)
 *   --secret <s>     hub.secret (default: random); deliveries with a wrong signature are reported, not trusted
 *   --port <n>       callback port on 127.0.0.1 (default 0: a free one)
 *   --lease <s>      hub.lease_seconds to ask for (optional)
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { parseArgs } from "node:util";

const { values } = parseArgs({
	options: { feed: { type: "string" }, secret: { type: "string" }, port: { type: "string", default: "0" }, lease: { type: "string" }, help: { type: "boolean", short: "h" } },
});
if (values.help || !values.feed) {
	console.error("Usage: npm run websub-subscriber -- --feed <feed URL> [--secret S] [--port N] [--lease SECONDS]");
	process.exit(values.help ? 0 : 2);
}
const secret = values.secret ?? randomBytes(16).toString("hex");
const say = (event, details = {}) => console.log(JSON.stringify({ event, at: new Date().toISOString(), ...details }));

/** RFC 8288 Link header values: `<url>; rel="hub", <url>; rel="self"`. */
function parseLinks(header) {
	const links = [];
	for (const part of (header ?? "").split(/,(?=\s*<)/)) {
		const match = /<([^>]*)>\s*;\s*rel="?([^";]+)"?/.exec(part);
		if (match) links.push({ url: match[1], rel: match[2] });
	}
	return links;
}

const feed = await fetch(values.feed, { method: "HEAD" });
const links = parseLinks(feed.headers.get("link"));
const hub = links.find((link) => link.rel === "hub")?.url;
const topic = links.find((link) => link.rel === "self")?.url;
if (!hub || !topic) {
	say("error", { message: `no hub or self link in ${values.feed}'s Link header: ${feed.headers.get("link")}` });
	process.exit(1);
}

const server = createServer(async (req, res) => {
	const url = new URL(req.url ?? "/", "http://127.0.0.1");
	const chunks = [];
	for await (const chunk of req) chunks.push(chunk);
	const body = Buffer.concat(chunks);
	if (req.method === "GET") {
		const mode = url.searchParams.get("hub.mode");
		const challenge = url.searchParams.get("hub.challenge");
		// Only the topic this process asked for: a hub verifying anything else gets a 404 (WebSub §5.3.1).
		if (url.searchParams.get("hub.topic") !== topic || !challenge) {
			res.writeHead(404).end();
			return;
		}
		say(mode === "unsubscribe" ? "unsubscribed" : "verified", { topic, leaseSeconds: Number(url.searchParams.get("hub.lease_seconds")) });
		res.writeHead(200, { "content-type": "text/plain" }).end(challenge);
		return;
	}
	const signature = String(req.headers["x-hub-signature"] ?? "");
	const expected = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
	const verified = signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
	say("content", {
		verified,
		contentType: req.headers["content-type"],
		link: req.headers.link,
		bytes: body.length,
		body: body.toString("utf8"),
	});
	res.writeHead(verified ? 200 : 403).end();
});
await new Promise((resolve) => server.listen(Number(values.port), "127.0.0.1", resolve));
const callback = `http://127.0.0.1:${server.address().port}/callback`;
say("listening", { callback, hub, topic });

const form = new URLSearchParams({ "hub.mode": "subscribe", "hub.topic": topic, "hub.callback": callback, "hub.secret": secret });
if (values.lease) form.set("hub.lease_seconds", values.lease);
const answer = await fetch(hub, { method: "POST", body: form });
say("subscribe", { status: answer.status, message: await answer.text() });
if (answer.status !== 202) process.exit(1);

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
