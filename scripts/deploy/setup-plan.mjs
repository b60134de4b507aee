/**
 * The decisions of `npm run setup:cloudflare`, as pure functions: read what wrangler's list commands print,
 * and from that and the config decide what to create. scripts/deploy/setup-cloudflare.mjs runs them.
 * Output formats are wrangler 4.156's (r2 bucket list and notification list print "label: value" blocks,
 * queues list a box table, d1 list --json and secret list JSON).
 */
import { PRODUCTION_ENV } from "./production-config.mjs";

const ANSI = /\x1b\[[0-9;]*m/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** `wrangler r2 bucket list`: blocks of "name: …" / "creation_date: …". */
export function parseBucketList(output) {
	return labelled(output, "name");
}

/** `wrangler d1 list --json`: [{ uuid, name, … }]. */
export function parseDatabaseList(output) {
	const json = jsonIn(output, "[");
	if (!Array.isArray(json)) throw new Error(`could not read the output of wrangler d1 list --json:\n${output.trim().slice(0, 500)}`);
	return json.map((database) => ({ name: database.name, id: database.uuid }));
}

/** `wrangler queues list`: a cli-table3 box table with a "name" column. */
export function parseQueueList(output) {
	const rows = output
		.replace(ANSI, "")
		.split("\n")
		.filter((line) => line.trimStart().startsWith("│"))
		.map((line) => line.split("│").slice(1, -1).map((cell) => cell.trim()));
	const column = rows[0]?.indexOf("name") ?? -1;
	if (column < 0) return [];
	return rows.slice(1).map((row) => row[column]).filter(Boolean);
}

/** `wrangler secret list` (JSON: [{ name, type }]); null when the Worker does not exist yet. */
export function parseSecretList(result) {
	if (result.code !== 0) {
		if (/not found|does not exist|10007/i.test(result.output)) return null;
		throw new Error(`wrangler secret list failed:\n${result.output.trim().slice(0, 500)}`);
	}
	const json = jsonIn(result.output, "[");
	if (!Array.isArray(json)) throw new Error(`could not read the output of wrangler secret list:\n${result.output.trim().slice(0, 500)}`);
	return json.map((secret) => secret.name);
}

/** `wrangler r2 bucket notification list BUCKET`: blocks of rule_id, queue_name, prefix, suffix, event_type. */
export function parseNotificationList(output) {
	const blocks = output.replace(ANSI, "").split(/\n\s*\n/);
	const rules = [];
	for (const block of blocks) {
		const field = (label) => new RegExp(`^\\s*${label}:\\s*(.*?)\\s*$`, "m").exec(block)?.[1];
		const queue = field("queue_name");
		if (!queue) continue;
		rules.push({ queue, eventTypes: (field("event_type") ?? "").split(",").map((type) => type.trim()).filter(Boolean) });
	}
	return rules;
}

/** The id in the snippet `wrangler d1 create` prints (`database_id = "…"` or `"database_id": "…"`). */
export function parseCreatedDatabaseId(output) {
	const match = /database_id"?\s*[=:]\s*"([^"]+)"/.exec(output) ?? UUID.exec(output);
	const id = match?.[1] ?? match?.[0];
	if (!id || !UUID.test(id)) throw new Error(`could not find the new database's id in wrangler's output:\n${output.trim().slice(0, 500)}`);
	return id;
}

/** Migration files wrangler reports as applied ("│ 0001_catalog.sql │ ✅ │"), or [] for "No migrations to apply". */
export function parseAppliedMigrations(output) {
	return [...new Set([...output.matchAll(/│\s*(\S+\.sql)\s*│\s*✅/g)].map((match) => match[1]))];
}

/**
 * What to do, in order. A step is { resource, name, action: "create" | "exists" | "update", args?, why? }.
 * `args` are wrangler's (without --config, which the runner adds). "update" only ever writes the D1 id into
 * the config; migrations always run, since `d1 migrations apply` applies only what is missing.
 * @param {ReturnType<import("./production-config.mjs").productionResources>} resources
 * @param {{ buckets: string[], databases: {name: string, id: string}[], queues: string[], secrets: string[] | null, notifications: {queue: string, eventTypes: string[]}[] }} observed
 */
export function planSetup(resources, observed) {
	const steps = [];
	const env = ["--env", PRODUCTION_ENV];
	// The posts' bucket, and the documents' when [env.production] binds one (DOCUMENTS), each once.
	for (const bucket of new Set([resources.bucket, resources.documentsBucket].filter(Boolean))) {
		steps.push(observed.buckets.includes(bucket) ? { resource: "R2 bucket", name: bucket, action: "exists" } : { resource: "R2 bucket", name: bucket, action: "create", args: ["r2", "bucket", "create", bucket] });
	}

	const database = resources.database;
	const found = observed.databases.find((candidate) => candidate.name === database.name);
	if (!found) {
		steps.push({ resource: "D1 database", name: database.name, action: "create", args: ["d1", "create", database.name] });
		steps.push({ resource: "database_id in config", name: database.name, action: "update", why: "the id of the new database" });
	} else {
		steps.push({ resource: "D1 database", name: database.name, action: "exists", id: found.id });
		if (found.id !== database.id) steps.push({ resource: "database_id in config", name: database.name, action: "update", id: found.id, why: `config has ${database.id}` });
		else steps.push({ resource: "database_id in config", name: database.name, action: "exists", id: found.id });
	}
	steps.push({ resource: "D1 migrations", name: database.name, action: "apply", args: ["d1", "migrations", "apply", database.name, "--remote", ...env] });

	for (const queue of resources.queues) {
		steps.push(observed.queues.includes(queue) ? { resource: "queue", name: queue, action: "exists" } : { resource: "queue", name: queue, action: "create", args: ["queues", "create", queue] });
	}

	const wanted = resources.notification;
	if (wanted) {
		// Any rule to our queue counts, prefix or not: an operator may have narrowed it to POSTS_PREFIX on purpose.
		const covered = new Set(observed.notifications.filter((rule) => rule.queue === wanted.queue).flatMap((rule) => rule.eventTypes));
		const missing = wanted.eventTypes.filter((type) => !covered.has(type));
		const name = `${wanted.bucket} -> ${wanted.queue}`;
		steps.push(
			missing.length === 0
				? { resource: "R2 event notification", name, action: "exists" }
				: {
						resource: "R2 event notification",
						name: `${name} (${missing.join(", ")})`,
						action: "create",
						args: ["r2", "bucket", "notification", "create", wanted.bucket, "--event-type", ...missing, "--queue", wanted.queue, "--description", "Pressroom: sync changed posts at once"],
					},
		);
	}

	for (const secret of resources.secrets) {
		const exists = observed.secrets?.includes(secret) ?? false;
		steps.push(
			exists
				? { resource: "secret", name: secret, action: "exists" }
				: { resource: "secret", name: secret, action: "create", args: ["secret", "put", secret, ...env], stdin: "new-token", why: observed.secrets === null ? "the Worker does not exist yet: wrangler creates it with this secret" : undefined },
		);
	}
	return steps;
}

/**
 * The config text with `database_id` set in the `[[env.<env>.d1_databases]]` block named `databaseName`;
 * everything else, comments included, is left as it was. Throws when there is no such block.
 */
export function withDatabaseId(toml, envName, databaseName, id) {
	const header = `[[env.${envName}.d1_databases]]`;
	const lines = toml.split("\n");
	for (let start = lines.indexOf(header); start >= 0; start = lines.indexOf(header, start + 1)) {
		let end = start + 1;
		while (end < lines.length && !/^\s*\[/.test(lines[end])) end += 1;
		const block = lines.slice(start + 1, end);
		if (!block.some((line) => new RegExp(`^\\s*database_name\\s*=\\s*"${escapeRegExp(databaseName)}"`).test(line))) continue;
		const at = block.findIndex((line) => /^\s*database_id\s*=/.test(line));
		const line = `database_id = "${id}"`;
		if (at >= 0) lines[start + 1 + at] = line;
		else lines.splice(start + 1, 0, line);
		return lines.join("\n");
	}
	throw new Error(`no ${header} block with database_name = "${databaseName}" in the config`);
}

function labelled(output, label) {
	return [...output.replace(ANSI, "").matchAll(new RegExp(`^\\s*${label}:\\s*(\\S+)\\s*$`, "gm"))].map((match) => match[1]);
}

/** The JSON value wrangler printed, after any banner lines. */
function jsonIn(output, opener) {
	const text = output.replace(ANSI, "");
	const start = text.indexOf(opener);
	if (start < 0) return undefined;
	try {
		return JSON.parse(text.slice(start));
	} catch {
		return undefined;
	}
}

function escapeRegExp(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
