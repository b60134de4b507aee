#!/usr/bin/env node
/**
 * A local webhook receiver for trying Pressroom's webhooks (`npm run receiver -- --secret whsec_…`).
 * It verifies every request with `standardwebhooks`, the Standard Webhooks reference library, so a delivery
 * it accepts is one any conforming receiver would accept:
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#verifying-webhook-authenticity
 *
 *   --port <n>        port on 127.0.0.1 (default 8788; 0 picks a free one)
 *   --secret whsec_…  the subscription's secret (or env WEBHOOK_SECRET); repeat it to accept several
 *
 * Answers 204 to a verified delivery, 400 to a bad or missing signature, and treats a repeated webhook-id
 * as a duplicate: printed as such and acknowledged, as the spec asks receivers to dedupe on it.
 */
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { Webhook } from "standardwebhooks";

const MAX_BODY_BYTES = 1024 * 1024;
/** Enough to catch retries of recent messages without growing forever. */
const MAX_REMEMBERED_IDS = 10_000;

function main() {
	const { values } = parseArgs({
		options: {
			port: { type: "string", default: "8788" },
			secret: { type: "string", multiple: true },
			help: { type: "boolean", short: "h" },
		},
	});
	if (values.help) {
		console.log("Usage: npm run receiver -- [--port 8788] --secret whsec_… (or WEBHOOK_SECRET=whsec_…)");
		return;
	}
	const secrets = values.secret?.length ? values.secret : process.env.WEBHOOK_SECRET ? [process.env.WEBHOOK_SECRET] : [];
	if (secrets.length === 0) fail("a secret is required: --secret whsec_… or WEBHOOK_SECRET");
	const port = Number(values.port);
	if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0–65535, got "${values.port}"`);

	let verifiers;
	try {
		verifiers = secrets.map((secret) => new Webhook(secret));
	} catch (error) {
		fail(`invalid secret: ${error.message}`);
	}
	const seen = new Set();

	const server = createServer(async (req, res) => {
		if (req.method !== "POST") return reply(res, 405, "POST only");
		let body;
		try {
			body = await readBody(req);
		} catch (error) {
			return reply(res, 413, error.message);
		}
		const headers = {
			"webhook-id": header(req, "webhook-id"),
			"webhook-timestamp": header(req, "webhook-timestamp"),
			"webhook-signature": header(req, "webhook-signature"),
		};
		const payload = verify(verifiers, body, headers);
		if (!payload.ok) {
			log(`rejected ${headers["webhook-id"] || "(no webhook-id)"}: ${payload.error}`);
			return reply(res, 400, payload.error);
		}
		const id = headers["webhook-id"];
		if (seen.has(id)) {
			log(`duplicate ${id} (already processed; acknowledged again)`);
			return reply(res, 204);
		}
		remember(seen, id);
		log(describe(id, payload.event));
		reply(res, 204);
	});

	server.listen(port, "127.0.0.1", () => {
		log(`listening on http://127.0.0.1:${server.address().port}/ with ${secrets.length} secret(s)`);
	});
	const stop = () => server.close(() => process.exit(0));
	process.once("SIGINT", stop);
	process.once("SIGTERM", stop);
}

/** Tries each secret; during a rotation the sender signs with old and new, and either must verify. */
function verify(verifiers, body, headers) {
	let lastError = "no secret";
	for (const verifier of verifiers) {
		try {
			return { ok: true, event: verifier.verify(body, headers) };
		} catch (error) {
			lastError = error.message;
		}
	}
	return { ok: false, error: lastError };
}

function describe(id, event) {
	const item = event?.data?.item;
	const post = item ? ` "${item.title}" <${item.url}>` : "";
	return `${event?.type ?? "(no type)"} ${id}${post}`;
}

function remember(seen, id) {
	seen.add(id);
	if (seen.size > MAX_REMEMBERED_IDS) seen.delete(seen.values().next().value);
}

function header(req, name) {
	const value = req.headers[name];
	return Array.isArray(value) ? value.join(" ") : (value ?? "");
}

async function readBody(req) {
	const chunks = [];
	let size = 0;
	for await (const chunk of req) {
		size += chunk.length;
		if (size > MAX_BODY_BYTES) throw new Error(`body larger than ${MAX_BODY_BYTES} bytes`);
		chunks.push(chunk);
	}
	return Buffer.concat(chunks).toString("utf8");
}

function reply(res, status, text) {
	if (text === undefined) return res.writeHead(status).end();
	res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(`${text}\n`);
}

function log(line) {
	console.log(`${new Date().toISOString()} ${line}`);
}

function fail(message) {
	console.error(`receiver: ${message}`);
	process.exit(2);
}

main();
