/**
 * `npm run setup:cloudflare`: what it creates given what the account has, with wrangler replaced at the process
 * boundary by a fake account (tests/scripts/fake-wrangler.ts); the config is a private copy of wrangler.toml,
 * read by wrangler's own config reader.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfigReader } from "../../scripts/deploy/read-config.mjs";
import { setupCloudflare } from "../../scripts/deploy/setup-cloudflare.mjs";
import { parseNotificationList, parseQueueList, planSetup, withDatabaseId } from "../../scripts/deploy/setup-plan.mjs";
import { productionProblems, productionResources } from "../../scripts/deploy/production-config.mjs";
import { configCopy, removeLater, removeTemporaries, root } from "./config-copy";
import { emptyAccount, fakeWrangler, migrationFiles, type FakeAccount } from "./fake-wrangler";

const migrations = path.join(root, "migrations");
const QUEUES = ["pressroom-webhooks", "pressroom-webhooks-dlq", "pressroom-r2-events"];
let readConfig: Awaited<ReturnType<typeof loadConfigReader>>;
beforeAll(async () => (readConfig = await loadConfigReader()));
afterEach(removeTemporaries);

async function setup(account: FakeAccount, { dryRun = false } = {}) {
	const config = configCopy();
	const fake = fakeWrangler(account, migrations);
	const lines: string[] = [];
	let tokens = 0;
	const run = () =>
		setupCloudflare({ configPath: config.path, wrangler: fake.wrangler, readConfig, newToken: () => `token-${++tokens}`, log: (line: string) => lines.push(line), dryRun });
	return { config, fake, lines, run };
}

/** The calls that change the account (everything but the look-ups). */
function changes(calls: { args: string[] }[]): string[] {
	return calls
		.map((call) => call.args.slice(0, call.args.indexOf("--config")).join(" "))
		.filter((command) => !/^(whoami|r2 bucket list|d1 list|queues list|secret list|r2 bucket notification list)/.test(command));
}

