export { parsePost } from "./parse-post";
export type { Author, ContentSettings, ParseOutcome, Post, PostError, StoredObject } from "./post";
