/**
 * The S3_* settings, read and checked in one place for the Worker (readConfig), for S3Store (settings that
 * bypass readConfig) and for `npm run posts:push` (which imports this file directly as TypeScript: it must
 * import nothing). See docs/s3.md for what each setting means.
 */

/** The settings as text, the way both the Worker's env and a shell's environment give them. */
export interface S3Variables {
	S3_ENDPOINT?: string;
	S3_BUCKET?: string;
	S3_REGION?: string;
	S3_FORCE_PATH_STYLE?: string;
	S3_PREFIX?: string;
	POSTS_PREFIX?: string;
	S3_ACCESS_KEY_ID?: string;
	S3_SECRET_ACCESS_KEY?: string;
}

/** What S3Store needs to reach a bucket. */
export interface S3Settings {
	endpoint: string;
	bucket: string;
	region: string;
	forcePathStyle: boolean;
	prefix: string;
	accessKeyId: string;
	secretAccessKey: string;
}

export type S3SettingsReading =
	/** No S3_* setting names a store: posts are in the R2 binding, under `prefix`. */
	| { kind: "none"; prefix: string }
	| ({ kind: "s3" } & S3Settings)
	/** Every problem at once, so one round of fixes is enough. */
	| { kind: "invalid"; problems: string[] };

/** Any of these names a store; the others only tune one. */
const NAMING_SETTINGS = ["S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const;
const PATH_STYLE_VALUES = ["true", "false", "1", "0"];

export function readS3Settings(env: S3Variables): S3SettingsReading {
	const value = (name: keyof S3Variables): string => env[name]?.trim() ?? "";
	const prefix = (env.S3_PREFIX ?? env.POSTS_PREFIX ?? "").trim();
	if (!NAMING_SETTINGS.some((name) => value(name))) return { kind: "none", prefix };

	const pathStyle = value("S3_FORCE_PATH_STYLE").toLowerCase();
	const settings: S3Settings = {
		endpoint: value("S3_ENDPOINT").replace(/\/+$/, ""),
		bucket: value("S3_BUCKET"),
		region: value("S3_REGION") || "auto",
		forcePathStyle: pathStyle === "true" || pathStyle === "1",
		prefix,
		accessKeyId: value("S3_ACCESS_KEY_ID"),
		secretAccessKey: value("S3_SECRET_ACCESS_KEY"),
	};
	const problems = s3SettingsProblems(settings);
	if (pathStyle && !PATH_STYLE_VALUES.includes(pathStyle)) problems.push(`S3_FORCE_PATH_STYLE must be true or false, got "${pathStyle}"`);
	return problems.length > 0 ? { kind: "invalid", problems } : { kind: "s3", ...settings };
}

/** What is wrong with a set of S3 settings, each problem naming the setting to fix; empty when none. */
export function s3SettingsProblems(settings: S3Settings): string[] {
	const problems: string[] = [];
	if (!settings.endpoint) problems.push("S3_ENDPOINT is required when any S3_* setting is given");
	else if (!isHttpUrl(settings.endpoint)) problems.push(`S3_ENDPOINT must be an absolute http(s) URL, got "${settings.endpoint}"`);
	if (!settings.bucket) problems.push("S3_BUCKET is required");
	if (!settings.accessKeyId || !settings.secretAccessKey) problems.push("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required (set them as secrets)");
	if (!settings.region) problems.push('S3_REGION is empty (leave it unset for "auto")');
	return problems;
}

/** Whether a setting is an absolute http: or https: URL (SITE_URL, S3_ENDPOINT). */
export function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === "https:" || url.protocol === "http:";
	} catch {
		return false;
	}
}