describe("setup:cloudflare", () => {
	it("on an empty account creates the bucket, database, queues, notification and secret, writes the id and applies the migrations", async () => {
		const account = emptyAccount();
		const { config, fake, lines, run } = await setup(account);

		const result = await run();

		expect(changes(fake.calls)).toEqual([
			"r2 bucket create pressroom-posts",
			// Bound as DOCUMENTS in [env.production], for document bodies in R2 (DOCUMENT_BODIES=r2).
			"r2 bucket create pressroom-documents",
			"d1 create pressroom",
			"d1 migrations apply pressroom --remote --env production",
			...QUEUES.map((queue) => `queues create ${queue}`),
			"r2 bucket notification create pressroom-posts --event-type object-create object-delete --queue pressroom-r2-events --description Pressroom: sync changed posts at once",
			"secret put ADMIN_TOKEN --env production",
		]);
		const id = account.databases[0]?.uuid ?? "";
		expect(config.text()).toContain(`[[env.production.d1_databases]]\nbinding = "DB"\ndatabase_name = "pressroom"\n# Written by`);
		expect(config.text()).toContain(`database_id = "${id}"\nmigrations_dir`);
		// Only the production block changes: local runs keep the placeholder.
		expect(config.text().match(/database_id = "00000000-0000-0000-0000-000000000000"/g)).toHaveLength(1);
		expect(account.databases[0]?.applied).toEqual(migrationFiles(migrations));
		expect(account.secrets?.get("ADMIN_TOKEN")).toBe("token-1");
		expect(fake.calls.find((call) => call.args[0] === "secret" && call.args[1] === "put")?.input).toBe("token-1");
		expect(result.token).toBe("token-1");
		expect(lines).toContain("  created  R2 bucket pressroom-posts");
		expect(lines).toContain(`  created  D1 database pressroom (${id})`);
		expect(lines).toContain(`  applied  D1 migrations pressroom: ${migrationFiles(migrations).join(", ")}`);
		expect(lines).toContain("  created  R2 bucket pressroom-documents");
		expect(lines).toContain("Created 8 resources.");
		expect(lines).toContain("ADMIN_TOKEN is token-1");
		// What is left for the operator: the example SITE_URL and ID_AUTHORITY, no longer the D1 id.
		expect(result.problems).toEqual([expect.stringMatching(/^SITE_URL "https:\/\/pressroom\.example"/), expect.stringMatching(/^ID_AUTHORITY/)]);
	});

	it("is idempotent: a second run creates nothing, rewrites nothing and only lets wrangler check the migrations", async () => {
		const account = emptyAccount();
		const { config, fake, lines, run } = await setup(account);
		await run();
		const afterFirst = config.text();
		fake.calls.length = 0;
		lines.length = 0;

		const second = await run();

		expect(changes(fake.calls)).toEqual(["d1 migrations apply pressroom --remote --env production"]);
		expect(config.text()).toBe(afterFirst);
		expect(second.steps.filter((step) => step.action === "create")).toEqual([]);
		expect(lines).toContain("  applied  D1 migrations pressroom: already up to date");
		expect(lines).toContain("Nothing was missing.");
		expect(second.token).toBeUndefined();
		expect(account.buckets).toEqual(["pressroom-posts", "pressroom-documents"]);
		expect(account.queues).toEqual(QUEUES);
	});

	it("creates only what is missing and takes the id of a database that already exists", async () => {
		const uuid = "5b0c6f0e-1d0a-4f57-9d2e-7e5b1c2a9f30";
		const account = emptyAccount({
			buckets: ["pressroom-posts", "pressroom-documents", "someone-elses"],
			databases: [{ name: "pressroom", uuid, applied: [] }],
			queues: ["pressroom-webhooks"],
			notifications: [{ bucket: "pressroom-posts", queue: "pressroom-r2-events", actions: ["object-create"] }],
			secrets: new Map([["ADMIN_TOKEN", "kept"]]),
		});
		const { config, fake, lines, run } = await setup(account);

		await run();

		expect(changes(fake.calls)).toEqual([
			"d1 migrations apply pressroom --remote --env production",
			"queues create pressroom-webhooks-dlq",
			"queues create pressroom-r2-events",
			"r2 bucket notification create pressroom-posts --event-type object-delete --queue pressroom-r2-events --description Pressroom: sync changed posts at once",
		]);
		expect(config.text()).toContain(`database_id = "${uuid}"`);
		expect(lines).toContain("  exists   R2 bucket pressroom-posts");
		expect(lines).toContain(`  wrote    database_id = "${uuid}" into [env.production] of ${config.path} (config has 00000000-0000-0000-0000-000000000000)`);
		expect(account.secrets?.get("ADMIN_TOKEN")).toBe("kept");
	});

	it("with --dry-run says what it would create and changes nothing", async () => {
		const account = emptyAccount({ buckets: ["pressroom-posts"] });
		const { config, fake, lines, run } = await setup(account, { dryRun: true });
		const before = config.text();

		await run();

		expect(changes(fake.calls)).toEqual([]);
		expect(config.text()).toBe(before);
		expect(lines).toContain("  would create  D1 database pressroom: wrangler d1 create pressroom");
		expect(lines).toContain("  would create  queue pressroom-r2-events: wrangler queues create pressroom-r2-events");
		expect(lines).toContain("Dry run: 7 to create, nothing changed.");
	});

	it("stops before looking at anything when wrangler is not logged in", async () => {
		const { fake, run } = await setup(emptyAccount({ loggedIn: false }));

		await expect(run()).rejects.toThrow(/not logged in: run `npx wrangler login`, or set CLOUDFLARE_API_TOKEN/);
		expect(fake.calls.map((call) => call.args[0])).toEqual(["whoami"]);
	});

	it("stops at the first failing create, naming the command and wrangler's error, after saying what it did", async () => {
		const account = emptyAccount({ failing: "queues create" });
		const { lines, run } = await setup(account);

		await expect(run()).rejects.toThrow(/wrangler queues create pressroom-webhooks failed \(exit 1\):\n.*A request to the Cloudflare API failed/);
		expect(lines).toContain("  created  R2 bucket pressroom-posts");
		expect(account.secrets).toBeNull();
	});
});

