/**
 * `npm run deploy` checks [env.production] before wrangler runs: the placeholder D1 id, example or local
 * SITE_URL / ID_AUTHORITY and DEV_MODE on are refused. The dry runs use the real wrangler (offline: a dry
 * run only bundles).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { productionProblems } from "../../scripts/deploy/production-config.mjs";
import { loadConfigReader } from "../../scripts/deploy/read-config.mjs";
import { configCopy, productionStart, realProduction, removeTemporaries, repoConfig, root } from "./config-copy";

let readConfig: Awaited<ReturnType<typeof loadConfigReader>>;
beforeAll(async () => (readConfig = await loadConfigReader()));
afterEach(removeTemporaries);

const copy = (edit: (toml: string) => string) => configCopy(edit).path;

function deploy(args: string[]) {
	const result = spawnSync(process.execPath, [path.join(root, "scripts/deploy.mjs"), ...args], {
		cwd: root,
		env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" },
		encoding: "utf8",
		timeout: 120_000,
	});
	return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("production config check", () => {
	it("refuses the shipped wrangler.toml: placeholder D1 id, example SITE_URL and ID_AUTHORITY", () => {
		expect(productionProblems(readConfig(repoConfig))).toEqual([
			expect.stringContaining("database_id is the placeholder 00000000-0000-0000-0000-000000000000"),
			'SITE_URL "https://pressroom.example" is an example or local address: set the site\'s public URL',
			expect.stringContaining('ID_AUTHORITY "pressroom.example,2026" names an example domain'),
		]);
	});

	it("accepts a production block with a real id, URL and authority", () => {
		expect(productionProblems(readConfig(copy((toml) => realProduction(toml))))).toEqual([]);
	});

	it.each([
		["DEV_MODE on", 'DEV_MODE = "false"', 'DEV_MODE = "true"', /DEV_MODE is "true": production must keep it "false"/],
		["an http SITE_URL", 'SITE_URL = "https://feeds.ada-journal.net"', 'SITE_URL = "http://feeds.ada-journal.net"', /SITE_URL .* must use https/],
		["a loopback SITE_URL", 'SITE_URL = "https://feeds.ada-journal.net"', 'SITE_URL = "https://127.0.0.1:8787"', /SITE_URL .* example or local/],
		["an example.com SITE_URL", 'SITE_URL = "https://feeds.ada-journal.net"', 'SITE_URL = "https://blog.example.com"', /SITE_URL .* example or local/],
		["an ID_AUTHORITY without a date", 'ID_AUTHORITY = "ada-journal.net,2026"', 'ID_AUTHORITY = "ada-journal.net"', /ID_AUTHORITY .* must be "domain-or-email,date"/],
		["an e-mail authority at example.org", 'ID_AUTHORITY = "ada-journal.net,2026"', 'ID_AUTHORITY = "ada@example.org,2026-01"', /names an example domain/],
		["a malformed D1 id", 'database_id = "3f2a9c1e-7b4d-4e8a-9f0c-2d6b5a8e1c47"', 'database_id = "pressroom"', /database_id "pressroom" is not a D1 id/],
	])("refuses %s", (_case, from, to, problem) => {
		const config = copy((toml) => {
			const real = realProduction(toml);
			const at = productionStart(real);
			return real.slice(0, at) + real.slice(at).replace(from, to);
		});
		expect(productionProblems(readConfig(config))).toEqual([expect.stringMatching(problem)]);
	});
});

describe("npm run deploy", () => {
	it("fails a dry run with the placeholder id before wrangler bundles anything", () => {
		const result = deploy(["--dry-run"]);

		expect(result.code).toBe(1);
		expect(result.output).toContain("deploy: refusing to deploy wrangler.toml [env.production]:");
		expect(result.output).toContain("database_id is the placeholder");
		expect(result.output).not.toContain("Total Upload");
	}, 60_000);

	it("runs wrangler deploy --dry-run --env production once the config is real", () => {
		const result = deploy(["--dry-run", "--config", copy((toml) => realProduction(toml))]);

		expect(result.code, result.output).toBe(0);
		expect(result.output).toContain('env.SITE_URL ("https://feeds.ada-journal.net")');
		expect(result.output).toContain('env.DEV_MODE ("false")');
		expect(result.output).toContain("--dry-run: exiting now.");
	}, 60_000);
});
