import type { Author, ContentSettings } from "./content/post";
import type { SiteIdentity } from "./feeds/channels";
import type { HubLimits } from "./hub/request";
import type { SyncBudget } from "./jobs/sync-catalog";
import { checkCallbackUrl } from "./webhooks/url-policy";
import { redactCredentials } from "./redaction";
import { isHttpUrl, readS3Settings, type S3Settings } from "./storage/s3-settings";

/** Where posts are read from: the R2 binding, or an S3-compatible store named by S3_* settings. */
export type StorageConfig =
	| { kind: "r2"; prefix: string }
	| ({ kind: "s3" } & S3Settings)
	/** Kept as a value so feeds are still served from the catalog; the sync and /api/status report the problems. */
	| { kind: "invalid"; problems: string[] };

export interface SiteConfig {
	title: string;
	description: string;
	url: string;
	language: string;
	timeZone: string;
	author: Author;
	itemCount: number;
	/** ARCHIVE_PAGE_SIZE: posts per archive page, HTML and feeds (docs/serving.md, "Feed archives"). */
	archivePageSize: number;
	/** FEED_MAX_BYTES: the largest feed document; older entries lose their content, then move to the archives. */
	feedMaxBytes: number;
	/** SITE_ICON (JSON Feed icon, Atom logo, RSS image) and SITE_FAVICON; by default the images at /icon.png and /favicon.ico. */
	icon: string;
	favicon: string;
}

export interface WebhookConfig {
	/** Per-attempt timeout. */
	timeoutMs: number;
	/** A subscription whose deliveries all failed for this long is disabled. */
	disableAfterHours: number;
}

/** Pressroom's own WebSub hub at {SITE_URL}/websub, and the external hubs pinged on publish. */
export interface HubConfig {
	url: string;
	limits: HubLimits;
	/** WEBSUB_PUBLISH_TO: hubs told `hub.mode=publish` for every changed feed, and advertised after ours. */
	publishTo: string[];
}

export interface Config {
	site: SiteConfig;
	hub: HubConfig;
	/** PLAN: the Workers plan the budgets below default to. */
	plan: Plan;
	/** What one invocation of the sync may do; a bigger backlog is carried on by the next invocations. */
	syncBudget: SyncBudget;
	/** Most logical documents one publish renders; the rest stay stale for the next one. */
	publishMaxRenders: number;
	/** The subrequests an invocation may have made when its publish ends (the continuation message comes after). */
	publishMaxSubrequests: number;
	/** The CPU one publish may be charged, at a calibrated cost per rendered entry (src/jobs/publish-budget.ts). */
	publishRenderBudget: { maxMs: number; msPerEntry: number };
	/** How long an isolate serves its cached documents before checking for a publish made elsewhere. */
	documentStalenessMs: number;
	/** DOCUMENT_BODIES: where a publish writes documents' bytes ("r2" needs the DOCUMENTS binding, checked here). */
	documentBodies: DocumentBodiesSetting;
	content: ContentSettings;
	storage: StorageConfig;
	webhooks: WebhookConfig;
	/** Absent means every /api route answers 503: there is no default token. */
	adminToken?: string;
	/** Only under `npm start`: http and loopback webhook URLs are allowed. */
	devMode: boolean;
}

export type Plan = "free" | "paid";

/**
 * Per-invocation defaults by Workers plan (developers.cloudflare.com/workers/platform/limits): Free allows 50
 * subrequests and 10 ms of CPU, Paid 10,000 and 30 s. The Free defaults keep a whole cron invocation (sweep, sync,
 * publish, webhooks) within 50 subrequests (measured by `npm run bench -- --plan free`); parse work is charged at
 * SYNC_PARSE_MS_PER_POST, about what `npm run bench -- --stages` measures per post. docs/design.md, "Budgets".
 */
export const PLAN_DEFAULTS: Record<
	Plan,
	{
		syncMaxReads: number;
		syncMaxSubrequests: number;
		syncMaxParseMs: number;
		publishMaxRenders: number;
		publishMaxSubrequests: number;
		publishMaxRenderMs: number;
		documentBodies: DocumentBodiesSetting;
	}
> = {
	// Free: document bodies in R2, since D1's 500 MB would hold them for only about 15,000 posts (docs/serving.md, "Where the documents live").
	free: { syncMaxReads: 50, syncMaxSubrequests: 24, syncMaxParseMs: 4, publishMaxRenders: 100, publishMaxSubrequests: 48, publishMaxRenderMs: 5, documentBodies: "r2" },
	paid: {
		syncMaxReads: 5_000,
		syncMaxSubrequests: 9_000,
		syncMaxParseMs: 20_000,
		publishMaxRenders: 10_000,
		publishMaxSubrequests: 9_900,
		publishMaxRenderMs: 20_000,
		documentBodies: "d1",
	},
};

