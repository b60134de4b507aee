/**
 * Small helpers that several folders and the Node scripts share: a bounded worker pool and one-line error
 * messages, the media types of files beside posts, and stored dates in whole seconds. Each file here imports nothing, so the scripts can import it directly as TypeScript (Node 22.18+
 * strips the types); keep them that way.
 */
export { byteGroups } from "./byte-groups";
export { describeError, type DescribeErrorOptions, shorten } from "./describe-error";
export { wholeSecondsIso } from "./http-date";
export { mapConcurrently } from "./map-concurrently";
export { mediaContentTypeHeader, mediaTypeByExtension, mediaTypeOf } from "./media-types";
