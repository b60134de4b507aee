/**
 * `npm run posts:push -- <dir>`: uploads to local R2 (a state dir of its own), skips unchanged files, says what
 * it did, and fails clearly when the store cannot be reached.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const made: string[] = [];
afterEach(() => {
	for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(label: string): string {
	const dir = mkdtempSync(path.join(tmpdir(), `pressroom-push-${label}-`));
	made.push(dir);
	return dir;
}

function push(args: string[], env: Record<string, string> = {}) {
	const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("S3_")));
	const result = spawnSync(process.execPath, [path.join(root, "scripts/posts-push.mjs"), ...args], {
		cwd: root,
		env: { ...clean, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", ...env } as unknown as NodeJS.ProcessEnv,
		encoding: "utf8",
		timeout: 60_000,
	});
	return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

const post = (title: string) => `---\ntitle: ${title}\ndate: 2026-01-01\n---\n\nBody of ${title}.\n`;

describe("posts:push", () => {
	it("uploads new files, skips unchanged ones, and re-sends only what changed", () => {
		const posts = tempDir("posts");
		const state = tempDir("state");
		mkdirSync(path.join(posts, "2026"));
		writeFileSync(path.join(posts, "one.md"), post("One"));
		writeFileSync(path.join(posts, "2026", "two words.txt"), post("Two"));
		writeFileSync(path.join(posts, "three.markdown"), post("Three"));

		const first = push([posts, "--persist-to", state]);
		const second = push([posts, "--persist-to", state]);
		writeFileSync(path.join(posts, "one.md"), post("One, edited"));
		const third = push([posts, "--persist-to", state]);

		expect(first.code, first.output).toBe(0);
		expect(first.output).toContain("uploaded 3, unchanged 0, failed 0");
		expect(first.output).toContain("2026/two words.txt");
		expect(second.output).toContain("uploaded 0, unchanged 3, failed 0");
		expect(third.output).toContain("uploaded 1, unchanged 2, failed 0");
		expect(third.output).toMatch(/uploaded one\.md .*changed/);
	});

	it("fails with a one-line reason and exit code 1 when the S3 store cannot be reached", () => {
		const posts = tempDir("posts");
		writeFileSync(path.join(posts, "one.md"), post("One"));

		const result = push([posts], { S3_ENDPOINT: "http://127.0.0.1:9", S3_BUCKET: "posts", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s", S3_FORCE_PATH_STYLE: "true" });

		expect(result.code).toBe(1);
		expect(result.output).toMatch(/^posts:push: .*(connect|refused|reach)/im);
		expect(result.output).not.toMatch(/\n\s+at /);
	});
});
