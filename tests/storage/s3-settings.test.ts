import { describe, expect, it } from "vitest";
import { readS3Settings, s3SettingsProblems } from "../../src/storage/s3-settings";

const complete = {
	S3_ENDPOINT: "https://s3.example.com/",
	S3_BUCKET: "posts",
	S3_ACCESS_KEY_ID: "AKIAEXAMPLE",
	S3_SECRET_ACCESS_KEY: "secret-example",
};

describe("readS3Settings (the one check for readConfig, S3Store and posts:push)", () => {
	it("names no store when no S3_* setting does, keeping the posts prefix for R2", () => {
		expect(readS3Settings({})).toEqual({ kind: "none", prefix: "" });
		expect(readS3Settings({ POSTS_PREFIX: " posts/ ", S3_REGION: "eu-west-1" })).toEqual({ kind: "none", prefix: "posts/" });
		expect(readS3Settings({ S3_PREFIX: "a/", POSTS_PREFIX: "b/" })).toEqual({ kind: "none", prefix: "a/" });
	});

	it("reads a complete set, with defaults for the region and path style", () => {
		expect(readS3Settings({ ...complete, S3_PREFIX: "blog/" })).toEqual({
			kind: "s3",
			endpoint: "https://s3.example.com",
			bucket: "posts",
			region: "auto",
			forcePathStyle: false,
			prefix: "blog/",
			accessKeyId: "AKIAEXAMPLE",
			secretAccessKey: "secret-example",
		});
		expect(readS3Settings({ ...complete, S3_FORCE_PATH_STYLE: "1", S3_REGION: "eu-central-1" })).toMatchObject({ forcePathStyle: true, region: "eu-central-1" });
	});

	it("lists every problem at once, each naming its setting", () => {
		expect(readS3Settings({ S3_BUCKET: "posts", S3_FORCE_PATH_STYLE: "maybe" })).toEqual({
			kind: "invalid",
			problems: [
				"S3_ENDPOINT is required when any S3_* setting is given",
				"S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required (set them as secrets)",
				'S3_FORCE_PATH_STYLE must be true or false, got "maybe"',
			],
		});
		expect(readS3Settings({ ...complete, S3_ENDPOINT: "ftp://s3.example.com" })).toEqual({
			kind: "invalid",
			problems: ['S3_ENDPOINT must be an absolute http(s) URL, got "ftp://s3.example.com"'],
		});
	});

	it("checks settings that did not come through readS3Settings by the same rules", () => {
		const reading = readS3Settings(complete);
		if (reading.kind !== "s3") expect.fail(`expected S3 settings, got ${reading.kind}`);
		expect(s3SettingsProblems(reading)).toEqual([]);
		expect(s3SettingsProblems({ ...reading, bucket: "", region: "" })).toEqual(["S3_BUCKET is required", 'S3_REGION is empty (leave it unset for "auto")']);
	});
});
