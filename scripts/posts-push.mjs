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
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
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

const { PushError, contentTypeFor, displayPath, etagMatchesMd5, openLocalR2, openS3, readPostTarget } = await import("./lib/post-targets.mjs");
const { describeError } = await import("../src/shared/describe-error.ts");
const { mapConcurrently } = await import("../src/shared/map-concurrently.ts");

const CONCURRENCY = 8;
const options = parseArgs(process.argv.slice(2));
const interactive = process.stdout.isTTY === true;

try {
	process.exitCode = await push(options);
} catch (error) {
	console.error(`posts:push: ${error instanceof PushError ? error.message : describeError(error, { firstLine: true, cause: true })}`);
	process.exitCode = 1;
}

async function push({ dir, persistTo, dryRun }) {
	const files = await listPostFiles(dir);
	const { s3, prefix } = readPostTarget(process.env);
	const target = s3 ? await openS3(s3) : await openLocalR2({ persistTo, prefix });
	try {
		console.log(`posts:push: ${files.length} file${files.length === 1 ? "" : "s"} in ${displayPath(dir)} -> ${target.description}${dryRun ? " (dry run)" : ""}`);
		let stored;
		try {
			stored = await target.list();
		} catch (error) {
			throw error instanceof PushError ? error : new PushError(`could not list ${target.description}: ${describeError(error, { firstLine: true, cause: true })}`);
		}

		const counts = { uploaded: 0, unchanged: 0, failed: 0 };
		let done = 0;
		const report = (line) => {
			if (interactive) process.stdout.write("\r\x1b[K");
			if (line) console.log(line);
			if (interactive && done < files.length) process.stdout.write(`  ${done}/${files.length}…`);
		};
		await mapConcurrently(files, CONCURRENCY, async (file) => {
			const key = prefix + path.relative(dir, file).split(path.sep).join("/");
			let line = "";
			try {
				const bytes = await readFile(file);
				const md5 = createHash("md5").update(bytes).digest("hex");
				const etag = stored.get(key);
				if (etag !== undefined && etagMatchesMd5(etag, md5)) {
					counts.unchanged += 1;
				} else {
					if (!dryRun) await target.put(key, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), contentTypeFor(file));
					counts.uploaded += 1;
					line = `  ${dryRun ? "would upload" : "uploaded"} ${key} (${formatSize(bytes.byteLength)}${etag === undefined ? ", new" : ", changed"})`;
				}
			} catch (error) {
				counts.failed += 1;
				line = `  FAILED ${key}: ${error instanceof PushError ? error.message : describeError(error, { firstLine: true, cause: true })}`;
			}
			done += 1;
			report(line);
		});
		report("");

		const verb = dryRun ? "would upload" : "uploaded";
		console.log(`posts:push: ${verb} ${counts.uploaded}, unchanged ${counts.unchanged}, failed ${counts.failed}`);
		if (counts.failed > 0) console.error(`posts:push: ${counts.failed} file${counts.failed === 1 ? "" : "s"} not stored; see the FAILED lines above.`);
		return counts.failed > 0 ? 1 : 0;
	} finally {
		await target.close();
	}
}

/** Regular files under `dir`, recursively, skipping dotfiles and dot-directories; sorted for a stable order. */
async function listPostFiles(dir) {
	let info;
	try {
		info = await stat(dir);
	} catch {
		throw new PushError(`${dir} does not exist`);
	}
	if (!info.isDirectory()) throw new PushError(`${dir} is not a directory`);
	const found = [];
	const walk = async (current) => {
		for (const entry of await readdir(current, { withFileTypes: true })) {
			if (entry.name.startsWith(".")) continue;
			const full = path.join(current, entry.name);
			if (entry.isDirectory()) await walk(full);
			else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(full)).isFile())) found.push(full);
		}
	};
	await walk(dir);
	return found.sort();
}

function formatSize(bytes) {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
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
