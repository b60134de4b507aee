// Worker side: builds stores against the s3rver started by tests/support/s3-server.global.ts, and opens
// fault proxies in front of it through the control server (tests/support/fault-proxy.ts).
import { expect, inject } from "vitest";
import { S3Store, type S3StoreOptions, type S3StoreSettings } from "../../src/storage/s3-store";
import type { FaultMode, FaultProxyState } from "../support/fault-proxy";

/** A prefix no other test uses, so tests (and files running in parallel) never see each other's keys. */
export function freshPrefix(label = "t"): string {
	return `${label}-${crypto.randomUUID()}/`;
}

/** Settings for the test s3rver; pass `overrides` to point elsewhere or change a setting. */
export function s3rverSettings(overrides: Partial<S3StoreSettings> = {}): S3StoreSettings {
	const server = inject("s3Server");
	return {
		endpoint: server.endpoint,
		bucket: server.bucket,
		region: "auto",
		forcePathStyle: true,
		prefix: freshPrefix(),
		accessKeyId: server.accessKeyId,
		secretAccessKey: server.secretAccessKey,
		...overrides,
	};
}

export function s3rverStore(overrides: Partial<S3StoreSettings> = {}, options?: S3StoreOptions): S3Store {
	return new S3Store(s3rverSettings(overrides), options);
}

/** A proxy of this test file's own in front of s3rver; starts in "pass" mode. */
export interface FaultProxyHandle {
	endpoint: string;
	setFault(mode: FaultMode): Promise<void>;
	state(): Promise<FaultProxyState>;
	close(): Promise<void>;
}

export async function openFaultProxy(): Promise<FaultProxyHandle> {
	const control = inject("faultProxyControl");
	const opened = await fetch(`${control}/proxies`, { method: "POST" });
	expect(opened.status, "fault proxy control: open").toBe(201);
	const { id, endpoint } = await opened.json<{ id: string; endpoint: string }>();
	const proxyUrl = `${control}/proxies/${id}`;
	return {
		endpoint,
		async setFault(mode) {
			const answer = await fetch(`${proxyUrl}/fault`, { method: "POST", body: JSON.stringify({ mode }) });
			expect(answer.status, `fault proxy control: switch to ${mode}`).toBe(200);
			await answer.body?.cancel();
		},
		async state() {
			const answer = await fetch(proxyUrl);
			expect(answer.status, "fault proxy control: state").toBe(200);
			return answer.json<FaultProxyState>();
		},
		async close() {
			const answer = await fetch(proxyUrl, { method: "DELETE" });
			await answer.body?.cancel();
		},
	};
}
