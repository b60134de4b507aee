// Stand-in for src/storage/s3-store.ts in the "split" measurement of scripts/bundle-size.mjs: the real store is
// bundled on its own as s3-store-module.js and loaded by name when S3 is configured. The constructor returns a
// promise of the real store, which openObjectStore (an async function) resolves before handing it out.
const S3_STORE_MODULE = "./s3-store-module.js";

export class S3Store {
	constructor(...args) {
		// biome-ignore lint/correctness/noConstructorReturn: see above
		return import(S3_STORE_MODULE).then((module) => new module.S3Store(...args));
	}
}
