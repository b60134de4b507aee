/**
 * The CLI's commands. Each takes { api, positionals, options, out } and returns an exit code; every API call
 * goes through api.call (scripts/cli/api.mjs), which maps failures to CliError.
 */
import path from "node:path";
import { PushError, describeUnexpected, pushFolder, terminalProgress } from "../lib/posts-push.mjs";
import { CliError, EXIT } from "./exit-codes.mjs";
import { duration, fields, filtersText, plural, subscriptionState, syncSummary, table, when } from "./format.mjs";

/** A sync can read thousands of objects; POST /api/sync answers only when it is done. */
const SYNC_TIMEOUT_MS = 15 * 60 * 1000;
/** Pages of 100 (the API's maximum) when listing everything. */
const PAGE = 100;

/** D1's size against the plan's limit (GET /api/status `database`), and its warning when it nears the limit. */
function databaseLine(database) {
	if (!database) return "?";
	const mb = (bytes) => (bytes >= 1e9 ? `${Number((bytes / 1e9).toFixed(1))} GB` : `${Number((bytes / 1e6).toFixed(1))} MB`);
	const size = database.bytes === undefined ? "size not reported" : `${mb(database.bytes)} of ${mb(database.limitBytes)}`;
	return `${size} (D1, ${database.plan} plan)${database.warning ? `; WARNING: ${database.warning}` : ""}`;
}

export async function status({ api, out }) {
	const { body } = await api.call("GET", "/api/status");
	out.result(body, () => {
		const lines = [];
		const storage = body.storage ?? {};
		lines.push(
			fields([
				["Server", api.baseUrl],
				["Storage", `${storage.backend ?? "?"}${storage.problems?.length ? ` (misconfigured: ${storage.problems.join("; ")})` : ""}`],
				["Catalog", `${plural(body.catalog?.posts ?? 0, "post")}, ${body.catalog?.broken ?? 0} broken`],
				["Last sync", body.lastSync ? `${when(body.lastSync.startedAt)} ${syncSummary(body.lastSync)}` : "never"],
				["Last success", body.lastSuccessfulSync ? when(body.lastSuccessfulSync.startedAt) : "never"],
				["Webhooks", webhookLine(body.webhooks)],
				["Database", databaseLine(body.database)],
			]),
		);
		const recent = body.recentSyncs ?? [];
		if (recent.length > 0) {
			lines.push("", "Recent syncs");
			lines.push(
				table(
					["STARTED", "TRIGGER", "STATUS", "DURATION", "LISTED", "READ", "CHANGES", "POSTS", "BROKEN", "LEFT", "ERROR"],
					recent.map((run) => [when(run.startedAt), run.trigger, run.status, duration(run.durationMs), run.objectsListed, run.objectsRead, run.changes, run.posts, run.broken, run.remaining, run.error]),
				),
			);
		}
		const broken = body.brokenPosts ?? [];
		lines.push("", broken.length === 0 ? "No broken posts." : `Broken posts (${broken.length})`);
		if (broken.length > 0) lines.push(table(["KEY", "REASON"], broken.map((post) => [post.key, post.reason])));
		const attention = body.webhooks?.subscriptions?.attention ?? [];
		if (attention.length > 0) {
			lines.push("", "Subscriptions needing attention");
			lines.push(table(["ID", "STATE", "URL"], attention.map((subscription) => [subscription.id, subscriptionState(subscription), subscription.url])));
		}
		return lines.join("\n");
	});
	return EXIT.ok;
}

function webhookLine(webhooks) {
	if (!webhooks) return "-";
	const { total = 0, enabled = 0 } = webhooks.subscriptions ?? {};
	const messages = Object.entries(webhooks.messages ?? {}).map(([state, count]) => `${count} ${state}`);
	return `${plural(total, "subscription")} (${enabled} enabled); messages: ${messages.join(", ") || "none"}`;
}

/**
 * POST /api/sync, repeated while a sync ends "partial" (its read budget ran out) unless --once: the command
 * returns when the catalog has caught up with the bucket, printing one line per round.
 */
