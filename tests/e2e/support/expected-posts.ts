/**
 * What the feeds should contain, worked out from the files in content/ without the Worker's code: a post is
 * visible when its front matter does not mark it a draft and its date has been reached. Dates without a zone
 * are read as UTC (wrangler.toml's SITE_TIME_ZONE); a post without a date counts as visible (the Worker falls
 * back to the object's upload time).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import matter from "gray-matter";
import { listFiles } from "../../../scripts/lib/dev-server.mjs";
import { mediaTypeByExtension } from "../../../src/shared/media-types";

export interface ContentFile {
	key: string;
	title?: string;
	slug?: string;
	date?: Date;
	draft: boolean;
	future: boolean;
	visible: boolean;
}

export function readContent(contentDir: string, now = new Date()): ContentFile[] {
	// Images, CSV and other media beside the posts are served as they are, not read as posts.
	return listFiles(contentDir).filter((file) => mediaTypeByExtension(file) === undefined).map((file) => {
		const key = path.relative(contentDir, file).split(path.sep).join("/");
		const data = frontMatter(readFileSync(file, "utf8"));
		const date = toDate(data.date ?? data.published_at ?? data.pubDate ?? (typeof data.published === "boolean" ? undefined : data.published));
		const draft = isTrue(data.draft) || data.published === false || String(data.status ?? "").toLowerCase() === "draft";
		const future = date !== undefined && date.getTime() > now.getTime();
		return {
			key,
			title: typeof data.title === "string" ? data.title : undefined,
			slug: typeof data.slug === "string" ? data.slug : undefined,
			date,
			draft,
			future,
			visible: !draft && !future,
		};
	});
}

/**
 * Fenced YAML (---), or a bare `key: value` block ending at the first blank line (Pelican/MultiMarkdown
 * style). Keys are compared without case ("Title", "Date" occur).
 */
function frontMatter(text: string): Record<string, unknown> {
	const source = text.replace(/^\uFEFF/, "");
	let data: Record<string, unknown> = {};
	if (/^---\s*\r?\n/.test(source)) data = matter(source).data;
	else if (/^[A-Za-z_][\w-]*:/.test(source)) data = matter(`---\n${source.split(/\r?\n\s*\r?\n/, 1)[0] ?? ""}\n---\n`).data;
	return Object.fromEntries(Object.entries(data).map(([key, value]) => [key.toLowerCase(), value]));
}

function isTrue(value: unknown): boolean {
	return value === true || (typeof value === "string" && ["true", "yes", "1"].includes(value.trim().toLowerCase()));
}

function toDate(value: unknown): Date | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
	if (typeof value !== "string" || value.trim() === "") return undefined;
	const text = value.trim();
	// Date-only and zone-less values are UTC here (SITE_TIME_ZONE = "UTC").
	const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : `${text.replace(" ", "T")}Z`;
	const parsed = new Date(zoned);
	return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}
