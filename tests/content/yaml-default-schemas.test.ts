import yamlLoader from "js-yaml/lib/js-yaml/loader.js";
import loaderSource from "js-yaml/lib/js-yaml/loader.js?raw";
import { describe, expect, it } from "vitest";
import wranglerToml from "../../wrangler.toml?raw";
import standIn from "../../src/content/unused-yaml-schemas.cjs";
import { splitFrontMatter } from "../../src/content/front-matter";

// The bundle replaces js-yaml's default schemas (wrangler.toml [alias]); vitest cannot alias a require inside a
// CommonJS dependency, so these check the stand-in itself and that the alias still names what the loader requires.
describe("js-yaml's default schemas, left out of the bundle", () => {
	it("are replaced by the failsafe schema: strings, sequences and maps, no type that converts or runs anything", () => {
		const load = (text: string) => yamlLoader.load(text, { schema: standIn });
		expect(load("count: 12\nwhen: 2026-01-02\nflags: [yes, ~]\n")).toEqual({ count: "12", when: "2026-01-02", flags: ["yes", "~"] });
		expect(() => load("run: !!js/function 'function () { return 1 }'\n")).toThrow(/unknown tag/);
		expect(() => load("bytes: !!binary aGk=\n")).toThrow(/unknown tag/);
	});

	it("are aliased by the very specifiers js-yaml's loader requires, so an upgrade that moves them is noticed", () => {
		for (const specifier of ["./schema/default_safe", "./schema/default_full"]) {
			expect(loaderSource).toContain(`require('${specifier}')`);
			expect(wranglerToml).toContain(`"${specifier}" = "./src/content/unused-yaml-schemas.cjs"`);
		}
	});

	it("are never what front matter parses with: its own schema still reads null and booleans", () => {
		const split = splitFrontMatter("---\ntitle: Hello\ndraft: false\nsummary: ~\nid: 0123\n---\n\nBody.\n");
		expect(Object.fromEntries(split.data)).toEqual({ title: "Hello", draft: false, summary: null, id: "0123" });
	});
});