export async function sync({ api, options, out }) {
	const rounds = [];
	for (;;) {
		const waiting = out.waiting(`syncing ${api.baseUrl}${rounds.length > 0 ? ` (round ${rounds.length + 1})` : ""}`);
		let run;
		try {
			run = (await api.call("POST", "/api/sync", { timeoutMs: SYNC_TIMEOUT_MS })).body.sync;
		} catch (error) {
			if (error instanceof CliError && error.exitCode === EXIT.conflict) {
				error.message = "another sync is running (it holds the sync lease)";
				error.hint = "wait for it to finish, then run `pressroom status` or sync again";
			}
			if (error instanceof CliError && error.body?.sync) error.body = error.body.sync;
			throw failedSync(error);
		} finally {
			waiting.stop();
		}
		rounds.push(run);
		const previous = rounds.at(-2);
		const stalled = previous !== undefined && run.remaining >= previous.remaining;
		if (run.status !== "partial" || options.once || stalled) break;
		out.progress(`round ${rounds.length}: read ${run.objectsRead}, ${run.remaining} objects left; syncing again…`);
	}
	const last = rounds.at(-1);
	out.result({ sync: last, rounds }, () => `sync ${syncSummary(last)}${rounds.length > 1 ? ` (${rounds.length} rounds)` : ""}`);
	return last.status === "failed" ? EXIT.failure : EXIT.ok;
}

/** A 502 from /api/sync carries the failed run: say what failed rather than "502". */
function failedSync(error) {
	if (error instanceof CliError && error.status === 502 && error.body?.sync) {
		error.message = `sync failed: ${error.body.sync.error ?? "see pressroom status"}`;
		error.body = error.body.sync;
	}
	return error;
}

export async function subscriptionsList({ api, out }) {
	const all = [];
	let cursor;
	do {
		const query = new URLSearchParams({ limit: String(PAGE) });
		if (cursor) query.set("cursor", cursor);
		const { body } = await api.call("GET", `/api/subscriptions?${query}`);
		all.push(...body.subscriptions);
		cursor = body.nextCursor ?? undefined;
	} while (cursor);
	out.result({ subscriptions: all }, () =>
		all.length === 0
			? "No subscriptions. Add one: pressroom subscriptions add <url>"
			: table(
					["ID", "STATE", "URL", "EVENTS", "FILTERS", "LAST SUCCESS", "DESCRIPTION"],
					all.map((s) => [s.id, subscriptionState(s), s.url, s.eventTypes.join(","), filtersText(s.filters), when(s.lastSuccessAt), s.description]),
				),
	);
	return EXIT.ok;
}

export async function subscriptionsAdd({ api, positionals, options, out }) {
	const [url] = positionals;
	const request = { url };
	if (options.description !== undefined) request.description = options.description;
	if (options.event?.length) request.eventTypes = options.event.flatMap(splitList);
	const tags = (options.tag ?? []).flatMap(splitList);
	const categories = (options.category ?? []).flatMap(splitList);
	if (tags.length || categories.length) request.filters = { ...(tags.length ? { tags } : {}), ...(categories.length ? { categories } : {}) };
	if (options.format !== undefined) request.format = options.format;
	if (options.disabled) request.enabled = false;
	const { body } = await api.call("POST", "/api/subscriptions", { body: request });
	const s = body.subscription;
	// A Slack or Discord subscription signs nothing: it has no secret, and its URL is shown in full only now.
	const chat = body.secret === undefined;
	out.result(body, () =>
		[
			`created ${s.id} -> ${s.url}`,
			fields([
				["Events", s.eventTypes.join(", ")],
				["Filters", filtersText(s.filters)],
				["State", subscriptionState(s)],
				chat ? ["Format", s.format] : ["Secret", body.secret],
			]),
			chat
				? "Its URL is the secret: it is shown masked from now on."
				: "The secret is shown only now: give it to the receiver (it verifies the webhook-signature header).",
		].join("\n"),
	);
	return EXIT.ok;
}

export async function subscriptionsRemove({ api, positionals, out }) {
	const [id] = positionals;
	await api.call("DELETE", `/api/subscriptions/${encodeURIComponent(id)}`);
	out.result({ deleted: id }, () => `deleted ${id}`);
	return EXIT.ok;
}