/** DOCUMENT_BODIES: where published documents' bytes are kept, in their D1 rows or in the DOCUMENTS R2 bucket. */
export type DocumentBodiesSetting = "d1" | "r2";
const DEFAULT_PARSE_MS_PER_POST = 0.5;
/** Render CPU per full-content entry: an archive page (3 × 50 entries and its HTML page) takes about 5.6–7 ms in `npm run bench`. */
const DEFAULT_RENDER_MS_PER_ENTRY = 0.04;

/**
 * D1's database size limit by plan (developers.cloudflare.com/d1/platform/limits: 500 MB on Free, 10 GB on Paid), in
 * decimal units, the smaller reading. Beyond it D1 refuses writes: syncs and publishes fail, feeds keep serving.
 */
export const D1_DATABASE_LIMIT_BYTES: Record<Plan, number> = { free: 500_000_000, paid: 10_000_000_000 };

/** What the webhook queue consumers need, and nothing else: a typo in a site setting must not stop delivery. */
export interface DeliveryConfig {
	webhooks: WebhookConfig;
	devMode: boolean;
}

/** The site's own settings are wrong; nothing can be served until they are fixed. */
export class ConfigError extends Error {
	override readonly name = "ConfigError";
	constructor(readonly problems: string[]) {
		super(`Invalid configuration: ${problems.join("; ")}`);
	}
}

/** The images Pressroom serves as static assets (src/http/assets) when SITE_ICON / SITE_FAVICON are not set. */
export const DEFAULT_ICON_PATH = "/icon.png";
export const DEFAULT_FAVICON_PATH = "/favicon.ico";

