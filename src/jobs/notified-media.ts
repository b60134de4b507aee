// Media named by R2 event notifications: recorded from a listing of that one key, never read.
import type { Media, MediaObject } from "../storage/media";
import type { ObjectStore } from "../storage/object-store";
import { mediaTypeByExtension } from "../shared";

export interface MediaChanges {
	/** New or changed objects, as the bucket holds them now. */
	upserts: MediaObject[];
	/** Recorded objects the bucket no longer holds. */
	removed: string[];
}

/**
 * What the bucket holds now for media keys (known by extension) that notifications named, against what `media`
 * records. Each key costs one listing of that key alone (prefix = the key, one result): the state now, so a
 * redelivered or older event can never bring back what the bucket no longer has, and a video is never downloaded.
 * Keys whose state the catalog already has are left out, so a redelivery re-renders nothing.
 */
export async function notifiedMediaChanges(store: ObjectStore, media: Media, keys: readonly string[]): Promise<MediaChanges> {
	if (keys.length === 0) return { upserts: [], removed: [] };
	const recorded = await media.metadataOf(keys);
	const changes: MediaChanges = { upserts: [], removed: [] };
	for (const key of keys) {
		const listed = (await store.list({ prefix: key, limit: 1 })).objects[0];
		const known = recorded.get(key);
		if (listed?.key !== key) {
			if (known) changes.removed.push(key);
			continue;
		}
		const contentType = mediaTypeByExtension(key)!;
		if (known?.etag === listed.etag && known.size === listed.size && known.contentType === contentType) continue;
		// Whole seconds, as the whole-bucket sync records a listed object (sync-job.ts), so both agree on the row.
		const lastModified = new Date(Math.floor(listed.lastModified.getTime() / 1000) * 1000).toISOString();
		changes.upserts.push({ key, etag: listed.etag, size: listed.size, contentType, lastModified });
	}
	return changes;
}
