/**
 * What a production deployment needs, read from wrangler's own view of `[env.production]`
 * (unstable_readConfig): the resources `npm run setup:cloudflare` creates, and the problems that make
 * `npm run deploy` refuse. Pure: takes the config object, returns values.
 */

export const PRODUCTION_ENV = "production";
/** wrangler.toml ships with this id; D1 has no such database. */
export const PLACEHOLDER_DATABASE_ID = "00000000-0000-0000-0000-000000000000";
/** R2 object-create/-delete notifications go here (the R2 events consumer reads it once it is bound). */
export const R2_EVENTS_QUEUE = "pressroom-r2-events";
export const R2_EVENT_TYPES = ["object-create", "object-delete"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * @param {{ name?: string, r2_buckets?: {binding: string, bucket_name?: string}[], d1_databases?: {binding: string, database_name?: string, database_id?: string, migrations_dir?: string}[], queues?: {producers?: {queue: string}[], consumers?: {queue: string, dead_letter_queue?: string}[]} }} config
 */
export function productionResources(config) {
	const bucket = config.r2_buckets?.find((binding) => binding.binding === "POSTS")?.bucket_name;
	// Optional: where document bodies go with DOCUMENT_BODIES=r2 (the default under PLAN=free).
	const documentsBucket = config.r2_buckets?.find((binding) => binding.binding === "DOCUMENTS")?.bucket_name;
	const database = config.d1_databases?.find((binding) => binding.binding === "DB");
	const queueNames = [
		...(config.queues?.producers ?? []).map((producer) => producer.queue),
		...(config.queues?.consumers ?? []).flatMap((consumer) => [consumer.queue, consumer.dead_letter_queue]),
		R2_EVENTS_QUEUE,
	].filter(Boolean);
	return {
		workerName: config.name,
		bucket,
		documentsBucket,
		database: database ? { name: database.database_name, id: database.database_id, migrationsDir: database.migrations_dir } : undefined,
		queues: [...new Set(queueNames)],
		notification: bucket ? { bucket, queue: R2_EVENTS_QUEUE, eventTypes: R2_EVENT_TYPES } : undefined,
		secrets: ["ADMIN_TOKEN"],
	};
}

/** Every reason not to deploy this config to production; empty when it may go. */
export function productionProblems(config) {
	const problems = [];
	const vars = config.vars ?? {};
	const resources = productionResources(config);
	if (!resources.bucket) problems.push("no R2 bucket is bound as POSTS in [env.production]");
	// src/config.ts refuses R2 bodies without the binding: every request would fail after the deploy.
	const bodies = String(vars.DOCUMENT_BODIES ?? "").trim().toLowerCase() || (String(vars.PLAN ?? "").trim().toLowerCase() === "free" ? "r2" : "d1");
	if (bodies === "r2" && resources.documentsBucket === undefined) {
		problems.push(`document bodies go to R2 (${vars.DOCUMENT_BODIES ? "DOCUMENT_BODIES=r2" : "PLAN=free"}) but no R2 bucket is bound as DOCUMENTS in [env.production]: add it (docs/deploy.md) and run npm run setup:cloudflare, or set DOCUMENT_BODIES = "d1"`);
	}
	if (resources.documentsBucket !== undefined && resources.documentsBucket === resources.bucket) {
		problems.push(`DOCUMENTS is bound to "${resources.bucket}", the posts' bucket: give document bodies a bucket of their own (the sync would list them as posts)`);
	}
	const id = resources.database?.id;
	if (!resources.database) problems.push("no D1 database is bound as DB in [env.production]");
	else if (!id || id === PLACEHOLDER_DATABASE_ID) problems.push(`database_id is the placeholder ${PLACEHOLDER_DATABASE_ID}: run npm run setup:cloudflare (it writes the real id), or paste the id from wrangler d1 list`);
	else if (!UUID.test(id)) problems.push(`database_id "${id}" is not a D1 id (a UUID)`);

	if (String(vars.DEV_MODE ?? "false").trim().toLowerCase() !== "false") problems.push(`DEV_MODE is "${vars.DEV_MODE}": production must keep it "false" (it allows http and loopback webhook URLs)`);

	const siteUrl = String(vars.SITE_URL ?? "");
	let url;
	try {
		url = new URL(siteUrl);
	} catch {
		problems.push(`SITE_URL "${siteUrl}" is not an absolute URL`);
	}
	if (url) {
		if (url.protocol !== "https:") problems.push(`SITE_URL "${siteUrl}" must use https`);
		if (isExampleHost(url.hostname)) problems.push(`SITE_URL "${siteUrl}" is an example or local address: set the site's public URL`);
	}

	const authority = String(vars.ID_AUTHORITY ?? "");
	const tag = /^([^,\s]+),(\d{4}(?:-\d{2}(?:-\d{2})?)?)$/.exec(authority);
	if (!tag) problems.push(`ID_AUTHORITY "${authority}" must be "domain-or-email,date", e.g. feeds.example.org,2026 (RFC 4151)`);
	else if (isExampleHost(tag[1].includes("@") ? tag[1].split("@").pop() : tag[1])) problems.push(`ID_AUTHORITY "${authority}" names an example domain: use one you own (entry ids are built from it, forever)`);
	return problems;
}

/** RFC 2606 / RFC 6761 names and loopback or unspecified addresses: never a real site. */
export function isExampleHost(hostname) {
	const host = hostname.toLowerCase().replace(/\.$/, "");
	if (["localhost", "0.0.0.0", "[::1]", "[::]"].includes(host) || /^127\./.test(host)) return true;
	if (/(^|\.)(example|test|invalid|localhost)$/.test(host)) return true;
	return /(^|\.)example\.(com|net|org)$/.test(host);
}
