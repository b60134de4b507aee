/** A private copy of wrangler.toml for one test, with its relative paths made absolute so it works from a temp dir. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const repoConfig = path.join(root, "wrangler.toml");

const temporaries: (() => void)[] = [];

/** Removes this test's config copies and whatever else was handed to removeLater(); for afterEach. */
export function removeTemporaries(): void {
	for (const remove of temporaries.splice(0)) remove();
}

export function removeLater(remove: () => void): void {
	temporaries.push(remove);
}

/** Removed by removeTemporaries(). */
export function configCopy(edit: (toml: string) => string = (toml) => toml): { path: string; text: () => string } {
	const dir = mkdtempSync(path.join(tmpdir(), "pressroom-config-"));
	const file = path.join(dir, "wrangler.toml");
	const absolute = readFileSync(repoConfig, "utf8")
		.replace(/^main = "(.*)"$/m, (_, main: string) => `main = "${path.join(root, main)}"`)
		.replace(/"\.\/(node_modules|src)\//g, (_, folder: string) => `"${root}/${folder}/`)
		.replace(/^migrations_dir = "(.*)"$/gm, (_, dir: string) => `migrations_dir = "${path.join(root, dir)}"`);
	writeFileSync(file, edit(absolute));
	removeLater(() => rmSync(dir, { recursive: true, force: true }));
	return { path: file, text: () => readFileSync(file, "utf8") };
}

/** The production block's vars and D1 id set to values a real deployment would have. */
export function realProduction(toml: string, id = "3f2a9c1e-7b4d-4e8a-9f0c-2d6b5a8e1c47"): string {
	const at = productionStart(toml);
	const production = toml
		.slice(at)
		.replace('SITE_URL = "https://pressroom.example"', 'SITE_URL = "https://feeds.ada-journal.net"')
		.replace('ID_AUTHORITY = "pressroom.example,2026"', 'ID_AUTHORITY = "ada-journal.net,2026"')
		.replace('database_id = "00000000-0000-0000-0000-000000000000"', `database_id = "${id}"`);
	return toml.slice(0, at) + production;
}

/** Where the [env.production] table starts (the header line, not a comment that names it). */
export function productionStart(toml: string): number {
	const match = /^\[env\.production\]$/m.exec(toml);
	if (!match) throw new Error("no [env.production] table in wrangler.toml");
	return match.index;
}