/** Reads and checks every setting once per invocation; the result is passed down, never read from env again. */
export function readConfig(env: Cloudflare.Env): Config {
	const problems: string[] = [];
	const text = (name: string, value: string | undefined, fallback?: string): string => {
		const trimmed = value?.trim();
		if (trimmed) return trimmed;
		if (fallback !== undefined) return fallback;
		problems.push(`${name} is required`);
		return "";
	};
	const integer = (name: string, value: string | undefined, fallback: number, min: number, max: number) =>
		readInteger(problems, name, value, fallback, min, max);

	const siteUrl = text("SITE_URL", env.SITE_URL).replace(/\/+$/, "");
	if (siteUrl && !isHttpUrl(siteUrl)) problems.push(`SITE_URL must be an absolute http(s) URL, got "${redactCredentials(siteUrl)}"`);
	const timeZone = text("SITE_TIME_ZONE", env.SITE_TIME_ZONE, "UTC");
	if (!isTimeZone(timeZone)) problems.push(`SITE_TIME_ZONE must be an IANA time zone such as "Europe/Paris", got "${timeZone}"`);
	const idAuthority = text("ID_AUTHORITY", env.ID_AUTHORITY);
	if (idAuthority && !/^[a-z0-9.@-]+,\d{4}(-\d{2}(-\d{2})?)?$/i.test(idAuthority)) {
		problems.push(`ID_AUTHORITY must be "domain,YYYY[-MM[-DD]]" (RFC 4151), got "${idAuthority}"`);
	}
	const author: Author = { name: text("SITE_AUTHOR", env.SITE_AUTHOR, "Pressroom") };
	const site: SiteConfig = {
		title: text("SITE_TITLE", env.SITE_TITLE),
		description: text("SITE_DESCRIPTION", env.SITE_DESCRIPTION, ""),
		url: siteUrl,
		language: text("SITE_LANGUAGE", env.SITE_LANGUAGE, "en"),
		timeZone,
		author,
		itemCount: integer("FEED_ITEM_COUNT", env.FEED_ITEM_COUNT, 20, 1, 500),
		// Changing it renumbers every archive page: set it once.
		archivePageSize: integer("ARCHIVE_PAGE_SIZE", env.ARCHIVE_PAGE_SIZE, 50, 1, 500),
		// Readers cap a feed between 512 KB and 15 MB; D1 stores at most 2,000,000 bytes in a row.
		feedMaxBytes: integer("FEED_MAX_BYTES", env.FEED_MAX_BYTES, 1_000_000, 10_000, 1_990_000),
		icon: text("SITE_ICON", env.SITE_ICON, `${siteUrl}${DEFAULT_ICON_PATH}`),
		favicon: text("SITE_FAVICON", env.SITE_FAVICON, `${siteUrl}${DEFAULT_FAVICON_PATH}`),
	};
	// The defaults follow SITE_URL, which is checked above; only a value given is checked here.
	for (const [name, given, value] of [["SITE_ICON", env.SITE_ICON, site.icon], ["SITE_FAVICON", env.SITE_FAVICON, site.favicon]] as const) {
		if (given?.trim() && !isHttpUrl(value)) problems.push(`${name} must be an absolute http(s) URL of an image, got "${redactCredentials(value)}"`);
	}
	const delivery = readDeliveryConfig(env);
	problems.push(...delivery.problems);
	const planText = (env.PLAN ?? "").trim().toLowerCase() || "paid";
	if (planText !== "free" && planText !== "paid") problems.push(`PLAN must be "free" or "paid", got "${env.PLAN}"`);
	const plan: Plan = planText === "free" ? "free" : "paid";
	const defaults = PLAN_DEFAULTS[plan];
	// Each read is a subrequest: the Paid plan allows 10,000 per invocation, D1 calls included.
	const syncBudget: SyncBudget = {
		maxReads: integer("SYNC_MAX_READS", env.SYNC_MAX_READS, defaults.syncMaxReads, 1, 9_000),
		maxSubrequests: integer("SYNC_MAX_SUBREQUESTS", env.SYNC_MAX_SUBREQUESTS, defaults.syncMaxSubrequests, 16, 10_000),
		maxParseMs: integer("SYNC_MAX_PARSE_MS", env.SYNC_MAX_PARSE_MS, defaults.syncMaxParseMs, 1, 900_000),
		parseMsPerPost: readDecimal(problems, "SYNC_PARSE_MS_PER_POST", env.SYNC_PARSE_MS_PER_POST, DEFAULT_PARSE_MS_PER_POST, 0.001, 1_000),
	};
	// A round of up to 100 renders costs about ten subrequests (load, compare, one write batch), plus one per ref that is
	// not a post page; PUBLISH_MAX_SUBREQUESTS ends the publish before the invocation's limit whatever PUBLISH_MAX_RENDERS says.
	const publishMaxRenders = integer("PUBLISH_MAX_RENDERS", env.PUBLISH_MAX_RENDERS, defaults.publishMaxRenders, 1, 100_000);
	const publishMaxSubrequests = integer("PUBLISH_MAX_SUBREQUESTS", env.PUBLISH_MAX_SUBREQUESTS, defaults.publishMaxSubrequests, 20, 10_000);
	// With the sync's parse budget (4 ms on Free) this keeps an invocation's charged work within Free's 10 ms of CPU.
	const publishRenderBudget = {
		maxMs: integer("PUBLISH_MAX_RENDER_MS", env.PUBLISH_MAX_RENDER_MS, defaults.publishMaxRenderMs, 1, 900_000),
		msPerEntry: readDecimal(problems, "PUBLISH_RENDER_MS_PER_ENTRY", env.PUBLISH_RENDER_MS_PER_ENTRY, DEFAULT_RENDER_MS_PER_ENTRY, 0.0001, 1_000),
	};
	const day = 24 * 3600;
	const limits: HubLimits = {
		defaultLeaseSeconds: integer("WEBSUB_LEASE_DEFAULT_SECONDS", env.WEBSUB_LEASE_DEFAULT_SECONDS, 10 * day, 1, 365 * day),
		minLeaseSeconds: integer("WEBSUB_LEASE_MIN_SECONDS", env.WEBSUB_LEASE_MIN_SECONDS, 3600, 1, 365 * day),
		maxLeaseSeconds: integer("WEBSUB_LEASE_MAX_SECONDS", env.WEBSUB_LEASE_MAX_SECONDS, 30 * day, 1, 365 * day),
		requestsPerHostPerMinute: integer("WEBSUB_REQUESTS_PER_HOST_PER_MINUTE", env.WEBSUB_REQUESTS_PER_HOST_PER_MINUTE, 30, 1, 100_000),
		maxSubscriptionsPerTopic: integer("WEBSUB_MAX_SUBSCRIPTIONS_PER_TOPIC", env.WEBSUB_MAX_SUBSCRIPTIONS_PER_TOPIC, 1_000, 1, 1_000_000),
		maxSubscriptions: integer("WEBSUB_MAX_SUBSCRIPTIONS", env.WEBSUB_MAX_SUBSCRIPTIONS, 10_000, 1, 10_000_000),
	};
	if (limits.minLeaseSeconds > limits.maxLeaseSeconds) problems.push("WEBSUB_LEASE_MIN_SECONDS must not be above WEBSUB_LEASE_MAX_SECONDS");
	limits.defaultLeaseSeconds = Math.min(limits.maxLeaseSeconds, Math.max(limits.minLeaseSeconds, limits.defaultLeaseSeconds));
	const devMode = env.DEV_MODE?.trim().toLowerCase() === "true";
	const publishTo = (env.WEBSUB_PUBLISH_TO ?? "").split(/[\s,]+/).filter(Boolean);
	for (const hub of publishTo) {
		const check = checkCallbackUrl(hub, { devMode });
		if (!check.ok) problems.push(`WEBSUB_PUBLISH_TO: "${hub}" ${check.reason}`);
	}
	const documentStalenessMs = integer("DOCUMENT_STALENESS_MS", env.DOCUMENT_STALENESS_MS, 5_000, 0, 60_000);
	const bodiesText = env.DOCUMENT_BODIES?.trim().toLowerCase() || defaults.documentBodies;
	if (bodiesText !== "d1" && bodiesText !== "r2") problems.push(`DOCUMENT_BODIES must be "d1" or "r2", got "${env.DOCUMENT_BODIES}"`);
	const documentBodies: DocumentBodiesSetting = bodiesText === "r2" ? "r2" : "d1";
	if (documentBodies === "r2" && !env.DOCUMENTS) {
		const why = env.DOCUMENT_BODIES?.trim() ? "DOCUMENT_BODIES=r2" : `PLAN=${plan} keeps document bodies in R2 by default`;
		problems.push(`${why}: bind an R2 bucket as DOCUMENTS (docs/deploy.md), or set DOCUMENT_BODIES=d1`);
	}
	if (problems.length > 0) throw new ConfigError(problems);

	return {
		site,
		hub: { url: `${siteUrl}/websub`, limits, publishTo },
		plan,
		syncBudget,
		publishMaxRenders,
		publishMaxSubrequests,
		publishRenderBudget,
		documentStalenessMs,
		documentBodies,
		content: { siteUrl, timeZone, defaultAuthor: author, idAuthority },
		storage: readStorageConfig(env),
		webhooks: delivery.config.webhooks,
		adminToken: env.ADMIN_TOKEN?.trim() || undefined,
		devMode: delivery.config.devMode,
	};
}

