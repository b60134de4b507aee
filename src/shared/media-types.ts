/**
 * Files in the bucket that are not posts: known by their extension (the same answer for R2 and S3, whose
 * listings do not carry a Content-Type), or, for a key without a known extension, by the Content-Type it was
 * stored with. Types are the IANA registrations (https://www.iana.org/assignments/media-types/) the W3C feed
 * validator and podcast apps expect (audio/mpeg for MP3, audio/x-m4a is not one). Imports nothing: the upload
 * script uses the same table for the Content-Type it stores.
 */
const MEDIA_TYPES: Readonly<Record<string, string>> = {
	png: "image/png",
	jpg: "image/jpeg",
	jpeg: "image/jpeg",
	gif: "image/gif",
	webp: "image/webp",
	avif: "image/avif",
	svg: "image/svg+xml",
	ico: "image/vnd.microsoft.icon",
	bmp: "image/bmp",
	tif: "image/tiff",
	tiff: "image/tiff",
	mp3: "audio/mpeg",
	m4a: "audio/mp4",
	aac: "audio/aac",
	oga: "audio/ogg",
	ogg: "audio/ogg",
	opus: "audio/ogg",
	wav: "audio/wav",
	flac: "audio/flac",
	weba: "audio/webm",
	mp4: "video/mp4",
	m4v: "video/mp4",
	webm: "video/webm",
	mov: "video/quicktime",
	ogv: "video/ogg",
	mkv: "video/x-matroska",
	pdf: "application/pdf",
	csv: "text/csv",
	tsv: "text/tab-separated-values",
	json: "application/json",
	zip: "application/zip",
	gz: "application/gzip",
	epub: "application/epub+zip",
	xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	odt: "application/vnd.oasis.opendocument.text",
	ods: "application/vnd.oasis.opendocument.spreadsheet",
	vtt: "text/vtt",
	srt: "application/x-subrip",
	woff: "font/woff",
	woff2: "font/woff2",
};

/** Stored types that say nothing about what a file is. */
const GENERIC_TYPES = new Set(["application/octet-stream", "binary/octet-stream", "application/x-www-form-urlencoded", ""]);

/** The media type of a key by its extension, or undefined when the extension is not one of a media file. */
export function mediaTypeByExtension(key: string): string | undefined {
	const name = key.slice(key.lastIndexOf("/") + 1);
	const dot = name.lastIndexOf(".");
	if (dot <= 0) return undefined;
	return MEDIA_TYPES[name.slice(dot + 1).toLowerCase()];
}

/**
 * Whether an object is media, and its type: by extension first, else by a stored Content-Type that names
 * an image, audio, video, PDF or a type of the table. Posts (Markdown, plain text) are never media.
 */
export function mediaTypeOf(key: string, storedContentType?: string): string | undefined {
	const byExtension = mediaTypeByExtension(key);
	if (byExtension !== undefined) return byExtension;
	const stored = storedContentType?.split(";")[0]?.trim().toLowerCase() ?? "";
	if (GENERIC_TYPES.has(stored)) return undefined;
	if (/^(?:image|audio|video|font)\/[\w.+-]+$/.test(stored) || Object.values(MEDIA_TYPES).includes(stored)) return stored;
	return undefined;
}

/** The Content-Type header for a media type: text types say their charset (posts are UTF-8, so is their data). */
export function mediaContentTypeHeader(type: string): string {
	return type.startsWith("text/") ? `${type}; charset=utf-8` : type;
}
