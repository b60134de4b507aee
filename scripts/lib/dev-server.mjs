/**
 * Running the Worker locally with wrangler's simulators: shared by `npm start` (scripts/dev.mjs) and the
 * end-to-end suite (tests/e2e). Everything here works offline and without a Cloudflare account.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { appendFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeError as describeAnyError } from "../../src/shared/describe-error.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Wrangler 4 refuses older versions (FIELD-NOTES: "Wrangler ≥ 4 requires Node ≥ 22.12"), and the scripts
 * import the leaf helpers of src/shared as TypeScript, which Node strips without a flag from 22.18 on.
 */
export const MIN_NODE = [22, 18];

/** The bucket and database names in wrangler.toml. */
export const BUCKET_NAME = "pressroom-posts";
export const DATABASE_NAME = "pressroom";

export function nodeIsRecentEnough(version = process.versions.node) {
	const [major = 0, minor = 0] = version.split(".").map(Number);
	return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/**
 * The environment for every wrangler child: no metrics, no fetch of `Request.cf` data from Cloudflare
 * (FIELD-NOTES, toolchain), and loopback traffic never sent through a proxy.
 */
export function toolEnv(extra = {}) {
	const noProxy = [process.env.NO_PROXY, "127.0.0.1", "localhost", "::1"].filter(Boolean).join(",");
	return {
		...process.env,
		WRANGLER_SEND_METRICS: "false",
		CLOUDFLARE_CF_FETCH_ENABLED: "false",
		NO_PROXY: noProxy,
		no_proxy: noProxy,
		...extra,
	};
}

/** wrangler's own launcher; run with this Node (process.execPath) so the bundled Node 22 is used. */
export function wranglerBin() {
	const bin = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
	if (!existsSync(bin)) throw new Error(`${path.relative(process.cwd(), bin)} is missing: run \`npm install\` first.`);
	return bin;
}

/**
 * Runs a one-shot command to completion. stdin is closed, so wrangler sees no TTY and never prompts
 * (its isNonInteractiveOrCI() check); CI=true says the same thing a second way.
 * @returns {Promise<{ code: number, output: string }>} output is stdout and stderr interleaved
 */
export function runCommand(command, args, { env = toolEnv(), cwd = ROOT, echo = false } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
		let output = "";
		const collect = (chunk) => {
			output += chunk;
			if (echo) process.stdout.write(chunk);
		};
		child.stdout.setEncoding("utf8").on("data", collect);
		child.stderr.setEncoding("utf8").on("data", collect);
		child.on("error", reject);
		child.on("close", (code, signal) => resolve({ code: code ?? exitCodeForSignal(signal), output }));
	});
}

export function runWrangler(args, options = {}) {
	return runCommand(process.execPath, [wranglerBin(), ...args], { ...options, env: options.env ?? toolEnv({ CI: "true" }) });
}

/** `wrangler d1 migrations apply pressroom --local`, into `persistTo` if given (else .wrangler/state). */
export async function applyMigrations({ persistTo } = {}) {
	const args = ["d1", "migrations", "apply", DATABASE_NAME, "--local"];
	if (persistTo) args.push("--persist-to", persistTo);
	const result = await runWrangler(args);
	if (result.code !== 0) throw new CommandError(`wrangler ${args.join(" ")}`, result);
	// The last table wrangler prints has a status column: "│ 0001_catalog.sql │ ✅ │".
	const applied = [...new Set([...result.output.matchAll(/│\s*(\S+\.sql)\s*│\s*✅/g)].map((match) => match[1]))];
	return { applied, output: result.output };
}

/**
 * Uploads a folder of posts to local R2 with scripts/posts-push.mjs (it skips unchanged files).
 * `persistTo` is passed on as `--persist-to` so a private state directory (the e2e suite's) is seeded,
 * not the developer's .wrangler/state. S3_* variables are dropped from its environment: posts-push would
 * otherwise upload to that S3 store, and this is about the local bucket only. `withoutPrefix` drops
 * POSTS_PREFIX as well (the e2e Worker is started without one).
 */
