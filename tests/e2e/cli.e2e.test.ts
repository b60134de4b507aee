/**
 * `npm run pressroom -- <command>` against the real dev server: every command's human output, its --json
 * output, and the exit codes a shell script sees (scripts/cli/exit-codes.mjs). Webhooks go to a receiver on
 * 127.0.0.1; a held sync lease is written into the server's own local D1 to get a real 409.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort, runWrangler } from "../../scripts/lib/dev-server.mjs";
import { request } from "./support/site";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const base = inject("e2eBaseUrl");
const token = inject("e2eAdminToken");
const persistTo = inject("e2ePersistTo");

interface CliRun {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** One CLI run as a child process, the way a shell script runs it. No PRESSROOM_URL/.dev.vars from the developer leak in. */
function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
	const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("PRESSROOM_") && !name.startsWith("S3_")));
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(root, "scripts/pressroom.mjs"), ...args], {
			cwd: root,
			env: { ...clean, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", PRESSROOM_TOKEN: token, ...env } as unknown as NodeJS.ProcessEnv,
			stdio: ["ignore", "pipe", "pipe"],
		});
		let stdout = "";
		let stderr = "";
		child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
		child.on("error", reject);
		child.on("close", (code) => resolve({ code, stdout, stderr }));
	});
}

const onServer = (...args: string[]) => cli(["--url", base, ...args]);

function parsed<T = Record<string, unknown>>(run: CliRun): T {
	expect(run.code, run.stderr).toBe(0);
	return JSON.parse(run.stdout) as T;
}

/** The error object `--json` puts on stderr. */
function jsonError(run: CliRun): { error: string; message: string; exitCode: number; status?: number } {
	return JSON.parse(run.stderr.trim().split("\n").at(-1) ?? "{}");
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
	for (let attempt = 0; attempt < 120; attempt += 1) {
		const value = await probe();
		if (value !== undefined) return value;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`gave up waiting for ${what}`);
}

/** A webhook receiver on 127.0.0.1 that answers 204 and keeps what it got. */
let receiver: Server;
let receiverUrl: string;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];

