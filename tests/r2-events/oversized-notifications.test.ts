import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { syncNow } from "../support/http";
import { deliverToWorker, putAndNotify } from "../support/r2-events";
import { emptyCatalogAndBucket } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

/** The POSTS binding, noting every key whose body the Worker reads whole (arrayBuffer, text, json, blob; cancelling its stream is not reading). */
function bodyReadingBucket(bodiesRead: string[]): R2Bucket {
	const bound = (target: object, property: string | symbol) => {
		const value = Reflect.get(target, property, target);
		return typeof value === "function" ? value.bind(target) : value;
	};
	return new Proxy(env.POSTS, {
		get(bucket, property) {
			if (property !== "get") return bound(bucket, property);
			return async (key: string, options?: R2GetOptions) => {
				const object = await bucket.get(key, options);
				if (object === null || !("body" in object)) return object;
				return new Proxy(object, {
					get(target, name) {
						if (name === "arrayBuffer" || name === "text" || name === "json" || name === "blob") bodiesRead.push(key);
						return bound(target, name);
					},
				});
			};
		},
	});
}

describe("R2 event notifications for an oversized post", () => {
	it("record it as broken by its stored size, without reading its body", async () => {
		await syncNow();
		const notified = await putAndNotify("huge.md", `---\ntitle: Huge\n---\n${"x".repeat(2 * 1024 * 1024)}`);
		const bodiesRead: string[] = [];

		await deliverToWorker([notified], { ...env, POSTS: bodyReadingBucket(bodiesRead) });

		const broken = await env.DB.prepare("SELECT reason FROM broken_objects WHERE key = 'huge.md'").first<{ reason: string }>();
		expect(broken?.reason).toMatch(/too large|MB|bytes/i);
		expect(bodiesRead).toEqual([]);
	});
});
