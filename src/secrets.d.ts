// Secrets and optional settings that `wrangler types` cannot see in wrangler.toml.
// Set them with `wrangler secret put NAME` (or in .dev.vars locally); readConfig() checks them.
declare namespace Cloudflare {
	interface Env {
		ADMIN_TOKEN?: string;
		S3_ENDPOINT?: string;
		S3_BUCKET?: string;
		S3_REGION?: string;
		S3_FORCE_PATH_STYLE?: string;
		S3_PREFIX?: string;
		S3_ACCESS_KEY_ID?: string;
		S3_SECRET_ACCESS_KEY?: string;
		POSTS_PREFIX?: string;
		SITE_ICON?: string;
		SITE_FAVICON?: string;
		PLAN?: string;
		SYNC_MAX_READS?: string;
		SYNC_MAX_SUBREQUESTS?: string;
		SYNC_MAX_PARSE_MS?: string;
		SYNC_PARSE_MS_PER_POST?: string;
		PUBLISH_MAX_RENDERS?: string;
		PUBLISH_MAX_RENDER_MS?: string;
		PUBLISH_RENDER_MS_PER_ENTRY?: string;
		PUBLISH_MAX_SUBREQUESTS?: string;
		DOCUMENT_STALENESS_MS?: string;
		DOCUMENT_BODIES?: string;
		ARCHIVE_PAGE_SIZE?: string;
		FEED_MAX_BYTES?: string;
		WEBSUB_LEASE_DEFAULT_SECONDS?: string;
		WEBSUB_LEASE_MIN_SECONDS?: string;
		WEBSUB_LEASE_MAX_SECONDS?: string;
		WEBSUB_REQUESTS_PER_HOST_PER_MINUTE?: string;
		WEBSUB_MAX_SUBSCRIPTIONS_PER_TOPIC?: string;
		WEBSUB_MAX_SUBSCRIPTIONS?: string;
		WEBSUB_PUBLISH_TO?: string;
		WEBHOOK_TIMEOUT_MS?: string;
		WEBHOOK_DISABLE_AFTER_HOURS?: string;
	}
}
