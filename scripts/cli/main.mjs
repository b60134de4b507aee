/**
 * `npm run pressroom -- <command>`: the operator's CLI over the admin API (README "HTTP API").
 * Target: --url (or PRESSROOM_URL), default the local dev server `npm start` runs; token: PRESSROOM_TOKEN,
 * or for a loopback URL the ADMIN_TOKEN in .dev.vars. Exit codes: scripts/cli/exit-codes.mjs (and --help).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, parseDotenv } from "../lib/dev-server.mjs";
import { createApi, isLoopback } from "./api.mjs";
import * as commands from "./commands.mjs";
import { CliError, EXIT } from "./exit-codes.mjs";

/** scripts/dev.mjs serves on this port unless given --port. */
export const DEFAULT_URL = "http://127.0.0.1:8787";

const OPTIONS = {
	url: { type: "string" },
	json: { type: "boolean" },
	help: { type: "boolean", short: "h" },
	once: { type: "boolean" },
	description: { type: "string" },
	format: { type: "string" },
	event: { type: "string", multiple: true },
	tag: { type: "string", multiple: true },
	category: { type: "string", multiple: true },
	disabled: { type: "boolean" },
	limit: { type: "string" },
	"persist-to": { type: "string" },
	"dry-run": { type: "boolean" },
};
const GLOBAL = ["url", "json", "help"];

/** name -> [handler, positional names, extra options, needs the API] */
const COMMANDS = {
	status: [commands.status, [], [], true],
	sync: [commands.sync, [], ["once"], true],
	"subscriptions list": [commands.subscriptionsList, [], [], true],
	"subscriptions add": [commands.subscriptionsAdd, ["url"], ["description", "event", "tag", "category", "format", "disabled"], true],
	"subscriptions rm": [commands.subscriptionsRemove, ["subscription"], [], true],
	"subscriptions ping": [commands.subscriptionsPing, ["subscription"], [], true],
	"subscriptions rotate": [commands.subscriptionsRotate, ["subscription"], [], true],
	deliveries: [commands.deliveries, ["subscription"], ["limit"], true],
	redeliver: [commands.redeliver, ["message"], [], true],
	"posts push": [commands.postsPush, ["dir"], ["persist-to", "dry-run"], false],
};

export const USAGE = `usage: npm run pressroom -- <command> [options]

commands
  status                          catalog, last syncs, broken posts, webhook health
  sync [--once]                   sync the catalog now; repeats while a sync ends "partial" unless --once
  subscriptions list              every webhook subscription
  subscriptions add <url>         [--description T] [--event TYPE]... [--tag T]... [--category C]... [--format slack|discord] [--disabled]
  subscriptions rm <id>           delete a subscription
  subscriptions ping <id>         send a test "ping" event
  subscriptions rotate <id>       new signing secret (the old one signs for 24 h more)
  deliveries <id> [--limit N]     messages sent to a subscription, with every attempt (N up to 100)
  redeliver <message>             send a finished message again, same webhook-id
  posts push <dir>                upload a folder of posts [--persist-to DIR] [--dry-run]
                                  (local R2, or the S3 store named by S3_* variables)

options
  --url URL     the deployment (or PRESSROOM_URL); default ${DEFAULT_URL}, the dev server of npm start
  --json        machine-readable output on stdout; errors as one JSON object on stderr
  PRESSROOM_TOKEN   the admin token; for a local URL, ADMIN_TOKEN from .dev.vars is used when it is unset

exit codes
  0 ok   1 failed (sync failed, request refused, server error)   2 usage
  3 server unreachable   4 no or wrong admin token (401)   5 conflict (409: a sync is running, …)
  6 not found (no such subscription or message)`;

/**
 * Runs one command line. Returns the exit code; prints results on stdout and problems on stderr.
 * @param {string[]} argv
 * @param {{ env?: NodeJS.ProcessEnv }} [context]
 */
export async function main(argv, { env = process.env } = {}) {
	let json = argv.includes("--json");
	try {
		const parsed = parse(argv);
		json = parsed.options.json === true;
		if (parsed.help) {
			console.log(USAGE);
			return EXIT.ok;
		}
		const [handler, , , needsApi] = COMMANDS[parsed.name];
		const out = output(json);
		const api = needsApi ? createApi(target(parsed.options, env)) : undefined;
		return await handler({ api, positionals: parsed.positionals, options: parsed.options, out });
	} catch (error) {
		return report(error, json);
	}
}

