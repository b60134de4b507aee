// Minimal types for the parts of js-yaml 3 that front-matter.ts imports (no @types package is installed). It
// imports the loader's own files, not the package index, which would also bring the dumper (docs/bundle.md).
declare module "js-yaml/lib/js-yaml/type.js" {
	interface TypeOptions {
		kind: "scalar" | "sequence" | "mapping";
		resolve?: (data: unknown) => boolean;
		construct?: (data: unknown) => unknown;
	}
	export default class Type {
		constructor(tag: string, options: TypeOptions);
	}
}
declare module "js-yaml/lib/js-yaml/schema.js" {
	import type Type from "js-yaml/lib/js-yaml/type.js";
	export default class Schema {
		constructor(definition: { include?: Schema[]; implicit?: Type[]; explicit?: Type[] });
	}
}
declare module "js-yaml/lib/js-yaml/schema/failsafe.js" {
	import type Schema from "js-yaml/lib/js-yaml/schema.js";
	const FAILSAFE_SCHEMA: Schema;
	export default FAILSAFE_SCHEMA;
}
declare module "js-yaml/lib/js-yaml/loader.js" {
	import type Schema from "js-yaml/lib/js-yaml/schema.js";
	const loader: { load(input: string, options: { schema: Schema; filename?: string; json?: boolean }): unknown };
	export default loader;
}
