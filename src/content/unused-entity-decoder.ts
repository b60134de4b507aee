/**
 * Stands in for `entities/decode` in the bundle (wrangler.toml [alias], and tests/vitest.config.ts so tests run what
 * deploys). htmlparser2's Tokenizer builds an EntityDecoder in its constructor but calls it only with
 * `decodeEntities: true`; the sanitizer passes false and reads references itself (html-references.ts), so the
 * decoder and its 17 KiB (gzip) table of names would be dead weight. Anything that does call it fails loudly.
 */
export const DecodingMode = { Legacy: 0, Strict: 1, Attribute: 2 } as const;

export const htmlDecodeTree = new Uint16Array(0);
export const xmlDecodeTree = new Uint16Array(0);

export class EntityDecoder {
	startEntity(): never {
		return unavailable();
	}
	write(): never {
		return unavailable();
	}
	end(): never {
		return unavailable();
	}
}

function unavailable(): never {
	throw new Error("entities/decode is not bundled: parse with htmlparser2's decodeEntities: false (src/content/html-references.ts decodes)");
}
