import type { Author } from "./post";
import { lowerCaseKeys } from "./fields";
import { PostProblem, quote } from "./problem";
import { cleanLine } from "./text";

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

/**
 * `author` / `authors`: a name, "Name <email>", a list of them, or mappings {name, email, url}.
 * A plural `authors` string is comma-separated (Pelican's "Authors: A, B"); a singular one is one person.
 * No author at all credits the site's default author.
 */
export function readAuthors(author: unknown, authors: unknown, fallback: Author): Author[] {
	const found = [...authorList(authors, "authors", true), ...authorList(author, "author", false)];
	const unique = new Map<string, Author>();
	for (const person of found) {
		const identity = `${person.name.toLowerCase()}\n${person.email?.toLowerCase() ?? ""}`;
		if (!unique.has(identity)) unique.set(identity, person);
	}
	return unique.size > 0 ? [...unique.values()] : [{ ...fallback }];
}

function authorList(value: unknown, field: string, splitCommas: boolean): Author[] {
	if (value === undefined || value === null) return [];
	if (typeof value === "string") {
		const names = splitCommas ? value.split(",") : [value];
		return names.flatMap((name) => personFromText(name));
	}
	if (typeof value === "number" || typeof value === "boolean") return personFromText(String(value));
	if (Array.isArray(value)) {
		return value.flatMap((item: unknown) => {
			if (item === null || item === undefined) return [];
			if (Array.isArray(item)) throw new PostProblem(`${field} must be names or {name, email, url} mappings, not nested lists`);
			return typeof item === "object" ? [personFromMapping(item as Record<string, unknown>, field)] : personFromText(String(item));
		});
	}
	if (typeof value === "object") return [personFromMapping(value as Record<string, unknown>, field)];
	throw new PostProblem(`${field} ${quote(value)} must be a name, a list of names or {name, email, url} mappings`);
}

/** "Ada Lovelace" or "Ada Lovelace <ada@example.org>". */
function personFromText(text: string): Author[] {
	const trimmed = text.trim();
	const open = trimmed.lastIndexOf("<");
	if (trimmed.endsWith(">") && open > 0) {
		const email = trimmed.slice(open + 1, -1).trim();
		const name = cleanLine(trimmed.slice(0, open));
		if (name !== "" && EMAIL.test(email)) return [{ name, email }];
	}
	const name = cleanLine(trimmed);
	if (name === "") return [];
	return [{ name }];
}

function personFromMapping(record: Record<string, unknown>, field: string): Author {
	const fields = lowerCaseKeys(record, field);
	const rawName = fields.get("name");
	const name = typeof rawName === "string" || typeof rawName === "number" ? cleanLine(String(rawName)) : "";
	if (name === "") throw new PostProblem(`${field} ${quote(record)} has no name`);
	const person: Author = { name };
	const email = fields.get("email");
	if (email !== undefined && email !== null && email !== "") {
		const text = typeof email === "string" ? email.trim() : "";
		if (!EMAIL.test(text)) throw new PostProblem(`${field} e-mail ${quote(email)} is not an e-mail address`);
		person.email = text;
	}
	const url = fields.get("url");
	if (url !== undefined && url !== null && url !== "") {
		const text = typeof url === "string" ? url.trim() : "";
		if (!isHttpUrl(text)) throw new PostProblem(`${field} url ${quote(url)} is not an absolute http(s) URL`);
		person.url = new URL(text).href;
	}
	return person;
}

function isHttpUrl(text: string): boolean {
	try {
		const { protocol } = new URL(text);
		return protocol === "http:" || protocol === "https:";
	} catch {
		return false;
	}
}
