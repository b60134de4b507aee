/**
 * Child process of `npm run bench -- --stages` (started with --experimental-transform-types, like
 * renderers-child.mjs): the cost of each stage of parsePost (src/content/parse-post.ts) per post, in-process,
 * over the generated bucket. The stages are run in parsePost's order on the same inputs it would see:
 *   front matter  decodePostText + splitFrontMatter
 *   fields        title, slug, dates, authors, terms, draft, image (everything parsePost reads besides the body)
 *   ids           entryId
 *   markdown      markdownToHtml (limits + marked), not sanitized
 *   sanitize      sanitizePostHtml (which also reads the start of the text, for the summary, in the same pass)
 *   summary       summaryFromText, or htmlToText(renderInlineMarkdown(summary)) for a front matter summary
 * parsePost itself is timed separately, as the check that the stages add up to it. When the previous sanitizer
 * (sanitize-html, a devDependency kept for this) is installed, its sanitize and summary are timed on the same
 * posts in the same rounds, so before/after is a ratio from one run.
 * argv[2]: {"count", "seed", "rounds", "site": {url, author, idAuthority, timeZone}}. Prints one JSON object.
 */
import "./ts-hooks.mjs";
import { performance } from "node:perf_hooks";
import { contentSettings, storedObjects } from "./posts.mjs";

const options = JSON.parse(process.argv[2] ?? "{}");
const content = (file) => import(`../../src/content/${file}.ts`);
const { parsePost } = await content("parse-post");
const { decodePostText } = await content("text");
const { splitFrontMatter } = await content("front-matter");
const { readText, readTerms, readDraft } = await content("fields");
const { readAuthors } = await content("authors");
const { parseDate, zoneFor } = await content("dates");
const { entryId } = await content("entry-id");
const { absoluteUrl, linkBaseFor } = await content("links");
const { fileStem, normalizeSlug } = await content("slug");
const { markdownToHtml, renderInlineMarkdown } = await content("markdown");
const { htmlToText, sanitizePostHtml } = await content("sanitize");
const { summaryFromText, truncateAtWord, SUMMARY_LENGTH } = await content("summary");
const previous = await import("./previous-sanitizer.mjs").then(
	(module) => module.previousSanitizer({ absoluteUrl, truncateAtWord, summaryLength: SUMMARY_LENGTH }),
	(error) => ({ unavailable: error.message.split("\n")[0] }),
);

const site = options.site;
const settings = contentSettings(site);
const { objects, bytes } = storedObjects(options);

/** parsePost's steps, each timed; returns false for a post parsePost would refuse (it is then left out). */
function stagesOf(object, add) {
	let t = performance.now();
	const lap = (stage) => {
		const now = performance.now();
		add(stage, now - t);
		t = now;
	};
	try {
		const { data, body, bodyLine } = splitFrontMatter(decodePostText(object.bytes));
		lap("front matter");
		const title = readText(data.get("title"), "title");
		if (title === undefined) return false;
		const slugText = readText(data.get("slug"), "slug");
		const slug = slugText === undefined ? normalizeSlug(fileStem(object.key), "file name") : normalizeSlug(slugText, "slug");
		const links = linkBaseFor(settings.siteUrl.replace(/\/+$/, ""), slug, object.key);
		const zone = zoneFor(settings.timeZone);
		let updated = parseDate(data.get("date"), "date", zone);
		for (const field of ["lastmod", "updated"]) {
			const value = data.get(field);
			if (value !== undefined && value !== null && value !== "") {
				const date = parseDate(value, field, zone);
				if (date > updated) updated = date;
			}
		}
		readAuthors(data.get("author"), data.get("authors"), settings.defaultAuthor);
		readTerms(data.get("tags"), "tags");
		readTerms(data.get("categories"), "categories");
		readDraft(data);
		const imageText = readText(data.get("image"), "image");
		if (imageText !== undefined) absoluteUrl(imageText, links, ["http", "https"]);
		const summarySource = readText(data.get("summary"), "summary") ?? readText(data.get("description"), "description");
		lap("fields");
		entryId(object.key, data.get("id"), settings.idAuthority);
		lap("ids");
		const rawHtml = markdownToHtml(body, bodyLine);
		lap("markdown");
		const sanitized = sanitizePostHtml(rawHtml, links, SUMMARY_LENGTH);
		lap("sanitize");
		if (summarySource === undefined) summaryFromText(sanitized.text);
		else htmlToText(renderInlineMarkdown(summarySource));
		lap("summary");
		if (previous.sanitizePostHtml) {
			const previousHtml = previous.sanitizePostHtml(rawHtml, links);
			lap("sanitize (previous: sanitize-html)");
			if (summarySource === undefined) previous.summaryFromHtml(previousHtml);
			else previous.htmlToText(renderInlineMarkdown(summarySource));
			lap("summary (previous: sanitize-html)");
		}
		return true;
	} catch (error) {
		// A post parsePost accepts must go through every stage here too: a stage that throws is this script's bug.
		if (parsePost(object, settings).ok) throw error;
		return false;
	}
}

const totals = new Map();
const add = (stage, ms) => totals.set(stage, (totals.get(stage) ?? 0) + ms);
let parseMs = 0;
let timedPosts = 0;
const rounds = Math.max(1, options.rounds ?? 3);
// Round 0 warms the JIT and is not counted.
for (let round = 0; round <= rounds; round++) {
	const count = round === 0 ? null : add;
	for (const object of objects) {
		const ok = stagesOf(object, count ?? (() => {}));
		if (count && ok) timedPosts += 1;
	}
	const started = performance.now();
	for (const object of objects) parsePost(object, settings);
	if (round > 0) parseMs += performance.now() - started;
}

const perPost = (ms) => (ms / Math.max(1, timedPosts)) * 1000;
process.stdout.write(
	`${JSON.stringify({
		node: process.versions.node,
		objects: options.count,
		rounds,
		bytes,
		timedPosts: timedPosts / rounds,
		stagesUs: Object.fromEntries([...totals].map(([stage, ms]) => [stage, perPost(ms)])),
		parsePostUs: (parseMs / rounds / Math.max(1, options.count)) * 1000,
		previous: previous.unavailable ? { unavailable: previous.unavailable } : { version: previous.version },
	})}\n`,
);
