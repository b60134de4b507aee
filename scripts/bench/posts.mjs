/**
 * Synthetic posts for the benchmark: deterministic (seeded), 2–4 KB of Markdown each, in the front-matter
 * shapes src/content accepts and real blogs use: Hugo/Jekyll fenced YAML with block or flow lists, author as a
 * name, "Name <email>" or a mapping, Pelican-style fence-less `.txt` with comma-separated tags, optional slug,
 * id, lastmod, description, image and draft. A few are scheduled in the future, drafts, or broken on purpose
 * (no title), in the proportions a long-lived bucket tends to have.
 */

const WORDS = (
	"replica primary failover lag checkpoint vacuum index query planner latency throughput shard partition " +
	"schema migration backup restore snapshot journal commit rollback transaction lock deadlock isolation " +
	"consistency quorum leader follower heartbeat timeout retry backoff queue consumer producer batch cursor " +
	"page buffer cache eviction compaction tombstone bloom filter histogram percentile budget alert pager " +
	"runbook dashboard capacity headroom disk network packet socket connection pool proxy gateway region zone " +
	"cluster node operator upgrade release rollout canary flag toggle audit trace span metric log sample"
).split(" ");
const TAGS = (
	"postgres mysql sqlite replication monitoring storage performance migrations tooling architecture backups " +
	"operations incidents sharding indexing caching queues networking security testing observability kubernetes " +
	"capacity reliability latency writing"
).split(" ");
const CATEGORIES = ["Operations", "Performance", "Tooling", "Architecture", "Retrospectives", "Incidents", "Notes"];
const AUTHORS = [
	{ name: "Priya Raman", email: "priya@pressroom.example" },
	{ name: "Tomas Brandt", email: "tomas@pressroom.example" },
	{ name: "Ines Okafor", email: "ines@pressroom.example" },
	{ name: "Kenji Mori", email: "kenji@pressroom.example" },
	{ name: "Ana Lucía Ferreira", email: "ana@pressroom.example" },
];
const OFFSETS = ["+00:00", "+01:00", "+02:00", "-04:00", "-07:00", "+05:30", "+09:00"];

/** mulberry32: a small, fast, seedable PRNG, so every run benchmarks the same bucket. */
export function randomSource(seed) {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		next,
		int: (min, max) => min + Math.floor(next() * (max - min + 1)),
		pick: (list) => list[Math.floor(next() * list.length)],
		chance: (p) => next() < p,
		sample(list, count) {
			const copy = [...list];
			const out = [];
			while (out.length < count && copy.length > 0) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]);
			return out;
		},
	};
}

const pad = (n, width = 2) => String(n).padStart(width, "0");

/** Words only: for titles and front-matter values. */
function plainSentence(rng, min, max) {
	const text = Array.from({ length: rng.int(min, max) }, () => rng.pick(WORDS)).join(" ");
	return `${text[0].toUpperCase()}${text.slice(1)}`;
}

