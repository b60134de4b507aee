import type { Author, ContentSettings } from "./content/post";
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
}

export interface WebhookConfig {
	/** Per-attempt timeout. */
	timeoutMs: number;
	/** A subscription whose deliveries all failed for this long is disabled. */
	disableAfterHours: number;
}

export interface Config {
	site: SiteConfig;
	/** Most objects one sync reads; a bigger backlog is committed by consecutive syncs. */
	syncMaxReads: number;
	content: ContentSettings;
	storage: StorageConfig;
	webhooks: WebhookConfig;
	/** Absent means every /api route answers 503: there is no default token. */
	adminToken?: string;
	/** Only under `npm start`: http and loopback webhook URLs are allowed. */
	devMode: boolean;
}

/** The site's own settings are wrong; nothing can be served until they are fixed. */
export class ConfigError extends Error {
	override readonly name = "ConfigError";
	constructor(readonly problems: string[]) {
		super(`Invalid configuration: ${problems.join("; ")}`);
	}
}

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
	const integer = (name: string, value: string | undefined, fallback: number, min: number, max: number): number => {
		if (value === undefined || value.trim() === "") return fallback;
		const parsed = Number(value);
		if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
			problems.push(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
			return fallback;
		}
		return parsed;
	};

	const siteUrl = text("SITE_URL", env.SITE_URL).replace(/\/+$/, "");
	if (siteUrl && !isHttpUrl(siteUrl)) problems.push(`SITE_URL must be an absolute http(s) URL, got "${siteUrl}"`);
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
	};
	const webhooks: WebhookConfig = {
		timeoutMs: integer("WEBHOOK_TIMEOUT_MS", env.WEBHOOK_TIMEOUT_MS, 15_000, 100, 60_000),
		disableAfterHours: integer("WEBHOOK_DISABLE_AFTER_HOURS", env.WEBHOOK_DISABLE_AFTER_HOURS, 120, 1, 24 * 60),
	};
	// Each read is a subrequest: the Paid plan allows 10,000 per invocation, D1 calls included.
	const syncMaxReads = integer("SYNC_MAX_READS", env.SYNC_MAX_READS, 5_000, 1, 9_000);
	if (problems.length > 0) throw new ConfigError(problems);

	return {
		site,
		syncMaxReads,
		content: { siteUrl, timeZone, defaultAuthor: author, idAuthority },
		storage: readStorageConfig(env),
		webhooks,
		adminToken: env.ADMIN_TOKEN?.trim() || undefined,
		devMode: env.DEV_MODE?.trim().toLowerCase() === "true",
	};
}

/** The R2 binding when no S3_* setting names a store, else the S3 settings or their problems (storage/s3-settings.ts). */
function readStorageConfig(env: Cloudflare.Env): StorageConfig {
	const s3 = readS3Settings(env);
	return s3.kind === "none" ? { kind: "r2", prefix: s3.prefix } : s3;
}

function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat("en", { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}
