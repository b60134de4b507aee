/**
 * Lets Node (>= 22.15, --experimental-transform-types) import src/**.ts as the Worker's bundler does: the
 * sources import siblings without an extension ("./rss"), which Node's ESM resolver refuses, so a relative,
 * extension-less specifier from a .ts file is tried with ".ts" (then "/index.ts"). Nothing else changes.
 */
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";
import { fileURLToPath } from "node:url";

registerHooks({
	resolve(specifier, context, nextResolve) {
		const relative = specifier.startsWith("./") || specifier.startsWith("../");
		if (relative && context.parentURL?.endsWith(".ts") && !/\.[cm]?[jt]s$/.test(specifier)) {
			for (const candidate of [`${specifier}.ts`, `${specifier}/index.ts`]) {
				const url = new URL(candidate, context.parentURL);
				if (existsSync(fileURLToPath(url))) return nextResolve(url.href, context);
			}
		}
		return nextResolve(specifier, context);
	},
});