export async function pushPosts({ contentDir, persistTo, echo = false, withoutPrefix = false }) {
	const script = path.join(ROOT, "scripts", "posts-push.mjs");
	if (!existsSync(script)) return { code: 127, output: `${path.relative(ROOT, script)} does not exist yet`, missing: true };
	const args = [script, contentDir];
	if (persistTo) args.push("--persist-to", persistTo);
	const env = toolEnv();
	for (const name of Object.keys(env)) if (name.startsWith("S3_") || (withoutPrefix && name === "POSTS_PREFIX")) delete env[name];
	return { ...(await runCommand(process.execPath, args, { echo, env })), missing: false };
}

/**
 * Fallback seeding, one `wrangler r2 object put --local` per file (about 2 s each): used by the e2e
 * suite only while scripts/posts-push.mjs does not exist.
 */
export async function putPostsWithWrangler({ contentDir, persistTo }) {
	const files = listFiles(contentDir);
	for (const file of files) {
		const key = path.relative(contentDir, file).split(path.sep).join("/");
		const args = ["r2", "object", "put", `${BUCKET_NAME}/${key}`, "--file", file, "--local"];
		if (persistTo) args.push("--persist-to", persistTo);
		const result = await runWrangler(args);
		if (result.code !== 0) throw new CommandError(`wrangler ${args.join(" ")}`, result);
	}
	return files.length;
}

/** Regular files under `dir`, recursively, skipping dotfiles; sorted for stable keys. */
export function listFiles(dir) {
	if (!existsSync(dir)) return [];
	const found = [];
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		if (entry.name.startsWith(".")) continue;
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) found.push(...listFiles(full));
		else if (entry.isFile() || statSync(full).isFile()) found.push(full);
	}
	return found.sort();
}

/**
 * Starts `wrangler dev` on `ip:port`. `vars` become `--var KEY:VALUE` (wrangler 4.156 splits on the first
 * ":", so values may contain colons, e.g. URLs). `detached` puts it in its own process group, so
 * stopProcessGroup() can end wrangler and both workerd processes it starts, and nothing else.
 */
export function startWranglerDev({
	ip = "127.0.0.1",
	port,
	inspectorPort,
	persistTo,
	vars = {},
	envFile,
	detached = false,
	stdio = "inherit",
	interactive,
	env = toolEnv(),
}) {
	const args = ["dev", "--ip", ip, "--port", String(port)];
	if (inspectorPort) args.push("--inspector-port", String(inspectorPort), "--inspector-ip", "127.0.0.1");
	if (persistTo) args.push("--persist-to", persistTo);
	for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
	// With --env-file, wrangler reads that file instead of .dev.vars, so a developer's secrets stay out.
	if (envFile) args.push("--env-file", envFile);
	if (interactive !== undefined) args.push(`--show-interactive-dev-session=${interactive}`);
	const child = spawn(process.execPath, [wranglerBin(), ...args], { cwd: ROOT, env, stdio, detached });
	return { child, args };
}

/**
 * Resolves once `url` answers HTTP at all (any status: the app may still be incomplete); rejects when the
 * child exits first or `timeoutMs` passes (default: wait as long as the child lives, since wrangler keeps
 * running after a build error and serves once the code is fixed). `onSlow` is called once after `slowAfterMs`.
 * `abortIf` is asked before each attempt; a message from it ends the wait with that error (e.g. a build error
 * found in wrangler's output, when nobody is there to fix the code).
 */
