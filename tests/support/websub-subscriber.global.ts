/**
 * A real WebSub subscriber for the hub tests, on 127.0.0.1:0 (tests run in workerd, which cannot listen).
 * Its behaviour is chosen by the first path segment after /sub/:
 *   echo     verification: 200 with hub.challenge; content: 200
 *   wrong    verification: 200 with something else
 *   missing  verification: 404
 *   gone     verification: echo; content: 410 Gone
 *   fail     verification: echo; content: 500
 * Every request is recorded with its query and exact body bytes. Control (not recorded):
 *   GET  /_control/requests?path=<prefix>          what arrived
 *   POST /_control/verify { path, secret }         checks X-Hub-Signature of the last content POST on that
 *        path with node:crypto over the bytes as received: { verified, signature, expected }
 */
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

declare module "vitest" {
	interface ProvidedContext {
		websubSubscriberUrl: string;
	}
}

interface Received {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: string;
	bodyBase64: string;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const received: Received[] = [];
	const server = createServer(async (req, res) => {
		const url = new URL(req.url ?? "/", "http://127.0.0.1");
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const bytes = Buffer.concat(chunks);
		if (url.pathname === "/_control/requests") {
			const prefix = url.searchParams.get("path") ?? "";
			res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received.filter((r) => r.path.startsWith(prefix))));
			return;
		}
		if (url.pathname === "/_control/verify") {
			const { path, secret } = JSON.parse(bytes.toString("utf8")) as { path: string; secret: string };
			const last = received.filter((r) => r.path === path && r.method === "POST").at(-1);
			const expected = last ? `sha256=${createHmac("sha256", secret).update(Buffer.from(last.bodyBase64, "base64")).digest("hex")}` : undefined;
			const signature = last?.headers["x-hub-signature"];
			res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ verified: expected !== undefined && signature === expected, signature, expected }));
			return;
		}
		received.push({
			method: req.method ?? "",
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])),
			body: bytes.toString("utf8"),
			bodyBase64: bytes.toString("base64"),
		});
		if (received.length > 2_000) received.shift();
		const behaviour = url.pathname.split("/")[2];
		if (req.method === "GET") {
			const challenge = url.searchParams.get("hub.challenge") ?? "";
			if (behaviour === "missing") res.writeHead(404).end("no such subscriber");
			else if (behaviour === "wrong") res.writeHead(200).end("certainly not the challenge");
			else res.writeHead(200, { "content-type": "text/plain" }).end(challenge);
			return;
		}
		if (behaviour === "gone") res.writeHead(410).end("gone");
		else if (behaviour === "fail") res.writeHead(500).end("broken");
		else res.writeHead(200).end("thanks");
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
	project.provide("websubSubscriberUrl", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
	return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
