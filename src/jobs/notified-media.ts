// Media named by R2 event notifications: recorded from a head of that one key, never read.
import type { Media, MediaObject } from "../storage/media";
import type { ObjectStore } from "../storage/object-store";
import { mediaTypeByExtension, wholeSecondsIso } from "../shared";

export interface MediaChanges {
	/** New or changed objects, as the bucket holds them now. */
	upserts: MediaObject[];
	/** Recorded objects the bucket no longer holds. */
	removed: string[];
}

/**
 * What the bucket holds now for media keys (known by extension) that notifications named, against what `media`
 * records. Each key costs one head of that key: the state now, so a redelivered or older event can never bring back
 * what the bucket no longer has, and a video is never downloaded.
 * Keys whose state the catalog already has are left out, so a redelivery re-renders nothing.
 */
export async function notifiedMediaChanges(store: ObjectStore, media: Media, keys: readonly string[]): Promise<MediaChanges> {
	if (keys.length === 0) return { upserts: [], removed: [] };
	const recorded = await media.metadataOf(keys);
	const changes: MediaChanges = { upserts: [], removed: [] };
	for (const key of keys) {
		const current = await store.head(key);
		const known = recorded.get(key);
		if (current === null) {
			if (known) changes.removed.push(key);
			continue;
		}
		const contentType = mediaTypeByExtension(key)!;
		if (known?.etag === current.etag && known.size === current.size && known.contentType === contentType) continue;
		const lastModified = wholeSecondsIso(current.lastModified);
		changes.upserts.push({ key, etag: current.etag, size: current.size, contentType, lastModified });
	}
	return changes;
}
