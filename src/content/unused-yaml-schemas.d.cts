// The stand-in's type: the failsafe schema (unused-yaml-schemas.cjs says why it exists).
import type Schema from "js-yaml/lib/js-yaml/schema.js";

declare const failsafeSchema: Schema;
export = failsafeSchema;
