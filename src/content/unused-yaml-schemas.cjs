/*
 * Stands in for js-yaml 3's default schemas in the bundle (wrangler.toml [alias] of loader.js's
 * "./schema/default_safe" and "./schema/default_full"). loader.js only falls back to them when `load` is
 * called without a schema; front-matter.ts always passes its own, so their number, timestamp, binary and
 * JavaScript types (about 3 KiB gzip) would be dead weight. Any call without a schema gets the failsafe
 * schema instead: strings, sequences and maps only, nothing that runs code.
 */
module.exports = require("js-yaml/lib/js-yaml/schema/failsafe.js");
