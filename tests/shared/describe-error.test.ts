import { describe, expect, it } from "vitest";
import { describeError, shorten } from "../../src/shared";

describe("describeError", () => {
	it("gives an Error's message, never its stack, and any other thrown value as a string", () => {
		const error = new Error("bucket unreachable");
		expect(describeError(error)).toBe("bucket unreachable");
		expect(describeError(error)).not.toContain("at ");
		expect(describeError("not even an Error")).toBe("not even an Error");
		expect(describeError(42)).toBe("42");
		expect(describeError(undefined)).toBe("undefined");
	});

	it("names the error's kind when asked, except the plain Error", () => {
		expect(describeError(new TypeError("x is not a function"), { name: true })).toBe("TypeError: x is not a function");
		expect(describeError(new Error("plain"), { name: true })).toBe("plain");
	});

	it("adds the cause's message when asked", () => {
		const error = new Error("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:9") });
		expect(describeError(error)).toBe("fetch failed");
		expect(describeError(error, { cause: true })).toBe("fetch failed (connect ECONNREFUSED 127.0.0.1:9)");
	});

	it("keeps only the first line of each message when asked", () => {
		const error = new Error("XML parse error\n<Error><Code>…</Code></Error>", { cause: new Error("  line one \nline two") });
		expect(describeError(error, { firstLine: true, cause: true })).toBe("XML parse error (line one)");
	});

	it("cuts a long text with an ellipsis, to exactly the length asked", () => {
		expect(describeError(new Error("x".repeat(500)), { maxLength: 200 })).toBe(`${"x".repeat(199)}…`);
		expect(shorten("short", 200)).toBe("short");
		expect(shorten("abcdef", 4)).toBe("abc…");
	});
});
