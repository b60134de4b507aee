// The documents table's rows as the publish writes them and a request reads them (migrations/0005, 0018).
import type { WrittenRow } from "./document-blobs";
import type { StoredDocument } from "./documents";
import { byteGroups } from "../shared";

/** Bound values per document row; D1 allows 100 bound parameters a statement (developers.cloudflare.com/d1/platform/limits). */
const DOCUMENT_COLUMNS = 10;
const ROWS_PER_UPSERT = Math.floor(100 / DOCUMENT_COLUMNS);
/** Body characters per upsert statement: a site feed may be up to ~2 MB, so big documents go nearly alone. */
const STATEMENT_BYTES = 2_000_000;

export interface DocumentRow {
	path: string;
	content_type: string;
	cache_control: string;
	body: string;
	etag: string;
	last_modified: string;
	/** Set when the body is in the DOCUMENTS bucket (migrations/0018_document_bodies.sql); `body` is then empty. */
	body_blob: string | null;
	body_offset: number | null;
	body_length: number | null;
}

/**
 * Multi-row upserts: {@link DOCUMENT_COLUMNS} bound values a row, as many rows a statement as D1's parameter limit
 * allows. A row with `blob` keeps its body in that object and an empty `body`; one without names no object.
 */
export function documentUpserts(db: D1Database, rows: readonly WrittenRow[]): D1PreparedStatement[] {
	const statements: D1PreparedStatement[] = [];
	const inD1 = (row: (typeof rows)[number]) => (row.blob ? 0 : row.document.body.length);
	for (const group of byteGroups(rows, inD1, STATEMENT_BYTES, ROWS_PER_UPSERT)) {
		const values = group.map((_, row) => `(${Array.from({ length: DOCUMENT_COLUMNS }, (_, column) => `?${row * DOCUMENT_COLUMNS + column + 1}`).join(", ")})`);
		statements.push(
			db
				.prepare(
					`INSERT INTO documents (path, content_type, cache_control, body, etag, last_modified, ref, body_blob, body_offset, body_length) VALUES ${values.join(", ")}
					 ON CONFLICT (path) DO UPDATE SET content_type = excluded.content_type, cache_control = excluded.cache_control,
					 body = excluded.body, etag = excluded.etag, last_modified = excluded.last_modified, ref = excluded.ref,
					 body_blob = excluded.body_blob, body_offset = excluded.body_offset, body_length = excluded.body_length`,
				)
				.bind(
					...group.flatMap(({ ref, document, blob }) => [
						document.path,
						document.contentType,
						document.cacheControl,
						blob ? "" : document.body,
						document.etag,
						document.lastModified,
						ref,
						blob?.key ?? null,
						blob?.offset ?? null,
						blob?.length ?? null,
					]),
				),
		);
	}
	return statements;
}

/** The document a row describes, with its body read from the row or from the DOCUMENTS bucket. */
export function fromRow(row: DocumentRow, body: string): StoredDocument {
	return {
		path: row.path,
		contentType: row.content_type,
		cacheControl: row.cache_control,
		body,
		etag: row.etag,
		lastModified: row.last_modified,
	};
}
