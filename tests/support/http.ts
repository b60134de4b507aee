import { exports } from "cloudflare:workers";

export const ADMIN_TOKEN = "test-admin-token";
const ORIGIN = "http://127.0.0.1:8787";

/** Sends a request to the Worker under test (the real fetch handler, in workerd). */
export function request(path: string, init: RequestInit = {}): Promise<Response> {
	return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
}

export function admin(path: string, init: RequestInit = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	headers.set("Authorization", `Bearer ${ADMIN_TOKEN}`);
	return request(path, { ...init, headers });
}

export async function syncNow(): Promise<unknown> {
	const response = await admin("/api/sync", { method: "POST" });
	const body = await response.json();
	if (response.status !== 200) throw new Error(`sync answered ${response.status}: ${JSON.stringify(body)}`);
	return body;
}
