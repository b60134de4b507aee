/**
 * Slack and Discord as the receiver (webhook-receiver.global.ts) plays them: each checks that a message has the
 * shape its service takes, within its limits, and answers as the service does. Node side.
 * Slack: https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks (200 "ok", 400 "invalid_payload").
 * Discord: https://discord.com/developers/docs/resources/webhook#execute-webhook (204; 400 with code 50035).
 */
import type { ServerResponse } from "node:http";

type Problems = string[];

export function answerAsSlack(url: URL, body: string, res: ServerResponse): void {
	if (quotedPath(url, res)) return;
	if (url.searchParams.get("mode") === "429") {
		res.writeHead(429, { "retry-after": url.searchParams.get("retry-after") ?? "1", "content-type": "text/plain" }).end("rate_limited");
		return;
	}
	const problems = slackProblems(body);
	if (problems.length > 0) res.writeHead(400, { "content-type": "text/plain" }).end(`invalid_payload: ${problems.join("; ")}`);
	else res.writeHead(200, { "content-type": "text/plain" }).end("ok");
}

export function answerAsDiscord(url: URL, body: string, res: ServerResponse): void {
	if (quotedPath(url, res)) return;
	if (url.searchParams.get("mode") === "429") {
		const retryAfter = Number(url.searchParams.get("retry_after") ?? "1");
		res.writeHead(429, { "content-type": "application/json" }).end(JSON.stringify({ message: "You are being rate limited.", retry_after: retryAfter, global: false }));
		return;
	}
	const problems = discordProblems(body);
	if (problems.length > 0) res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ code: 50035, message: "Invalid Form Body", errors: problems }));
	else res.writeHead(204).end();
}

function quotedPath(url: URL, res: ServerResponse): boolean {
	if (url.searchParams.get("mode") !== "quote-path") return false;
	res.writeHead(404, { "content-type": "text/plain" }).end(`no webhook at ${url.pathname}${url.search}`);
	return true;
}

function parseObject(body: string, problems: Problems): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(body);
		if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
	} catch {
		// reported below
	}
	problems.push("the body is not a JSON object");
	return undefined;
}

const isString = (value: unknown): value is string => typeof value === "string";

function checkText(problems: Problems, where: string, value: unknown, max: number, required = true): void {
	if (value === undefined && !required) return;
	if (!isString(value) || value.length === 0) problems.push(`${where} must be a non-empty string`);
	else if (value.length > max) problems.push(`${where} is ${value.length} characters, over ${max}`);
	else if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) problems.push(`${where} holds a lone surrogate`);
}

function checkHttpUrl(problems: Problems, where: string, value: unknown): void {
	if (value === undefined) return;
	if (!isString(value) || !/^https?:\/\/[^\s]+$/.test(value)) problems.push(`${where} must be an http(s) URL`);
}

export function slackProblems(body: string): Problems {
	const problems: Problems = [];
	const message = parseObject(body, problems);
	if (!message) return problems;
	checkText(problems, "text", message.text, 40_000);
	if (message.blocks === undefined) return problems;
	if (!Array.isArray(message.blocks) || message.blocks.length > 50) return [...problems, "blocks must be an array of at most 50"];
	message.blocks.forEach((block: Record<string, unknown>, i) => {
		const text = block.text as { type?: unknown; text?: unknown } | undefined;
		if (block.type === "header") {
			if (text?.type !== "plain_text") problems.push(`blocks[${i}] header text must be plain_text`);
			checkText(problems, `blocks[${i}].text`, text?.text, 150);
		} else if (block.type === "section") {
			if (text?.type !== "mrkdwn" && text?.type !== "plain_text") problems.push(`blocks[${i}] section text needs a type`);
			checkText(problems, `blocks[${i}].text`, text?.text, 3000);
		} else if (block.type === "context") {
			const elements = block.elements as { type?: unknown; text?: unknown }[] | undefined;
			if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) problems.push(`blocks[${i}].elements must hold 1 to 10 elements`);
			else elements.forEach((e, j) => checkText(problems, `blocks[${i}].elements[${j}]`, e.text, 3000));
		} else {
			problems.push(`blocks[${i}] has unknown type ${String(block.type)}`);
		}
	});
	return problems;
}

export function discordProblems(body: string): Problems {
	const problems: Problems = [];
	const message = parseObject(body, problems);
	if (!message) return problems;
	checkText(problems, "content", message.content, 2000);
	const mentions = message.allowed_mentions as { parse?: unknown } | undefined;
	if (!Array.isArray(mentions?.parse) || mentions.parse.length !== 0) problems.push("allowed_mentions.parse must be [] (a post must ping nobody)");
	if (message.embeds === undefined) return problems;
	if (!Array.isArray(message.embeds) || message.embeds.length > 10) return [...problems, "embeds must be an array of at most 10"];
	let total = 0;
	message.embeds.forEach((embed: Record<string, unknown>, i) => {
		const author = embed.author as { name?: unknown; url?: unknown } | undefined;
		const fields = (embed.fields ?? []) as { name?: unknown; value?: unknown }[];
		checkText(problems, `embeds[${i}].title`, embed.title, 256, false);
		checkText(problems, `embeds[${i}].description`, embed.description, 4096, false);
		checkHttpUrl(problems, `embeds[${i}].url`, embed.url);
		if (embed.timestamp !== undefined && (!isString(embed.timestamp) || Number.isNaN(Date.parse(embed.timestamp)))) problems.push(`embeds[${i}].timestamp must be ISO 8601`);
		if (author !== undefined) {
			checkText(problems, `embeds[${i}].author.name`, author.name, 256);
			checkHttpUrl(problems, `embeds[${i}].author.url`, author.url);
		}
		if (!Array.isArray(fields) || fields.length > 25) problems.push(`embeds[${i}].fields must be at most 25`);
		fields.forEach((field, j) => {
			checkText(problems, `embeds[${i}].fields[${j}].name`, field.name, 256);
			checkText(problems, `embeds[${i}].fields[${j}].value`, field.value, 1024);
		});
		const length = (value: unknown): number => (isString(value) ? value.length : 0);
		total += length(embed.title) + length(embed.description) + length(author?.name) + fields.reduce((n, f) => n + length(f.name) + length(f.value), 0);
	});
	if (total > 6000) problems.push(`the embeds hold ${total} characters, over 6000`);
	return problems;
}
