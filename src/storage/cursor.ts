/** Opaque keyset cursors for paged lists: the sort key of the last row returned (no OFFSET scans). */
export function encodeCursor(createdAt: string, id: string): string {
	return btoa(JSON.stringify([createdAt, id]));
}

export function decodeCursor(cursor: string): [string, string] {
	try {
		const value = JSON.parse(atob(cursor)) as unknown;
		if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === "string")) return value as [string, string];
	} catch {
		// fall through to the typed error below
	}
	throw new InvalidCursorError();
}

/** A page cursor that this API did not hand out; the HTTP layer answers 400. */
export class InvalidCursorError extends Error {
	override readonly name = "InvalidCursorError";
	constructor() {
		super("cursor is not one this API returned");
	}
}
