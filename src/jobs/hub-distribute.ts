import { FEED_CONTENT_TYPES } from "../feeds/publication";
import type { HubSubscriptions } from "../storage/hub-subscriptions";
import type { StoredDocument } from "../storage/documents";

const FEED_TYPES = new Set(Object.values(FEED_CONTENT_TYPES));

/**
 * The WebSub outbox rows for new versions of feeds: one query finds which of the changed topics have active
 * subscribers, and only those get rows. Topics nobody subscribes to cost nothing beyond that one lookup.
 */
export function hubDistribution(hub: HubSubscriptions, siteUrl: string, hubs: readonly string[]) {
	return async (documents: StoredDocument[], now: Date): Promise<Map<string, D1PreparedStatement[]>> => {
		const feeds = documents.filter((document) => FEED_TYPES.has(document.contentType));
		const statements = new Map<string, D1PreparedStatement[]>();
		if (feeds.length === 0) return statements;
		const subscribed = await hub.subscribedTopics(
			feeds.map((document) => `${siteUrl}${document.path}`),
			now,
		);
		for (const document of feeds) {
			const topic = `${siteUrl}${document.path}`;
			if (!subscribed.has(topic)) continue;
			const content = { topic, contentType: document.contentType, body: document.body, hubs: [...hubs] };
			statements.set(document.path, hub.distribution(content, await versionKey(topic, document.etag), now));
		}
		return statements;
	};
}

/** One topic version: the same topic and bytes always give the same event, so a publish run twice delivers once. */
async function versionKey(topic: string, etag: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${topic}\n${etag}`)));
	return [...digest.subarray(0, 16)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