export async function waitForHttp(url, { child, timeoutMs = Number.POSITIVE_INFINITY, intervalMs = 250, slowAfterMs = 30_000, onSlow, abortIf } = {}) {
	const started = Date.now();
	let slowReported = false;
	let exited = child && child.exitCode !== null ? child.exitCode : undefined;
	const onExit = (code, signal) => {
		exited = code ?? exitCodeForSignal(signal);
	};
	child?.once("exit", onExit);
	try {
		for (;;) {
			if (exited !== undefined) throw new Error(`wrangler dev exited (code ${exited}) before ${url} answered`);
			const abort = abortIf?.();
			if (abort) throw new Error(abort);
			try {
				const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
				await response.body?.cancel();
				return response.status;
			} catch (error) {
				const waited = Date.now() - started;
				if (waited > timeoutMs) throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s: ${describeError(error)}`);
				if (!slowReported && onSlow && waited > slowAfterMs) {
					slowReported = true;
					onSlow(waited);
				}
			}
			await new Promise((resolve) => setTimeout(resolve, intervalMs));
		}
	} finally {
		child?.off("exit", onExit);
	}
}

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Whether something already listens on 127.0.0.1:port. */
export function portInUse(port) {
	return new Promise((resolve) => {
		const server = createServer();
		server.once("error", (error) => resolve(error.code === "EADDRINUSE" || error.code === "EACCES"));
		server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
	});
}

/**
 * Ends a process group this process created with `detached: true`: SIGTERM, then SIGKILL after
 * `graceMs`. Addressed by the leader's PID only (never by name). Resolves when no member is left.
 */
export async function stopProcessGroup(child, { graceMs = 5_000 } = {}) {
	const pgid = child.pid;
	if (!pgid) return;
	const alive = () => {
		try {
			process.kill(-pgid, 0);
			return true;
		} catch {
			return false;
		}
	};
	const signal = (name) => {
		try {
			process.kill(-pgid, name);
		} catch {
			// Already gone.
		}
	};
	if (!alive()) return;
	signal("SIGTERM");
	const deadline = Date.now() + graceMs;
	while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
	if (alive()) {
		signal("SIGKILL");
		while (alive()) await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** A random admin token: 32 bytes, hex. */
export function newToken() {
	return randomBytes(32).toString("hex");
}

/** Parses a dotenv-style file (.dev.vars): KEY=value, optional quotes, # comments. */
export function parseDotenv(text) {
	const values = {};
	for (const line of text.split(/\r?\n/)) {
		const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
		if (!match) continue;
		let value = match[2];
		const quoted = /^(['"])(.*)\1$/.exec(value);
		if (quoted) value = quoted[2];
		else value = value.replace(/\s+#.*$/, "");
		values[match[1]] = value;
	}
	return values;
}

/**
 * Makes sure `file` (.dev.vars) holds an ADMIN_TOKEN: creates the file if it is missing, adds the line if
 * the file exists without one; never changes an existing value.
 * @returns {Promise<{ token: string, action: "created" | "appended" | "kept" }>}
 */
export async function ensureAdminToken(file) {
	if (!existsSync(file)) {
		const token = newToken();
		await writeFile(file, `# Local secrets for \`wrangler dev\` (git-ignored). Created by npm start.\nADMIN_TOKEN=${token}\n`, {
			mode: 0o600,
			flag: "wx",
		});
		return { token, action: "created" };
	}
	const text = readFileSync(file, "utf8");
	const existing = parseDotenv(text).ADMIN_TOKEN;
	if (existing) return { token: existing, action: "kept" };
	const token = newToken();
	await appendFile(file, `${text.endsWith("\n") || text === "" ? "" : "\n"}ADMIN_TOKEN=${token}\n`);
	return { token, action: "appended" };
}

/** A string [vars] value from wrangler.toml, e.g. FEED_ITEM_COUNT (only simple `KEY = "value"` lines). */
export function wranglerTomlVar(name) {
	const toml = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8");
	const vars = /^\[vars\]\s*$([\s\S]*?)(?=^\[)/m.exec(toml)?.[1] ?? "";
	const match = new RegExp(`^\\s*${name}\\s*=\\s*"([^"]*)"`, "m").exec(vars);
	return match?.[1];
}

/** Exit code convention for a child ended by a signal: 128 + its number. */
export function exitCodeForSignal(signal) {
	const numbers = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
	return signal ? 128 + (numbers[signal] ?? 1) : 1;
}

/** A caught value for the scripts' messages: its message and its cause's (src/shared/describe-error.ts). */
export function describeError(error) {
	return describeAnyError(error, { cause: true });
}

/** A command that exited non-zero; carries its output for the report. */
export class CommandError extends Error {
	name = "CommandError";
	constructor(command, result) {
		super(`${command} exited with code ${result.code}\n${result.output.trim()}`);
		this.code = result.code;
		this.output = result.output;
	}
}