describe("setup:cloudflare decisions", () => {
	const resources = () => productionResources({
		name: "pressroom",
		r2_buckets: [{ binding: "POSTS", bucket_name: "posts" }],
		d1_databases: [{ binding: "DB", database_name: "db", database_id: "00000000-0000-0000-0000-000000000000" }],
		queues: { producers: [{ queue: "hooks" }], consumers: [{ queue: "hooks", dead_letter_queue: "hooks-dlq" }] },
	});

	it("plans the notification for both event types when no rule names the events queue", () => {
		const steps = planSetup(resources(), {
			buckets: ["posts"],
			databases: [],
			queues: [],
			secrets: [],
			notifications: [{ queue: "another-queue", eventTypes: ["object-create", "object-delete"] }],
		});
		const notification = steps.find((step) => step.resource === "R2 event notification");
		expect(notification?.args).toEqual(["r2", "bucket", "notification", "create", "posts", "--event-type", "object-create", "object-delete", "--queue", "pressroom-r2-events", "--description", "Pressroom: sync changed posts at once"]);
		expect(steps.filter((step) => step.resource === "queue").map((step) => step.name)).toEqual(["hooks", "hooks-dlq", "pressroom-r2-events"]);
	});

	it("plans the DOCUMENTS bucket only when [env.production] binds one", () => {
		const observed = { buckets: [], databases: [], queues: [], secrets: [], notifications: [] };
		const bucketSteps = (r2_buckets: { binding: string; bucket_name: string }[]) =>
			planSetup(productionResources({ name: "pressroom", r2_buckets, d1_databases: [{ binding: "DB", database_name: "db" }] }), observed)
				.filter((step) => step.resource === "R2 bucket")
				.map((step) => step.args?.join(" "));
		expect(bucketSteps([{ binding: "POSTS", bucket_name: "posts" }])).toEqual(["r2 bucket create posts"]);
		expect(bucketSteps([{ binding: "POSTS", bucket_name: "posts" }, { binding: "DOCUMENTS", bucket_name: "docs" }])).toEqual(["r2 bucket create posts", "r2 bucket create docs"]);
	});

	it("refuses to deploy with the documents' bucket the same as the posts'", () => {
		const config = { name: "pressroom", vars: { SITE_URL: "https://journal.org" }, r2_buckets: [{ binding: "POSTS", bucket_name: "posts" }, { binding: "DOCUMENTS", bucket_name: "posts" }] };
		expect(productionProblems(config)).toContain('DOCUMENTS is bound to "posts", the posts\' bucket: give document bodies a bucket of their own (the sync would list them as posts)');
		expect(productionProblems({ ...config, r2_buckets: [{ binding: "POSTS", bucket_name: "posts" }, { binding: "DOCUMENTS", bucket_name: "docs" }] }).join("\n")).not.toContain("DOCUMENTS");
	});

	it("refuses to deploy PLAN=free, whose document bodies go to R2, without a DOCUMENTS binding", () => {
		const config = { name: "pressroom", vars: { SITE_URL: "https://journal.org", PLAN: "free" }, r2_buckets: [{ binding: "POSTS", bucket_name: "posts" }] };
		const problem = "document bodies go to R2 (PLAN=free) but no R2 bucket is bound as DOCUMENTS in [env.production]";
		expect(productionProblems(config).join("\n")).toContain(problem);
		expect(productionProblems({ ...config, vars: { ...config.vars, DOCUMENT_BODIES: "d1" } }).join("\n")).not.toContain("DOCUMENTS");
		expect(productionProblems({ ...config, vars: { SITE_URL: "https://journal.org" } }).join("\n")).not.toContain("DOCUMENTS");
	});

	it("reads wrangler's queue table and notification blocks", () => {
		const table = [
			"┌──────────────────────────────────┬────────────────────┬─────────────┐",
			"│ id                               │ name               │ created_on  │",
			"├──────────────────────────────────┼────────────────────┼─────────────┤",
			"│ 9f0c2d6b5a8e1c473f2a9c1e7b4d4e8a │ pressroom-webhooks │ 2026-11-30  │",
			"│ 1c473f2a9c1e7b4d4e8a9f0c2d6b5a8e │ other              │ 2026-11-30  │",
			"└──────────────────────────────────┴────────────────────┴─────────────┘",
		].join("\n");
		const rules = "Fetching notification rules for bucket posts...\nrule_id:     a\ncreated_at:  x\nqueue_name:  pressroom-r2-events\nprefix:      (all prefixes)\nsuffix:      .md\nevent_type:  object-create,object-delete\n";

		expect(parseQueueList(table)).toEqual(["pressroom-webhooks", "other"]);
		expect(parseQueueList("┌┐\n└┘")).toEqual([]);
		expect(parseNotificationList(rules)).toEqual([{ queue: "pressroom-r2-events", eventTypes: ["object-create", "object-delete"] }]);
	});

	it("writes the database id into the named environment's block only, and refuses a config without one", () => {
		const toml = '[[d1_databases]]\ndatabase_name = "db"\ndatabase_id = "old"\n\n[[env.production.d1_databases]]\nbinding = "DB"\n# keep me\ndatabase_name = "db"\ndatabase_id = "old"\n\n[other]\nx = 1\n';

		expect(withDatabaseId(toml, "production", "db", "new")).toBe(toml.replace('# keep me\ndatabase_name = "db"\ndatabase_id = "old"', '# keep me\ndatabase_name = "db"\ndatabase_id = "new"'));
		expect(() => withDatabaseId(toml, "staging", "db", "new")).toThrow(/no \[\[env\.staging\.d1_databases\]\] block/);
	});
});