function parse(argv) {
	let values;
	let positionals;
	try {
		({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
	} catch (error) {
		throw usage(error.message.split("\n")[0]);
	}
	if (positionals.length === 0) {
		if (values.help) return { help: true, options: values };
		throw usage("which command?");
	}
	const two = positionals.slice(0, 2).join(" ");
	const name = COMMANDS[two] ? two : COMMANDS[positionals[0]] ? positionals[0] : undefined;
	if (!name) {
		const group = ["subscriptions", "posts"].includes(positionals[0]);
		throw usage(group ? `"${positionals[0]}" needs a subcommand, e.g. ${Object.keys(COMMANDS).find((key) => key.startsWith(positionals[0]))}` : `unknown command "${positionals[0]}"`);
	}
	if (values.help) return { help: true, options: values };
	const [, wanted, extra] = COMMANDS[name];
	const rest = positionals.slice(name.split(" ").length);
	if (rest.length < wanted.length) throw usage(`${name} needs <${wanted[rest.length]}>`);
	if (rest.length > wanted.length) throw usage(`${name} takes ${wanted.length === 0 ? "no arguments" : `only <${wanted.join("> <")}>`}, got "${rest[wanted.length]}"`);
	for (const option of Object.keys(values)) {
		if (!GLOBAL.includes(option) && !extra.includes(option)) throw usage(`${name} has no --${option} option`);
	}
	if (values.limit !== undefined && !/^([1-9]\d?|100)$/.test(values.limit)) throw usage(`--limit must be a whole number from 1 to 100, got "${values.limit}"`);
	if (values.limit !== undefined) values.limit = Number(values.limit);
	return { name, positionals: rest, options: values };
}

function target(options, env) {
	const raw = (options.url ?? env.PRESSROOM_URL ?? DEFAULT_URL).trim();
	let baseUrl;
	try {
		baseUrl = new URL(raw);
	} catch {
		throw usage(`--url must be an absolute URL such as https://feeds.example.org, got "${raw}"`);
	}
	if (baseUrl.protocol !== "http:" && baseUrl.protocol !== "https:") throw usage(`--url must use http or https, got "${raw}"`);
	const base = baseUrl.origin + baseUrl.pathname.replace(/\/+$/, "");
	const fromEnv = env.PRESSROOM_TOKEN?.trim();
	if (fromEnv) return { baseUrl: `${base}/`, token: fromEnv, tokenSource: "PRESSROOM_TOKEN" };
	// The local token is never sent anywhere but to this machine.
	const devVars = path.join(ROOT, ".dev.vars");
	if (isLoopback(base) && existsSync(devVars)) {
		const token = parseDotenv(readFileSync(devVars, "utf8")).ADMIN_TOKEN;
		if (token) return { baseUrl: `${base}/`, token, tokenSource: ".dev.vars" };
	}
	return { baseUrl: `${base}/`, token: undefined, tokenSource: "nowhere" };
}

/** Results go to stdout (JSON or text); progress goes to stderr, so `--json` output stays parseable. */
function output(json) {
	const stderrIsTty = process.stderr.isTTY === true;
	return {
		json,
		result(value, text) {
			if (json) console.log(JSON.stringify(value, null, 2));
			else {
				const rendered = text();
				if (rendered) console.log(rendered);
			}
		},
		progress(line) {
			if (!json) console.error(line);
		},
		/** A ticking "syncing… 12 s" on a terminal; one line otherwise (nothing with --json). */
		waiting(label) {
			if (json && !stderrIsTty) return { stop() {} };
			if (!stderrIsTty) {
				console.error(`${label}…`);
				return { stop() {} };
			}
			const started = Date.now();
			const draw = () => process.stderr.write(`\r\x1b[K${label}… ${Math.round((Date.now() - started) / 1000)} s`);
			draw();
			const timer = setInterval(draw, 1000);
			return {
				stop() {
					clearInterval(timer);
					process.stderr.write("\r\x1b[K");
				},
			};
		},
	};
}

function usage(message) {
	return new CliError(message, EXIT.usage, { hint: "see npm run pressroom -- --help" });
}

function report(error, json) {
	const known = error instanceof CliError;
	const exitCode = known ? error.exitCode : EXIT.failure;
	const message = known ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
	if (json) {
		console.error(JSON.stringify({ error: known ? (error.code ?? codeName(exitCode)) : "internal", message, hint: known ? error.hint : undefined, status: known ? error.status : undefined, exitCode }));
	} else {
		console.error(`pressroom: ${message}`);
		if (known && error.hint) console.error(`  ${error.hint}`);
	}
	return exitCode;
}

function codeName(exitCode) {
	return Object.entries(EXIT).find(([, value]) => value === exitCode)?.[0] ?? "failure";
}
