-- Document bodies in R2 (DOCUMENT_BODIES=r2, src/storage/document-blobs.ts): D1's 500 MB on the Free plan holds about
-- 15,000 posts when it also holds every rendered document, which is three quarters of its bytes. A publish then
-- writes the bodies of one batch back to back into one object of the DOCUMENTS bucket (one subrequest, as the D1
-- batch was), and each row names that object and its body's byte range; `body` stays empty.
ALTER TABLE documents ADD COLUMN body_blob TEXT;
ALTER TABLE documents ADD COLUMN body_offset INTEGER;
ALTER TABLE documents ADD COLUMN body_length INTEGER;
CREATE INDEX documents_by_blob ON documents (body_blob) WHERE body_blob IS NOT NULL;

-- Every object written to the DOCUMENTS bucket, recorded before the put: a publish that fails after it leaves a
-- known object, never an unknown one. An object is deleted once no row names it (document-blobs.ts `collect`).
CREATE TABLE document_blobs (
	key TEXT PRIMARY KEY,
	created_at TEXT NOT NULL
);
