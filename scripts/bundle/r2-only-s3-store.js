// Stand-in for src/storage/s3-store.ts in the R2-only size measurement (scripts/bundle-size.mjs): it leaves
// @aws-sdk/client-s3 out of the bundle, to show what the S3 backend adds.
export class S3Store {
	constructor() {
		throw new Error("this build has no S3 backend");
	}
}
