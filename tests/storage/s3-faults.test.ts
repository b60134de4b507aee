import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type StoreFailure, StoreError } from "../../src/storage/object-store";
import type { S3Store } from "../../src/storage/s3-store";
import type { FaultMode } from "../support/fault-proxy";
import { type FaultProxyHandle, openFaultProxy, s3rverStore } from "./s3-test-stores";

// Each test switches this file's own proxy (in front of s3rver) to one fault and back to "pass" afterwards.
let proxy: FaultProxyHandle;
beforeAll(async () => {
	proxy = await openFaultProxy();
});
afterEach(async () => {
	await proxy.setFault("pass");
});
afterAll(async () => {
	await proxy.close();
});

/** s3rver checks the access key but not the signature, so any secret works, and this one must never be echoed. */
const SECRET = "pressroom-secret-that-must-never-leak";

function storeBehindProxy(timeoutMs = 15_000): S3Store {
	return s3rverStore({ endpoint: proxy.endpoint, secretAccessKey: SECRET }, { timeoutMs });
}

const operations: Record<string, (store: S3Store) => Promise<unknown>> = {
	list: (store) => store.list(),
	read: (store) => store.read("post.md"),
	"conditional read": (store) => store.read("post.md", { ifNoneMatch: "0123456789abcdef0123456789abcdef" }),
	put: (store) => store.put("post.md", new TextEncoder().encode("# Post\n")),
	delete: (store) => store.delete("post.md"),
};

interface FaultCase {
	fault: FaultMode;
	failure: StoreFailure;
	/** What the message must say for an operator to act on it. */
	says: RegExp;
	timeoutMs?: number;
}

const everyOperationFaults: FaultCase[] = [
	{ fault: "unreachable", failure: "unreachable", says: /could not reach http:\/\/127\.0\.0\.1:\d+\/pressroom-test/ },
	{ fault: "forbidden", failure: "forbidden", says: /refused \(403 AccessDenied\): check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY/ },
	{ fault: "no-such-bucket", failure: "no-such-bucket", says: /404 NoSuchBucket\): bucket "pressroom-test" does not exist .*check S3_BUCKET and S3_ENDPOINT/ },
	{ fault: "internal-error", failure: "server", says: /the server answered 500 InternalError/ },
	{ fault: "unavailable", failure: "server", says: /the server answered 503 SlowDown/ },
	{ fault: "hang", failure: "timeout", says: /timed out after 300 ms/, timeoutMs: 300 },
];

const listingFaults: FaultCase[] = [
	{ fault: "truncated-xml", failure: "malformed-response", says: /response could not be parsed \(@aws-sdk XML parse error/ },
	{ fault: "malformed-xml", failure: "malformed-response", says: /response could not be parsed \(@aws-sdk XML parse error: mismatched tags/ },
];

describe.each(everyOperationFaults)("S3Store when the endpoint fails with $fault", ({ fault, failure, says, timeoutMs }) => {
	it.each(Object.keys(operations))(`%s rejects with StoreError("${failure}") and a clear message`, async (operation) => {
		const store = storeBehindProxy(timeoutMs);
		await proxy.setFault(fault);
		const started = Date.now();
		const error = await rejection(operations[operation]!(store));
		expectClearStoreError(error, store, failure, says);
		if (fault === "hang") expect(Date.now() - started).toBeLessThan(5_000);
		if (fault !== "unreachable") expect((await proxy.state()).requests, "the request reached the faulty endpoint").toBeGreaterThan(0);
	}, 30_000);
});

describe.each(listingFaults)("S3Store when a listing comes back as $fault", ({ fault, failure, says }) => {
	it(`list rejects with StoreError("${failure}") instead of returning a partial listing`, async () => {
		const store = storeBehindProxy();
		await store.put("post.md", new TextEncoder().encode("# Post\n"));
		await proxy.setFault(fault);
		expectClearStoreError(await rejection(store.list()), store, failure, says);
		expect((await proxy.state()).requests).toBe(1);
	});
});

describe("S3Store retries and recovery", () => {
	it("retries a 500 before giving up", async () => {
		const store = storeBehindProxy();
		await proxy.setFault("internal-error");
		await rejection(store.list());
		expect((await proxy.state()).requests).toBe(3);
	});

	it("does not retry a 403: the answer will not change", async () => {
		const store = storeBehindProxy();
		await proxy.setFault("forbidden");
		await rejection(store.list());
		expect((await proxy.state()).requests).toBe(1);
	});

	it("works again, with the same store, once the endpoint recovers", async () => {
		const store = storeBehindProxy(300);
		await store.put("post.md", new TextEncoder().encode("# Post\n"));
		for (const fault of ["unreachable", "hang", "internal-error"] as const) {
			await proxy.setFault(fault);
			await rejection(store.list());
			await proxy.setFault("pass");
			expect((await store.list()).objects.map((object) => object.key)).toEqual(["post.md"]);
		}
	});

});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
	try {
		const value = await promise;
		throw new Error(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 200)}`);
	} catch (error) {
		return error;
	}
}

function expectClearStoreError(error: unknown, store: S3Store, failure: StoreFailure, says: RegExp): void {
	expect(error).toBeInstanceOf(StoreError);
	const { failure: actual, message } = error as StoreError;
	expect({ failure: actual, message }).toMatchObject({ failure, message: expect.stringMatching(says) });
	expect(message).toContain(store.description);
	// One line an operator can read: no stack frames, no credentials.
	expect(message).not.toContain("\n");
	expect(message).not.toMatch(/\bat .+:\d+:\d+/);
	expect(message).not.toContain(SECRET);
	expect(message).not.toContain("S3RVER");
}
