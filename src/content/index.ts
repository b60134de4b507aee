export { parsePost } from "./parse-post";
/** Objects larger than this are refused; the sync can skip them by their listed size without reading them. */
export { MAX_POST_BYTES, tooLargeReason } from "./text";
export type { Author, ContentSettings, ParseOutcome, Post, PostError, StoredObject } from "./post";
