#!/usr/bin/env node
/** `npm run pressroom -- <command>`: see scripts/cli/main.mjs, or `npm run pressroom -- --help`. */
import process from "node:process";

// `posts push` loads wrangler (local R2), which refuses older Node: fail with advice instead of a stack trace.
{
	const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
	if (major < 22 || (major === 22 && minor < 12)) {
		console.error(`pressroom needs Node >= 22.12 (this is ${process.versions.node}); run it through npm run so the bundled Node 22 is used.`);
		process.exit(2);
	}
}

const { main } = await import("./cli/main.mjs");
process.exitCode = await main(process.argv.slice(2));
