/**
 * The runner of `npm run setup:cloudflare`: asks wrangler what exists, lets scripts/deploy/setup-plan.mjs
 * decide, runs the creates, and says what it did. `wrangler(args, { input })` is injected (the entry point
 * passes the real one; tests pass a fake account), so nothing here talks to Cloudflare by itself.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { PRODUCTION_ENV, productionProblems, productionResources } from "./production-config.mjs";
import {
	parseAppliedMigrations,
	parseBucketList,
	parseCreatedDatabaseId,
	parseDatabaseList,
	parseNotificationList,
	parseQueueList,
	parseSecretList,
	planSetup,
	withDatabaseId,
} from "./setup-plan.mjs";

/** A problem that stops the setup; printed without a stack. */
export class SetupError extends Error {
	name = "SetupError";
}

/**
 * @typedef {(args: string[], options?: { input?: string }) => Promise<{ code: number, output: string }>} Wrangler
 * @param {{ configPath: string, wrangler: Wrangler, readConfig: (configPath: string) => any, newToken: () => string, log?: (line: string) => void, dryRun?: boolean }} options
 * @returns {Promise<{ steps: object[], problems: string[], token?: string }>}
 */
export async function setupCloudflare({ configPath, wrangler, readConfig, newToken, log = console.log, dryRun = false }) {
	const withConfig = (args) => [...args, "--config", configPath];
	const run = async (args, options) => wrangler(withConfig(args), options);
	const must = async (args, options) => {
		const result = await run(args, options);
		if (result.code !== 0) throw new SetupError(`wrangler ${args.join(" ")} failed (exit ${result.code}):\n${result.output.trim().slice(-1500)}`);
		return result.output;
	};

	const whoami = await run(["whoami"]);
	if (whoami.code !== 0 || /not authenticated|not logged in/i.test(whoami.output)) {
		throw new SetupError("wrangler is not logged in: run `npx wrangler login`, or set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID)");
	}
	const resources = productionResources(readConfig(configPath));
	if (!resources.bucket || !resources.database?.name) throw new SetupError(`[env.${PRODUCTION_ENV}] in ${configPath} must bind an R2 bucket as POSTS and a D1 database as DB`);

	log("Looking at the account…");
	const buckets = parseBucketList(await must(["r2", "bucket", "list"]));
	const observed = {
		buckets,
		databases: parseDatabaseList(await must(["d1", "list", "--json"])),
		queues: parseQueueList(await must(["queues", "list"])),
		notifications: buckets.includes(resources.bucket) ? parseNotificationList(await must(["r2", "bucket", "notification", "list", resources.bucket])) : [],
		secrets: parseSecretList(await run(["secret", "list", "--env", PRODUCTION_ENV])),
	};
	const steps = planSetup(resources, observed);

	let createdDatabaseId;
	let token;
	for (const step of steps) {
		const label = `${step.resource} ${step.name}`;
		if (step.action === "exists") {
			log(`  exists   ${label}`);
			continue;
		}
		if (dryRun) {
			log(`  would ${step.action === "apply" ? "apply" : step.action === "update" ? "write" : "create"}  ${label}${step.args ? `: wrangler ${step.args.join(" ")}` : ""}`);
			continue;
		}
		if (step.action === "update") {
			const id = step.id ?? createdDatabaseId;
			writeFileSync(configPath, withDatabaseId(readFileSync(configPath, "utf8"), PRODUCTION_ENV, resources.database.name, id));
			log(`  wrote    database_id = "${id}" into [env.${PRODUCTION_ENV}] of ${configPath}${step.id ? ` (${step.why})` : ""}`);
			continue;
		}
		if (step.stdin === "new-token") {
			token = newToken();
			await must(step.args, { input: token });
			log(`  created  ${label}${step.why ? ` (${step.why})` : ""}`);
			continue;
		}
		const output = await must(step.args);
		if (step.action === "apply") {
			const applied = parseAppliedMigrations(output);
			log(`  applied  ${label}: ${applied.length > 0 ? applied.join(", ") : "already up to date"}`);
			continue;
		}
		if (step.resource === "D1 database") createdDatabaseId = parseCreatedDatabaseId(output);
		log(`  created  ${label}${createdDatabaseId && step.resource === "D1 database" ? ` (${createdDatabaseId})` : ""}`);
	}

	const problems = productionProblems(readConfig(configPath)).filter((problem) => !(dryRun && problem.startsWith("database_id")));
	const created = steps.filter((step) => step.action === "create").length;
	log("");
	log(dryRun ? `Dry run: ${created} to create, nothing changed.` : created === 0 ? "Nothing was missing." : `Created ${created} resource${created === 1 ? "" : "s"}.`);
	if (token) {
		log(`ADMIN_TOKEN is ${token}`);
		log("  (shown only now: keep it in your password manager; the CLI takes it as PRESSROOM_TOKEN)");
	}
	if (problems.length > 0) {
		log(`Before npm run deploy, fix in ${configPath} [env.${PRODUCTION_ENV}]:`);
		for (const problem of problems) log(`  - ${problem}`);
	} else if (!dryRun) {
		log("Ready: npm run deploy");
	}
	return { steps, problems, token };
}
