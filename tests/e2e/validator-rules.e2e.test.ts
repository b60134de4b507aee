/**
 * The W3C feed validator's rules (ported in tests/feeds/validator-rules.ts: markup-like text, entity-like text,
 * canonical ids; plus its enclosure rules) applied to what the running server serves: the site feeds, which
 * carry the sample post's lead image as an enclosure. Archive pages get the same rules in archives.e2e.test.ts.
 */
import { describe, expect, inject, it } from "vitest";
import { atomEvents, rssEvents } from "../feeds/validator-rules";
import { ATOM, childrenNamed, childNamed, parseXml } from "../feeds/xml";
import { request } from "./support/site";

const base = inject("e2eBaseUrl");

/** rss.py / item.py: an enclosure needs url, a whole-number length and a MIME type (MissingAttribute, InvalidIntegerAttribute). */
function rssEnclosureProblems(xml: string): string[] {
	const channel = childNamed(parseXml(xml), "", "channel");
	return childrenNamed(channel, "", "item").flatMap((item) =>
		childrenNamed(item, "", "enclosure").flatMap((enclosure) => {
			const { url, length, type } = enclosure.attributes;
			const problems: string[] = [];
			if (!url || !/^https?:\/\//.test(url)) problems.push(`enclosure url ${url}`);
			if (!length || !/^\d+$/.test(length)) problems.push(`enclosure length ${length}`);
			if (!type || !/^[\w.+-]+\/[\w.+-]+$/.test(type)) problems.push(`enclosure type ${type}`);
			return problems;
		}),
	);
}

/** link.py: rel="enclosure" needs href and type; length, when given, is a whole number. */
function atomEnclosureProblems(xml: string): string[] {
	return childrenNamed(parseXml(xml), ATOM, "entry").flatMap((entry) =>
		childrenNamed(entry, ATOM, "link")
			.filter((link) => link.attributes.rel === "enclosure")
			.flatMap((link) => [
				...(link.attributes.href ? [] : ["enclosure href"]),
				...(link.attributes.type ? [] : ["enclosure type"]),
				...(link.attributes.length === undefined || /^\d+$/.test(link.attributes.length) ? [] : [`enclosure length ${link.attributes.length}`]),
			]),
	);
}

describe("the validator's rules on served feeds", () => {
	it("finds no text, id or enclosure problem in /rss.xml and /atom.xml, which carry an enclosure", async () => {
		const rss = (await request(`${base}/rss.xml`)).body;
		const atom = (await request(`${base}/atom.xml`)).body;
		expect(rss).toMatch(/<enclosure url="[^"]+" length="\d+" type="image\/png"\/>/);
		expect(rssEvents(rss)).toEqual([]);
		expect(rssEnclosureProblems(rss)).toEqual([]);
		expect(atomEvents(atom)).toEqual([]);
		expect(atomEnclosureProblems(atom)).toEqual([]);
	});
});