beforeAll(async () => {
	receiver = createServer((req, res) => {
		let body = "";
		req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
		req.on("end", () => {
			received.push({ headers: req.headers, body });
			res.writeHead(204).end();
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
	await new Promise((resolve) => receiver.close(resolve));
});

describe("pressroom CLI: status and sync", () => {
	it("status prints the catalog, recent syncs and broken posts as text, and the API's status as --json", async () => {
		const api = JSON.parse((await request(`${base}/api/status`, { headers: { authorization: `Bearer ${token}` } })).body);
		const text = await onServer("status");
		const json = parsed<typeof api>(await onServer("status", "--json"));

		expect(text.code, text.stderr).toBe(0);
		expect(text.stdout).toContain(`Server        ${base}/`);
		expect(text.stdout).toMatch(new RegExp(`Catalog +${api.catalog.posts} posts?, ${api.catalog.broken} broken`));
		expect(text.stdout).toMatch(/Recent syncs\nSTARTED +TRIGGER +STATUS +DURATION/);
		expect(text.stdout).toMatch(/ api +succeeded +\d/);
		expect(text.stdout).toMatch(/Database +[\d.]+ MB of 10 GB \(D1, paid plan\)\n/);
		for (const broken of api.brokenPosts) expect(text.stdout).toContain(broken.key);
		expect(json.catalog).toEqual(api.catalog);
		expect(json.brokenPosts).toEqual(api.brokenPosts);
	});

	it("sync waits for the sync, prints its summary, and exits 0; --json gives the run", async () => {
		const text = await onServer("sync");
		const json = parsed<{ sync: { status: string; objectsListed: number; posts: number }; rounds: unknown[] }>(await onServer("sync", "--json"));

		expect(text.code, text.stderr).toBe(0);
		expect(text.stderr).toContain(`syncing ${base}/…`);
		expect(text.stdout).toMatch(/^sync succeeded in [\d.]+ m?s: listed \d+, read \d+, \d+ changes?; \d+ posts?, \d+ broken\n$/);
		expect(json.sync.status).toBe("succeeded");
		expect(json.sync.objectsListed).toBeGreaterThan(0);
		expect(json.rounds).toHaveLength(1);
	});

	it("sync exits 5 with a clear message while another sync holds the lease (a real 409)", async () => {
		const holder = `e2e-cli-${process.pid}`;
		const sql = (command: string) => runWrangler(["d1", "execute", "pressroom", "--local", "--persist-to", persistTo, "--command", command]);
		const held = await sql(`INSERT INTO leases (name, holder, expires_at) VALUES ('sync', '${holder}', ${Date.now() + 10 * 60_000})`);
		expect(held.code, held.output).toBe(0);
		let text: CliRun;
		let json: CliRun;
		try {
			text = await onServer("sync");
			json = await onServer("sync", "--json");
		} finally {
			const released = await sql(`DELETE FROM leases WHERE name = 'sync' AND holder = '${holder}'`);
			expect(released.code, released.output).toBe(0);
		}
		const after = await onServer("sync");

		expect(text.code, text.stderr).toBe(5);
		expect(text.stderr).toContain("pressroom: another sync is running (it holds the sync lease)");
		expect(text.stdout).toBe("");
		expect(json.code).toBe(5);
		expect(jsonError(json)).toMatchObject({ error: "conflict", status: 409, exitCode: 5 });
		expect(after.code, after.stderr).toBe(0);
	});
});

describe("pressroom CLI: subscriptions, deliveries, redeliver", () => {
	it("adds, lists, pings, shows deliveries, redelivers, rotates and removes a subscription", async () => {
		const added = await onServer("subscriptions", "add", receiverUrl, "--description", "CLI e2e", "--tag", "postgres,replication", "--event", "post.published");
		expect(added.code, added.stderr).toBe(0);
		const id = /^created (sub_\w+) -> /.exec(added.stdout)?.[1] ?? "";
		expect(id).not.toBe("");
		expect(added.stdout).toMatch(/Secret +whsec_[A-Za-z0-9+/=]+/);
		expect(added.stdout).toMatch(/Filters +tags: postgres, replication/);

		try {
			const listText = await onServer("subscriptions", "list");
			const listJson = parsed<{ subscriptions: { id: string; url: string; description: string }[] }>(await onServer("subscriptions", "list", "--json"));
			expect(listText.code, listText.stderr).toBe(0);
			expect(listText.stdout).toMatch(/^ID +STATE +URL +EVENTS +FILTERS +LAST SUCCESS +DESCRIPTION$/m);
			expect(listText.stdout).toMatch(new RegExp(`^${id} +enabled +${receiverUrl.replace(/[.]/g, "\\.")} +post\\.published +tags: postgres, replication +- +CLI e2e$`, "m"));
			expect(listJson.subscriptions.find((s) => s.id === id)).toMatchObject({ url: receiverUrl, description: "CLI e2e" });

			const ping = await onServer("subscriptions", "ping", id);
			expect(ping.code, ping.stderr).toBe(0);
			const messageId = new RegExp(`^ping queued for ${id}: message (msg_\\w+)`).exec(ping.stdout)?.[1] ?? "";
			expect(messageId).not.toBe("");

			type Deliveries = { deliveries: { messageId: string; status: string; eventType: string; attemptLog: { statusCode?: number }[] }[] };
			const delivered = await until("the ping to succeed", async () => {
				const page = parsed<Deliveries>(await onServer("deliveries", id, "--json"));
				return page.deliveries.find((d) => d.messageId === messageId && d.status === "succeeded");
			});
			expect(delivered.eventType).toBe("ping");
			expect(delivered.attemptLog[0]?.statusCode).toBe(204);
			expect(received.some((r) => r.headers["webhook-id"] === messageId && JSON.parse(r.body).type === "ping")).toBe(true);

			const deliveriesText = await onServer("deliveries", id);
			expect(deliveriesText.code, deliveriesText.stderr).toBe(0);
			expect(deliveriesText.stdout).toMatch(/^MESSAGE \/ ATTEMPT +EVENT \/ OUTCOME +STATUS/);
			expect(deliveriesText.stdout).toMatch(new RegExp(`^${messageId} +ping +succeeded +1 `, "m"));
			expect(deliveriesText.stdout).toMatch(/^ {2}#1 +\S+ +HTTP 204 +\d+ ms /m);

			const redelivered = await onServer("redeliver", messageId);
			expect(redelivered.code, redelivered.stderr).toBe(0);
			expect(redelivered.stdout).toBe(`message ${messageId} queued again (pending); it keeps its webhook-id\n`);
			await until("the redelivery", async () => (received.filter((r) => r.headers["webhook-id"] === messageId).length >= 2 ? true : undefined));
			const redeliveredJson = await until("the message to be delivered again", async () => {
				const run = await onServer("redeliver", messageId, "--json");
				return run.code === 0 ? run : undefined;
			});
			expect(JSON.parse(redeliveredJson.stdout)).toEqual({ messageId, status: "pending" });

			const rotated = await onServer("subscriptions", "rotate", id);
			const rotatedJson = parsed<{ secret: string; previousSecretExpiresAt: string }>(await onServer("subscriptions", "rotate", id, "--json"));
			expect(rotated.code, rotated.stderr).toBe(0);
			expect(rotated.stdout).toMatch(new RegExp(`^rotated the secret of ${id}\nNew secret +whsec_`));
			expect(rotatedJson.secret).toMatch(/^whsec_/);
			expect(Date.parse(rotatedJson.previousSecretExpiresAt)).toBeGreaterThan(Date.now());

			const pingJson = parsed<{ messageId: string; eventId: string }>(await onServer("subscriptions", "ping", id, "--json"));
			expect(pingJson.messageId).toMatch(/^msg_/);
		} finally {
			const removed = await onServer("subscriptions", "rm", id);
			expect(removed.code, removed.stderr).toBe(0);
			expect(removed.stdout).toBe(`deleted ${id}\n`);
		}
		const again = await onServer("subscriptions", "rm", id, "--json");
		expect(again.code).toBe(6);
		expect(jsonError(again)).toMatchObject({ error: "not_found", status: 404, exitCode: 6 });
	});

	it("subscriptions add --json returns the subscription and its secret; a refused URL exits 1 naming the field", async () => {
		const added = parsed<{ subscription: { id: string; enabled: boolean }; secret: string }>(
			await onServer("subscriptions", "add", receiverUrl, "--disabled", "--json"),
		);
		try {
			expect(added.secret).toMatch(/^whsec_/);
			expect(added.subscription.enabled).toBe(false);
			const ping = await onServer("subscriptions", "ping", added.subscription.id);
			expect(ping.code).toBe(5);
			expect(ping.stderr).toContain("is disabled");
		} finally {
			expect(parsed(await onServer("subscriptions", "rm", added.subscription.id, "--json"))).toEqual({ deleted: added.subscription.id });
		}

		const refused = await onServer("subscriptions", "add", "ftp://127.0.0.1/x");
		expect(refused.code).toBe(1);
		expect(refused.stderr).toMatch(/^pressroom: POST \/api\/subscriptions failed with 400: .*url uses the scheme "ftp"/m);
	});

	it("redeliver exits 5 while the message is still pending (its receiver never answers, so it waits for a retry)", async () => {
		const deadUrl = `http://127.0.0.1:${await freePort()}/hook`;
		const added = parsed<{ subscription: { id: string } }>(await onServer("subscriptions", "add", deadUrl, "--json"));
		const id = added.subscription.id;
		try {
			const ping = parsed<{ messageId: string }>(await onServer("subscriptions", "ping", id, "--json"));
			const redeliver = await onServer("redeliver", ping.messageId);
			const redeliverJson = await onServer("redeliver", ping.messageId, "--json");

			expect(redeliver.code).toBe(5);
			expect(redeliver.stderr).toBe(`pressroom: message ${ping.messageId} is still pending: wait for it to succeed or fail before redelivering\n`);
			expect(jsonError(redeliverJson)).toMatchObject({ error: "conflict", status: 409, exitCode: 5 });
		} finally {
			expect((await onServer("subscriptions", "rm", id)).code).toBe(0);
		}
	});

	it("deliveries and redeliver exit 6 for an id that does not exist", async () => {
		const deliveries = await onServer("deliveries", "sub_doesnotexist");
		const redeliver = await onServer("redeliver", "msg_doesnotexist");

		expect(deliveries.code).toBe(6);
		expect(deliveries.stderr).toContain("pressroom: No subscription sub_doesnotexist");
		expect(redeliver.code).toBe(6);
		expect(redeliver.stderr).toContain("pressroom: No delivery msg_doesnotexist");
	});
});

describe("pressroom CLI: posts push", () => {
	it("uploads a folder with the posts:push code, skips unchanged files, and reports counts as --json", async () => {
		const posts = mkdtempSync(path.join(tmpdir(), "pressroom-cli-posts-"));
		const state = mkdtempSync(path.join(tmpdir(), "pressroom-cli-state-"));
		try {
			writeFileSync(path.join(posts, "one.md"), "---\ntitle: One\ndate: 2026-01-01\n---\n\nBody.\n");
			const first = await cli(["posts", "push", posts, "--persist-to", state]);
			const second = await cli(["posts", "push", posts, "--persist-to", state, "--json"]);

			expect(first.code, first.stderr).toBe(0);
			expect(first.stdout).toContain("uploaded one.md (");
			expect(first.stdout).toContain("posts:push: uploaded 1, unchanged 0, failed 0");
			expect(JSON.parse(second.stdout)).toMatchObject({ uploaded: 0, unchanged: 1, failed: 0 });
		} finally {
			rmSync(posts, { recursive: true, force: true });
			rmSync(state, { recursive: true, force: true });
		}
	});

	it("exits 1 with one line when the folder does not exist", async () => {
		const run = await cli(["posts", "push", path.join(tmpdir(), "pressroom-no-such-folder")]);
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(/^pressroom: posts push: .*pressroom-no-such-folder does not exist\n$/);
	});
});

describe("pressroom CLI: exit codes", () => {
	it("exits 3 when nothing answers at the URL", async () => {
		const url = `http://127.0.0.1:${await freePort()}`;
		const text = await cli(["status", "--url", url]);
		const json = await cli(["sync", "--url", url, "--json"]);

		expect(text.code).toBe(3);
		expect(text.stderr).toContain(`pressroom: cannot reach ${url}/ (ECONNREFUSED)`);
		expect(text.stderr).toContain("npm start");
		expect(json.code).toBe(3);
		expect(jsonError(json)).toMatchObject({ error: "unreachable", exitCode: 3 });
	});

	it("exits 4 when the token is wrong or missing", async () => {
		const wrong = await cli(["status", "--url", base], { PRESSROOM_TOKEN: "not-the-token" });
		const wrongJson = await cli(["subscriptions", "list", "--url", base, "--json"], { PRESSROOM_TOKEN: "not-the-token" });
		// A non-loopback URL never falls back to .dev.vars, so no token at all is sent.
		const missing = await cli(["status", "--url", "https://pressroom.invalid"], { PRESSROOM_TOKEN: "" });

		expect(wrong.code).toBe(4);
		expect(wrong.stderr).toContain("pressroom: the server refused the admin token (401: The admin token is wrong)");
		expect(wrong.stderr).toContain("PRESSROOM_TOKEN");
		expect(wrongJson.code).toBe(4);
		expect(jsonError(wrongJson)).toMatchObject({ error: "unauthorized", status: 401, exitCode: 4 });
		expect(missing.code).toBe(4);
		expect(missing.stderr).toContain("pressroom: no admin token");
	});

	it("exits 2 for a command line it cannot run, and 0 for --help", async () => {
		const runs = await Promise.all([
			cli(["frobnicate"]),
			cli(["subscriptions"]),
			cli(["deliveries"]),
			cli(["status", "--limit", "5"]),
			cli(["deliveries", "sub_x", "--limit", "500"]),
			cli(["status", "--url", "not a url"]),
		]);
		const help = await cli(["--help"]);

		expect(runs.map((run) => run.code)).toEqual([2, 2, 2, 2, 2, 2]);
		expect(runs.map((run) => run.stderr.split("\n")[0])).toEqual([
			'pressroom: unknown command "frobnicate"',
			'pressroom: "subscriptions" needs a subcommand, e.g. subscriptions list',
			"pressroom: deliveries needs <subscription>",
			"pressroom: status has no --limit option",
			'pressroom: --limit must be a whole number from 1 to 100, got "500"',
			'pressroom: --url must be an absolute URL such as https://feeds.example.org, got "not a url"',
		]);
		expect(help.code).toBe(0);
		expect(help.stdout).toContain("exit codes");
	});
});
