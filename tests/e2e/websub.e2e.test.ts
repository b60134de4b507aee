/**
 * Pressroom as a WebSub hub, with a real subscriber process (scripts/websub-subscriber.mjs) against the real
 * dev server: it discovers the hub from /atom.xml's Link header, subscribes with a secret and is verified;
 * a new post is uploaded and synced; the subscriber receives the new Atom document, signed, from that one sync.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ROOT, putPostsWithWrangler } from "../../scripts/lib/dev-server.mjs";

const base = inject("e2eBaseUrl");
const token = inject("e2eAdminToken");
const persistTo = inject("e2ePersistTo");

interface SubscriberEvent {
	event: string;
	verified?: boolean;
	contentType?: string;
	link?: string;
	body?: string;
	status?: number;
	topic?: string;
}

let child: ChildProcess | undefined;
afterAll(() => {
	if (child?.pid && child.exitCode === null) child.kill("SIGTERM");
});

/** Starts the subscriber and collects its JSON lines; `next` waits for the first line that matches. */
function startSubscriber(args: string[]) {
	const events: SubscriberEvent[] = [];
	const waiters: { match: (e: SubscriberEvent) => boolean; resolve: (e: SubscriberEvent) => void }[] = [];
	child = spawn(process.execPath, [path.join(ROOT, "scripts/websub-subscriber.mjs"), ...args], { stdio: ["ignore", "pipe", "inherit"] });
	let buffer = "";
	child.stdout!.on("data", (chunk: Buffer) => {
		buffer += chunk.toString("utf8");
		for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n")) {
			const event = JSON.parse(buffer.slice(0, newline)) as SubscriberEvent;
			buffer = buffer.slice(newline + 1);
			events.push(event);
			for (const waiter of waiters.splice(0)) {
				if (waiter.match(event)) waiter.resolve(event);
				else waiters.push(waiter);
			}
		}
	});
	const next = (match: (e: SubscriberEvent) => boolean, timeoutMs = 30_000) =>
		new Promise<SubscriberEvent>((resolve, reject) => {
			const seen = events.find(match);
			if (seen) return resolve(seen);
			const timer = setTimeout(() => reject(new Error(`subscriber never printed the expected line; got ${JSON.stringify(events.map((e) => e.event))}`)), timeoutMs);
			waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
		});
	return { events, next };
}

describe("WebSub with a real subscriber", () => {
	it("discovers the hub from /atom.xml, is verified, and receives the new Atom document signed after one sync", { timeout: 90_000 }, async () => {
		const subscriber = startSubscriber(["--feed", `${base}/atom.xml`, "--secret", "e2e shared secret"]);
		const listening = await subscriber.next((e) => e.event === "listening");
		expect(listening.topic).toBe(`${base}/atom.xml`);
		expect((await subscriber.next((e) => e.event === "subscribe")).status).toBe(202);
		expect((await subscriber.next((e) => e.event === "verified")).topic).toBe(`${base}/atom.xml`);

		const dir = mkdtempSync(path.join(os.tmpdir(), "pressroom-websub-e2e-"));
		try {
			const title = `Pushed by the hub ${Date.now()}`;
			writeFileSync(path.join(dir, "websub-e2e-post.md"), `---\ntitle: "${title}"\ndate: 2026-11-30\ntags: [websub]\n---\n\nA post for the WebSub e2e test.\n`);
			await putPostsWithWrangler({ contentDir: dir, persistTo });
			const sync = await fetch(`${base}/api/sync`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
			expect(sync.status).toBe(200);

			const delivery = await subscriber.next((e) => e.event === "content" && (e.body ?? "").includes(title));
			expect(delivery.verified).toBe(true);
			expect(delivery.contentType).toBe("application/atom+xml; charset=utf-8");
			expect(delivery.link).toBe(`<${base}/websub>; rel="hub", <${base}/atom.xml>; rel="self"`);
			expect(delivery.body).toBe(await (await fetch(`${base}/atom.xml`)).text());
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
