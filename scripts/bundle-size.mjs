#!/usr/bin/env node
// Measures the deployable bundle with `wrangler deploy --dry-run --minify` twice: as shipped (R2 and S3
// backends), and with the S3 backend stubbed out, so the cost of @aws-sdk/client-s3 is visible.
// Usage: npm run bundle-size
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT, runWrangler } from "./lib/dev-server.mjs";

const variants = [
	{ name: "R2 + S3 backends (as deployed)", alias: [] },
	{ name: "R2 backend only (S3 store stubbed)", alias: ["--alias", `./s3-store:${path.join(ROOT, "scripts/bundle/r2-only-s3-store.js")}`] },
];

const rows = [];
for (const variant of variants) {
	const outdir = mkdtempSync(path.join(tmpdir(), "pressroom-bundle-"));
	try {
		const { code, output } = await runWrangler(["deploy", "--dry-run", "--minify", "--outdir", outdir, ...variant.alias]);
		if (code !== 0) throw new Error(`wrangler deploy --dry-run failed for "${variant.name}":\n${output}`);
		const bytes = readFileSync(path.join(outdir, "index.js"));
		rows.push({ variant: variant.name, "minified KiB": (bytes.length / 1024).toFixed(1), "gzip KiB": (gzipSync(bytes).length / 1024).toFixed(1) });
	} finally {
		rmSync(outdir, { recursive: true, force: true });
	}
}
console.table(rows);
