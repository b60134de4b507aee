// The S3 store as a module of its own, for the "split" measurement of scripts/bundle-size.mjs.
export { S3Store } from "../../src/storage/s3-store";
