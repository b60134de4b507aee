// Types for the tests that build the bench's posts (tests/storage/post-content.test.ts); the module is plain JavaScript.
export interface GeneratedPost {
	key: string;
	text: string;
	kind: "post" | "draft" | "future" | "broken";
}
export function generatePost(index: number, options: { count: number; seed?: number; now?: number }): GeneratedPost;
export function editedPost(post: GeneratedPost, revision?: number): GeneratedPost;
export function freshPost(at: Date, options?: { seed?: number }): GeneratedPost;
