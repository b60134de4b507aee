#!/usr/bin/env node
/**
 * `npm run posts:push -- <dir>`: uploads a folder of posts to the store the Worker reads.
 *   - local R2 (the bucket `wrangler dev` uses, through wrangler's getPlatformProxy) by default;
 *   - an S3-compatible store when S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set in
 *     the environment (S3_REGION, S3_FORCE_PATH_STYLE, S3_PREFIX as in docs/s3.md).
 * A file's key is its path under <dir> (with "/"), after S3_PREFIX / POSTS_PREFIX. Dotfiles are skipped.
 * Unchanged files are skipped: a file whose MD5 equals the stored object's etag (true of single-part uploads,
 * which is all this script makes) is not sent again. Nothing is ever deleted from the store.
 *
 * Options: --persist-to <dir> (local R2 state, as wrangler's flag; default .wrangler/state), --dry-run.
 * Exit code: 0 when every file is stored, 1 when any failed or the store could not be used, 2 for bad usage.
 */
import path from "node:path";
import process from "node:process";

// wrangler 4 (loaded for local R2) refuses older Node: fail with advice instead of a stack trace.
{
	const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
	if (major < 22 || (major === 22 && minor < 18)) {
		console.error(`posts:push needs Node >= 22.18 (this is ${process.versions.node}); run it through npm run so the bundled Node 22 is used.`);
		process.exit(2);
	}
}

const { PushError, describeUnexpected, pushFolder, terminalProgress } = await import("./lib/posts-push.mjs");

const options = parseArgs(process.argv.slice(2));

try {
	const counts = await pushFolder({ ...options, progress: terminalProgress() });
	if (counts.failed > 0) console.error(`posts:push: ${counts.failed} file${counts.failed === 1 ? "" : "s"} not stored; see the FAILED lines above.`);
	process.exitCode = counts.failed > 0 ? 1 : 0;
} catch (error) {
	console.error(`posts:push: ${error instanceof PushError ? error.message : describeUnexpected(error)}`);
	process.exitCode = 1;
}

function parseArgs(argv) {
	const parsed = { dir: undefined, persistTo: undefined, dryRun: false };
	for (let i = 0; i < argv.length; i += 1) {
		const arg = argv[i];
		if (arg === "--dry-run") parsed.dryRun = true;
		else if (arg === "--persist-to" || arg.startsWith("--persist-to=")) {
			const value = arg.includes("=") ? arg.slice("--persist-to=".length) : argv[++i];
			if (!value) usage("--persist-to needs a directory");
			parsed.persistTo = path.resolve(value);
		} else if (arg === "--help" || arg === "-h") usage();
		else if (arg.startsWith("-")) usage(`unknown option "${arg}"`);
		else if (parsed.dir === undefined) parsed.dir = path.resolve(arg);
		else usage(`only one folder can be pushed at a time, got "${arg}" too`);
	}
	if (parsed.dir === undefined) usage("which folder? e.g. npm run posts:push -- content");
	return parsed;
}

function usage(problem) {
	if (problem) console.error(`posts:push: ${problem}`);
	console.error("usage: npm run posts:push -- <dir> [--persist-to <state dir>] [--dry-run]");
	process.exit(problem ? 2 : 0);
}