export async function subscriptionsPing({ api, positionals, out }) {
	const [id] = positionals;
	const { body } = await api.call("POST", `/api/subscriptions/${encodeURIComponent(id)}/test`);
	out.result(body, () => `ping queued for ${id}: message ${body.messageId} (event ${body.eventId}); follow it with: pressroom deliveries ${id}`);
	return EXIT.ok;
}

export async function subscriptionsRotate({ api, positionals, out }) {
	const [id] = positionals;
	const { body } = await api.call("POST", `/api/subscriptions/${encodeURIComponent(id)}/rotate-secret`);
	out.result(body, () =>
		[
			`rotated the secret of ${id}`,
			fields([
				["New secret", body.secret],
				["Old secret signs until", when(body.previousSecretExpiresAt)],
			]),
			"The new secret is shown only now; both sign every delivery until the old one expires.",
		].join("\n"),
	);
	return EXIT.ok;
}

export async function deliveries({ api, positionals, options, out }) {
	const [id] = positionals;
	const query = new URLSearchParams({ limit: String(options.limit ?? 20) });
	const { body } = await api.call("GET", `/api/subscriptions/${encodeURIComponent(id)}/deliveries?${query}`);
	out.result(body, () => {
		if (body.deliveries.length === 0) return `No deliveries to ${id} yet.`;
		const rows = [];
		for (const d of body.deliveries) {
			rows.push([d.messageId, d.eventType, d.status, d.attempts, when(d.createdAt), d.nextAttemptAt ? when(d.nextAttemptAt) : "", d.lastError]);
			for (const a of d.attemptLog) {
				const answer = a.statusCode ? `HTTP ${a.statusCode}` : "no answer";
				rows.push([`  #${a.attemptNumber}`, a.outcome, answer, duration(a.durationMs), when(a.createdAt), "", a.error]);
			}
		}
		const more = body.nextCursor ? `\n(newest ${body.deliveries.length} shown; --limit up to 100 shows more)` : "";
		return table(["MESSAGE / ATTEMPT", "EVENT / OUTCOME", "STATUS", "ATTEMPTS / TIME", "CREATED", "NEXT ATTEMPT", "ERROR"], rows) + more;
	});
	return EXIT.ok;
}

export async function redeliver({ api, positionals, out }) {
	const [messageId] = positionals;
	const { body } = await api.call("POST", `/api/deliveries/${encodeURIComponent(messageId)}/redeliver`);
	out.result(body, () => `message ${body.messageId} queued again (${body.status}); it keeps its webhook-id`);
	return EXIT.ok;
}

/** scripts/lib/posts-push.mjs, the code behind `npm run posts:push`: local R2, or S3 when S3_* are set. */
export async function postsPush({ positionals, options, out }) {
	const dir = path.resolve(positionals[0]);
	const persistTo = options["persist-to"] ? path.resolve(options["persist-to"]) : undefined;
	let counts;
	// wrangler's local-R2 proxy logs to stdout ("Using secrets defined in .dev.vars"); --json output must stay JSON.
	const restoreStdout = out.json ? divertConsoleLogToStderr() : () => {};
	try {
		counts = await pushFolder({
			dir,
			persistTo,
			dryRun: options["dry-run"] === true,
			log: out.json ? () => {} : (line) => console.log(line),
			progress: out.json ? undefined : terminalProgress(),
		});
	} catch (error) {
		throw new CliError(`posts push: ${error instanceof PushError ? error.message : describeUnexpected(error)}`, EXIT.failure);
	} finally {
		restoreStdout();
	}
	if (out.json) out.result(counts, () => "");
	if (counts.failed > 0) throw new CliError(`${plural(counts.failed, "file")} not stored; see the FAILED lines above`, EXIT.failure);
	return EXIT.ok;
}

function divertConsoleLogToStderr() {
	const log = console.log;
	console.log = (...args) => console.error(...args);
	return () => {
		console.log = log;
	};
}

function splitList(value) {
	return value
		.split(",")
		.map((part) => part.trim())
		.filter(Boolean);
}