/** What every rendered document says about the site. */
export function siteIdentity(config: Config): SiteIdentity {
	return { ...config.site, idAuthority: config.content.idAuthority, hubs: [config.hub.url, ...config.hub.publishTo] };
}

/**
 * Reads only the delivery settings, for the queue consumers. A bad value is reported and replaced by its default
 * instead of thrown: a consumer that throws leaves messages to die in the queue while D1 still holds them pending.
 * readConfig() reports the same problems as errors.
 */
export function readDeliveryConfig(env: Cloudflare.Env): { config: DeliveryConfig; problems: string[] } {
	const problems: string[] = [];
	const webhooks: WebhookConfig = {
		timeoutMs: readInteger(problems, "WEBHOOK_TIMEOUT_MS", env.WEBHOOK_TIMEOUT_MS, 15_000, 100, 60_000),
		disableAfterHours: readInteger(problems, "WEBHOOK_DISABLE_AFTER_HOURS", env.WEBHOOK_DISABLE_AFTER_HOURS, 120, 1, 24 * 60),
	};
	return { config: { webhooks, devMode: env.DEV_MODE?.trim().toLowerCase() === "true" }, problems };
}

function readInteger(problems: string[], name: string, value: string | undefined, fallback: number, min: number, max: number): number {
	if (value === undefined || value.trim() === "") return fallback;
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
		problems.push(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
		return fallback;
	}
	return parsed;
}

function readDecimal(problems: string[], name: string, value: string | undefined, fallback: number, min: number, max: number): number {
	if (value === undefined || value.trim() === "") return fallback;
	const parsed = Number(value);
	if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
		problems.push(`${name} must be a number from ${min} to ${max}, got "${value}"`);
		return fallback;
	}
	return parsed;
}

/** The R2 binding when no S3_* setting names a store, else the S3 settings or their problems (storage/s3-settings.ts). */
function readStorageConfig(env: Cloudflare.Env): StorageConfig {
	const s3 = readS3Settings(env);
	if (s3.kind === "none") return { kind: "r2", prefix: s3.prefix };
	// The problems quote S3_ENDPOINT, which may carry user:pass@; they end up in /api/status and logs.
	return s3.kind === "invalid" ? { kind: "invalid", problems: s3.problems.map(redactCredentials) } : s3;
}

function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat("en", { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}
