/**
 * Uploading a folder of posts to the store the Worker reads: the work behind `npm run posts:push` and
 * `npm run pressroom -- posts push`. Local R2 by default, an S3-compatible store when S3_* are set in `env`.
 * Unchanged files are skipped: a file whose MD5 equals the stored object's etag (true of single-part uploads,
 * which is all this makes) is not sent again. Nothing is ever deleted from the store.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { PushError, contentTypeFor, displayPath, etagMatchesMd5, openLocalR2, openS3, readPostTarget } from "./post-targets.mjs";

export { PushError };

const CONCURRENCY = 8;

/**
 * Pushes every file under `dir`. `log` gets one line per upload or failure and the summary; `progress`
 * (a TTY only) gets "done/total" updates. Throws PushError when the store cannot be used at all.
 * @returns {Promise<{ uploaded: number, unchanged: number, failed: number, target: string }>}
 */
export async function pushFolder({ dir, persistTo, dryRun = false, env = process.env, log = console.log, progress }) {
	const files = await listPostFiles(dir);
	const { s3, prefix } = readPostTarget(env);
	const target = s3 ? await openS3(s3) : await openLocalR2({ persistTo, prefix });
	try {
		log(`posts:push: ${files.length} file${files.length === 1 ? "" : "s"} in ${displayPath(dir)} -> ${target.description}${dryRun ? " (dry run)" : ""}`);
		let stored;
		try {
			stored = await target.list();
		} catch (error) {
			throw error instanceof PushError ? error : new PushError(`could not list ${target.description}: ${describeUnexpected(error)}`);
		}

		const counts = { uploaded: 0, unchanged: 0, failed: 0 };
		let done = 0;
		const report = (line) => {
			progress?.clear();
			if (line) log(line);
			if (done < files.length) progress?.show(`  ${done}/${files.length}…`);
		};
		await eachConcurrently(files, CONCURRENCY, async (file) => {
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
				line = `  FAILED ${key}: ${error instanceof PushError ? error.message : describeUnexpected(error)}`;
			}
			done += 1;
			report(line);
		});
		report("");

		log(`posts:push: ${dryRun ? "would upload" : "uploaded"} ${counts.uploaded}, unchanged ${counts.unchanged}, failed ${counts.failed}`);
		return { ...counts, target: target.description };
	} finally {
		await target.close();
	}
}

/** A one-line "done/total" indicator on a terminal, rewritten in place. */
export function terminalProgress(stream = process.stdout) {
	if (stream.isTTY !== true) return undefined;
	return { show: (text) => stream.write(text), clear: () => stream.write("\r\x1b[K") };
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

async function eachConcurrently(items, limit, run) {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await run(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function formatSize(bytes) {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function describeUnexpected(error) {
	if (!(error instanceof Error)) return String(error);
	const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
	return `${error.message.split("\n")[0]}${cause}`;
}