/** A sentence of body text, now and then with emphasis, code, a relative link or an autolink. */
function sentence(rng, min = 8, max = 22) {
	const words = Array.from({ length: rng.int(min, max) }, () => rng.pick(WORDS));
	if (rng.chance(0.25)) words[rng.int(0, words.length - 1)] = `**${rng.pick(WORDS)}**`;
	if (rng.chance(0.2)) words[rng.int(0, words.length - 1)] = `\`${rng.pick(WORDS)}_${rng.pick(WORDS)}\``;
	if (rng.chance(0.15)) words[rng.int(0, words.length - 1)] = `[${rng.pick(WORDS)}](/posts/${rng.pick(WORDS)}-${rng.int(1, 900)})`;
	if (rng.chance(0.08)) words[rng.int(0, words.length - 1)] = `<https://docs.example.org/${rng.pick(WORDS)}>`;
	const text = words.join(" ");
	return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function paragraph(rng) {
	return Array.from({ length: rng.int(2, 5) }, () => sentence(rng)).join(" ");
}

/** A Markdown body of about `targetBytes`: paragraphs with a heading, a list, a code block, a quote, now and then an image. */
function body(rng, targetBytes) {
	const blocks = [];
	let size = 0;
	const push = (block) => {
		blocks.push(block);
		size += Buffer.byteLength(block) + 2;
	};
	while (size < targetBytes) {
		const roll = rng.next();
		if (blocks.length > 1 && roll < 0.1) push(`## ${plainSentence(rng, 3, 6)}`);
		else if (roll < 0.18) push(Array.from({ length: rng.int(3, 5) }, () => `- ${sentence(rng, 4, 10)}`).join("\n"));
		else if (roll < 0.23)
			push(["```sql", `SELECT ${rng.pick(WORDS)}, count(*) FROM ${rng.pick(WORDS)}s`, `WHERE ${rng.pick(WORDS)}_at > now() - interval '${rng.int(1, 48)} hours'`, `GROUP BY 1 ORDER BY 2 DESC LIMIT ${rng.int(5, 50)};`, "```"].join("\n"));
		else if (roll < 0.27) push(`> ${sentence(rng)}`);
		else if (roll < 0.29) push(`![${rng.pick(WORDS)} diagram](${rng.pick(WORDS)}-${rng.int(1, 99)}.png "${rng.pick(WORDS)}")`);
		else push(paragraph(rng));
	}
	return `${blocks.join("\n\n")}\n`;
}

function dateText(rng, epochMs, style) {
	const d = new Date(epochMs);
	const ymd = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
	const hms = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
	if (style === 0) return ymd;
	if (style === 1) return `${ymd} ${hms}`;
	if (style === 2) return `${ymd}T${hms}Z`;
	return `${ymd} ${hms}${rng.pick(OFFSETS)}`;
}

/**
 * Post number `index` (0-based) of a bucket of `count`: its key and bytes. Dates spread over the last eight
 * years, newest for the highest index, so "the newest post" is predictable.
 * @returns {{ key: string, text: string, kind: "post" | "draft" | "future" | "broken" }}
 */
export function generatePost(index, { count, seed = 1, now = Date.UTC(2026, 10, 1) }) {
	const rng = randomSource(seed * 1_000_003 + index);
	const span = 8 * 365 * 86_400_000;
	let published = now - span + Math.floor(((index + 0.5) / Math.max(count, 1)) * span) - rng.int(0, 3_600_000);
	let kind = "post";
	if (index % 97 === 13) kind = "draft";
	else if (index % 211 === 7) kind = "future";
	else if (index % 499 === 3) kind = "broken";
	if (kind === "future") published = now + 400 * 86_400_000 + rng.int(0, 30) * 86_400_000;

	const title = plainSentence(rng, 4, 9);
	const stem = `${title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 48)}-${index}`;
	const d = new Date(published);
	const tags = rng.sample(TAGS, rng.int(1, 5));
	const categories = rng.sample(CATEGORIES, rng.int(0, 2));
	const author = rng.pick(AUTHORS);
	const shape = rng.int(0, 3);
	const text = body(rng, rng.int(1700, 3300));

	if (shape === 3) {
		// Pelican / MultiMarkdown: a fence-less `key: value` block, comma-separated tags, a .txt file.
		const lines = [];
		if (kind !== "broken") lines.push(`title: ${title}`);
		lines.push(`slug: ${stem}`);
		lines.push(`date: ${dateText(rng, published, rng.int(0, 1))}`);
		lines.push(`author: ${author.name}`);
		lines.push(`tags: ${tags.join(", ")}`);
		if (categories.length > 0) lines.push(`category: ${categories[0]}`);
		if (rng.chance(0.5)) lines.push(`summary: ${plainSentence(rng, 8, 16)}.`);
		if (kind === "draft") lines.push("status: draft", "draft: yes");
		return { key: `notes/${pad(index, 5)}_${stem}.txt`, text: `${lines.join("\n")}\n\n${text}`, kind };
	}

	const fm = [];
	if (kind !== "broken") fm.push(shape === 2 ? `title: '${title.replaceAll("'", "''")}'` : `title: "${title}"`);
	if (rng.chance(0.4)) fm.push(`slug: ${stem}`);
	if (rng.chance(0.2)) fm.push(`id: ${100000 + index}`);
	fm.push(`date: ${dateText(rng, published, rng.int(0, 3))}`);
	if (rng.chance(0.25)) fm.push(`lastmod: ${dateText(rng, published + rng.int(1, 60) * 86_400_000, 0)}`);
	if (shape === 0) {
		fm.push(`author: ${author.name}`);
		fm.push("tags:", ...tags.map((t) => `  - ${t}`));
		if (categories.length > 0) fm.push("categories:", ...categories.map((c) => `  - ${c}`));
	} else if (shape === 1) {
		fm.push("author:", `  name: ${author.name}`, `  email: ${author.email}`);
		fm.push(`tags: [${tags.join(", ")}]`);
		if (categories.length > 0) fm.push(`categories: [${categories.join(", ")}]`);
	} else {
		fm.push(`author: ${author.name} <${author.email}>`);
		fm.push(`tags: ${tags.join(", ")}`);
		fm.push(`categories: ${categories.join(", ")}`);
		fm.push("layout: post");
	}
	if (rng.chance(0.3)) fm.push(`description: "${sentence(rng, 10, 20).replace(/["\\]/g, "")}"`);
	if (rng.chance(0.1)) fm.push(`image: /images/${stem}.jpg`);
	if (kind === "draft") fm.push("draft: true");
	const folder = `posts/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}`;
	const extension = shape === 2 && index % 5 === 0 ? "markdown" : "md";
	return { key: `${folder}/${stem}.${extension}`, text: `---\n${fm.join("\n")}\n---\n\n${text}`, kind };
}

/** The same post with one edited paragraph appended: new bytes, new etag, same key. */
export function editedPost(post, revision = 1) {
	return { ...post, text: `${post.text}\nEdited (revision ${revision}): ${new Date(Date.UTC(2026, 10, 2)).toISOString()}.\n` };
}

/** A brand-new, published post dated `at` (used by the fan-out run). */
export function freshPost(at, { seed = 1 } = {}) {
	const rng = randomSource(seed * 7919 + 17);
	const stem = `fan-out-announcement-${at.getTime()}`;
	const text = [
		"---",
		`title: "Fan-out benchmark post ${at.toISOString()}"`,
		`slug: ${stem}`,
		`date: ${at.toISOString().replace(/\.\d{3}Z$/, "Z")}`,
		"author: Pressroom Bench",
		"tags: [benchmark, webhooks]",
		"categories: [Notes]",
		"---",
		"",
		body(rng, 2500),
	].join("\n");
	return { key: `posts/bench/${stem}.md`, text, kind: "post" };
}

/** The generated bucket as parsePost's StoredObjects, for the in-process children; `bytes` is their total size. */
export function storedObjects({ count, seed }) {
	const objects = [];
	let bytes = 0;
	for (let i = 0; i < count; i++) {
		const generated = generatePost(i, { count, seed });
		const encoded = new TextEncoder().encode(generated.text);
		bytes += encoded.byteLength;
		objects.push({ key: generated.key, bytes: encoded, etag: `etag-${i}`, lastModified: new Date(0) });
	}
	return { objects, bytes };
}

/** src/content's ContentSettings for the bench's site (siteFromWranglerToml). */
export function contentSettings(site) {
	return { siteUrl: site.url, timeZone: site.timeZone, defaultAuthor: { name: site.author }, idAuthority: site.idAuthority };
}