describe("npm run setup:cloudflare (the entry point)", () => {
	/** A wrangler executable for an empty account that only answers look-ups, logging each argv. */
	function fakeExecutable(dir: string, { loggedIn }: { loggedIn: boolean }): string {
		const file = path.join(dir, "wrangler");
		writeFileSync(
			file,
			`#!/bin/sh
echo "$*" >> "${dir}/calls.log"
case "$1 $2 $3" in
	"whoami "*) ${loggedIn ? 'echo "You are logged in with an API Token."' : 'echo "You are not authenticated. Please run wrangler login."'} ;;
	"r2 bucket list"*) echo "Listing buckets..." ;;
	"d1 list --json"*) echo "[]" ;;
	"queues list"*) echo "┌┐"; echo "└┘" ;;
	"secret list"*) echo 'Worker "pressroom" (env: production) not found.'; exit 1 ;;
	*) echo "unexpected: $*"; exit 1 ;;
esac
`,
		);
		chmodSync(file, 0o755);
		return file;
	}

	function runEntry(args: string[], wrangler: string) {
		const result = spawnSync(process.execPath, [path.join(root, "scripts/setup-cloudflare.mjs"), ...args], {
			cwd: root,
			env: { ...process.env, PRESSROOM_WRANGLER: wrangler, WRANGLER_SEND_METRICS: "false" },
			encoding: "utf8",
			timeout: 60_000,
		});
		return { code: result.status, output: `${result.stdout}${result.stderr}` };
	}

	it("runs the real wrangler argv through an executable and, with --dry-run, only looks", () => {
		const dir = mkdtempSync(path.join(tmpdir(), "pressroom-fake-wrangler-"));
		removeLater(() => rmSync(dir, { recursive: true, force: true }));
		const config = configCopy();

		const result = runEntry(["--dry-run", "--config", config.path], fakeExecutable(dir, { loggedIn: true }));

		expect(result.code, result.output).toBe(0);
		expect(result.output).toContain("Dry run: 8 to create, nothing changed.");
		expect(readFileSync(path.join(dir, "calls.log"), "utf8").trim().split("\n")).toEqual([
			`whoami --config ${config.path}`,
			`r2 bucket list --config ${config.path}`,
			`d1 list --json --config ${config.path}`,
			`queues list --config ${config.path}`,
			`secret list --env production --config ${config.path}`,
		]);
	}, 60_000);

	it("exits 1 with one line, no stack, when wrangler is not logged in", () => {
		const dir = mkdtempSync(path.join(tmpdir(), "pressroom-fake-wrangler-"));
		removeLater(() => rmSync(dir, { recursive: true, force: true }));

		const result = runEntry([], fakeExecutable(dir, { loggedIn: false }));

		expect(result.code).toBe(1);
		expect(result.output.trim()).toBe("setup:cloudflare: wrangler is not logged in: run `npx wrangler login`, or set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID)");
	}, 60_000);
});
