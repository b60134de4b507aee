// Minimal types for js-yaml 3 (gray-matter's YAML engine; no @types package is installed).
declare module "js-yaml" {
	interface Mark {
		line: number;
		column: number;
	}
	class YAMLException extends Error {
		reason?: string;
		mark?: Mark;
	}
	interface TypeOptions {
		kind: "scalar" | "sequence" | "mapping";
		resolve?: (data: unknown) => boolean;
		construct?: (data: unknown) => unknown;
	}
	class Type {
		constructor(tag: string, options: TypeOptions);
	}
	class Schema {
		constructor(definition: { include?: Schema[]; implicit?: Type[]; explicit?: Type[] });
	}
	interface LoadOptions {
		schema: Schema;
		filename?: string;
		json?: boolean;
	}
	const FAILSAFE_SCHEMA: Schema;
	function load(input: string, options: LoadOptions): unknown;
	const yaml: {
		Type: typeof Type;
		Schema: typeof Schema;
		YAMLException: typeof YAMLException;
		FAILSAFE_SCHEMA: Schema;
		load: typeof load;
	};
	export default yaml;
}
