import { FEED_CONTENT_TYPES } from "../feeds/publication";
import type { StoredDocument } from "../storage/documents";
import { USER_AGENT } from "../webhooks/deliver";

const FEED_TYPES = new Set(Object.values(FEED_CONTENT_TYPES));
const PING_TIMEOUT_MS = 5_000;

/**
 * Tells external hubs (WEBSUB_PUBLISH_TO) that feeds changed: `hub.mode=publish` with both `hub.url` (the
 * form Google's hub reads) and `hub.topic` (the others'), one POST per hub and topic. Best effort: a hub
 * that is down is logged, and fetches the topic itself at its next poll.
 */
export async function pingExternalHubs(hubs: readonly string[], siteUrl: string, documents: StoredDocument[], fetcher: typeof fetch = fetch): Promise<string[]> {
	const problems: string[] = [];
	const topics = documents.filter((document) => FEED_TYPES.has(document.contentType)).map((document) => `${siteUrl}${document.path}`);
	for (const hub of hubs) {
		for (const topic of topics) {
			const body = new URLSearchParams({ "hub.mode": "publish", "hub.url": topic, "hub.topic": topic });
			try {
				const response = await fetcher(hub, {
					method: "POST",
					body,
					headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": USER_AGENT },
					redirect: "manual",
					signal: AbortSignal.timeout(PING_TIMEOUT_MS),
				});
				await response.body?.cancel();
				if (response.status < 200 || response.status > 299) problems.push(`${hub} answered ${response.status} for ${topic}`);
			} catch (error) {
				problems.push(`${hub} unreachable for ${topic}: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
	}
	for (const problem of problems) console.warn(`WebSub publish ping: ${problem}`);
	return problems;
}
