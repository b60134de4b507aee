/**
 * A Cloudflare account as wrangler 4.156 shows it, for the setup script's tests: answers the argv the setup
 * passes with the output formats of the real commands (r2 bucket list and notification list print
 * "label: value" blocks, queues list a cli-table3 box, d1 list --json and secret list JSON) and records every
 * call. No account exists on this machine; this is the process boundary.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";

export interface FakeAccount {
	loggedIn: boolean;
	buckets: string[];
	databases: { name: string; uuid: string; applied: string[] }[];
	queues: string[];
	notifications: { bucket: string; queue: string; actions: string[] }[];
	/** null: the Worker has never been deployed (wrangler secret list fails). */
	secrets: Map<string, string> | null;
	/** A command (e.g. "queues create") that fails, to test how the setup stops. */
	failing?: string;
}

export function emptyAccount(overrides: Partial<FakeAccount> = {}): FakeAccount {
	return { loggedIn: true, buckets: [], databases: [], queues: [], notifications: [], secrets: null, ...overrides };
}

export interface Call {
	args: string[];
	input?: string;
}

/** The same argv wrangler would parse, minus --config (recorded separately by the caller if needed). */
export function fakeWrangler(account: FakeAccount, migrationsDir: string) {
	const calls: Call[] = [];
	const wrangler = async (argv: string[], options: { input?: string } = {}) => {
		calls.push({ args: argv, input: options.input });
		const configAt = argv.indexOf("--config");
		const configPath = configAt >= 0 ? argv[configAt + 1] : undefined;
		const args = argv.filter((_, i) => i !== configAt && i !== configAt + 1);
		const command = args.slice(0, 3).join(" ");
		if (account.failing && command.startsWith(account.failing)) return fail(`✘ [ERROR] A request to the Cloudflare API failed. (${account.failing})`);
		const ok = (output: string) => ({ code: 0, output: `\n ⛅️ wrangler 4.156.0\n───────────────────\n${output}\n` });

		if (args[0] === "whoami") {
			return ok(account.loggedIn ? "👋 You are logged in with an OAuth Token, associated with the email ops@pressroom.test." : "You are not authenticated. Please run `wrangler login`.");
		}
		if (!account.loggedIn) return fail("✘ [ERROR] You must be logged in to use wrangler.");

		if (command === "r2 bucket list") {
			return ok(`Listing buckets...\n${account.buckets.map((name) => `name:           ${name}\ncreation_date:  2026-11-30T10:00:00.000Z`).join("\n\n")}`);
		}
		if (command === "r2 bucket create") {
			account.buckets.push(args[3] ?? "");
			return ok(`Creating bucket '${args[3]}'...\n✅ Created bucket '${args[3]}' with default storage class of Standard.`);
		}
		if (args.slice(0, 4).join(" ") === "r2 bucket notification list") {
			const rules = account.notifications.filter((rule) => rule.bucket === args[4]);
			return ok(
				`Fetching notification rules for bucket ${args[4]}...\n${rules
					.map((rule, i) => `rule_id:     rule-${i}\ncreated_at:  2026-11-30T10:00:00.000Z\nqueue_name:  ${rule.queue}\nprefix:      (all prefixes)\nsuffix:      (all suffixes)\nevent_type:  ${rule.actions.join(",")}`)
					.join("\n\n")}`,
			);
		}
		if (args.slice(0, 4).join(" ") === "r2 bucket notification create") {
			const bucket = args[4] ?? "";
			const queue = valueOf(args, "--queue");
			if (!account.buckets.includes(bucket)) return fail(`✘ [ERROR] The specified bucket does not exist. [code: 10006]`);
			if (!account.queues.includes(queue)) return fail(`✘ [ERROR] Queue ${queue} does not exist. [code: 11000]`);
			const at = args.indexOf("--event-type");
			const actions: string[] = [];
			for (let i = at + 1; i < args.length && !args[i]?.startsWith("--"); i += 1) actions.push(args[i] ?? "");
			account.notifications.push({ bucket, queue, actions });
			return ok(`Creating event notification rule for object creation and deletion (${actions.join(",")})\n✨ Success! Created a new event notification rule for bucket '${bucket}'.`);
		}
		if (command === "d1 list --json") {
			return ok(JSON.stringify(account.databases.map((db) => ({ uuid: db.uuid, name: db.name, created_at: "2026-11-30T10:00:00.000Z", version: "production", num_tables: 0, file_size: 0 })), null, 2));
		}
		if (command.startsWith("d1 create")) {
			const uuid = randomUUID();
			account.databases.push({ name: args[2] ?? "", uuid, applied: [] });
			return ok(
				`✅ Successfully created DB '${args[2]}' in region WEUR\nCreated your new D1 database.\n\nTo access your new D1 Database in your Worker, add the following snippet to your configuration file:\n[[d1_databases]]\nbinding = "${args[2]}"\ndatabase_name = "${args[2]}"\ndatabase_id = "${uuid}"`,
			);
		}
		if (args.slice(0, 3).join(" ") === "d1 migrations apply") {
			// Like wrangler: the database is found through the config's database_id for that environment.
			const toml = readFileSync(configPath ?? "", "utf8");
			const id = /\[\[env\.production\.d1_databases\]\][\s\S]*?database_id = "([^"]+)"/.exec(toml)?.[1];
			const db = account.databases.find((candidate) => candidate.uuid === id);
			if (!db) return fail(`✘ [ERROR] Couldn't find DB with id ${id} [code: 7404]`);
			const pending = readdirSync(migrationsDir).filter((file) => file.endsWith(".sql") && !db.applied.includes(file)).sort();
			if (pending.length === 0) return ok("✅ No migrations to apply!");
			db.applied.push(...pending);
			return ok(`Migrations to be applied:\n${pending.map((file) => `│ ${file} │`).join("\n")}\n🌀 Executing on remote database ${db.name} (${db.uuid}):\n${pending.map((file) => `│ ${file} │ ✅ │`).join("\n")}`);
		}
		if (command === "queues list") {
			const width = Math.max(4, ...account.queues.map((name) => name.length));
			const row = (id: string, name: string) => `│ ${id.padEnd(32)} │ ${name.padEnd(width)} │ 2026-11-30T10:00:00Z │`;
			return ok(
				[
					`┌${"─".repeat(34)}┬${"─".repeat(width + 2)}┬${"─".repeat(22)}┐`,
					row("id", "name").replace("2026-11-30T10:00:00Z", "created_on".padEnd(20)),
					`├${"─".repeat(34)}┼${"─".repeat(width + 2)}┼${"─".repeat(22)}┤`,
					...account.queues.map((name) => row(randomUUID().replaceAll("-", ""), name)),
					`└${"─".repeat(34)}┴${"─".repeat(width + 2)}┴${"─".repeat(22)}┘`,
				].join("\n"),
			);
		}
		if (command.startsWith("queues create")) {
			account.queues.push(args[2] ?? "");
			return ok(`🌀 Creating queue '${args[2]}'\n✅ Created queue '${args[2]}'`);
		}
		if (command.startsWith("secret list")) {
			if (account.secrets === null) return fail(`✘ [ERROR] Worker "pressroom" (env: production) not found.\n\nIf this is a new Worker, run \`wrangler deploy\` first to create it.`);
			return { code: 0, output: JSON.stringify([...account.secrets.keys()].map((name) => ({ name, type: "secret_text" })), null, "  ") };
		}
		if (command.startsWith("secret put")) {
			if (!options.input) return fail("✘ [ERROR] No secret value on stdin");
			const created = account.secrets === null;
			account.secrets ??= new Map();
			account.secrets.set(args[2] ?? "", options.input);
			return ok(`${created ? '🌀 Creating new Worker "pressroom"...\n' : ""}🌀 Creating the secret for the Worker "pressroom"\n✨ Success! Uploaded secret ${args[2]}`);
		}
		return fail(`fake wrangler: no such command in this fake: ${args.join(" ")}`);
	};
	return { calls, wrangler };
}

function fail(output: string) {
	return { code: 1, output };
}

function valueOf(args: string[], flag: string): string {
	return args[args.indexOf(flag) + 1] ?? "";
}

export const migrationFiles = (dir: string) => readdirSync(dir).filter((file) => file.endsWith(".sql")).sort();
