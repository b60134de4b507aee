/**
 * The D1 binding, adding up the rows SQLite reports read and written (`meta.rows_read`, `rows_written`) by every
 * batch: the cost D1 bills, and what an O(1) path must keep flat however large the catalog.
 */
export function d1RowsCounter(db: D1Database) {
	const counter = { read: 0, written: 0, db: undefined as unknown as D1Database };
	counter.db = new Proxy(db, {
		get(target, name) {
			if (name === "batch") {
				return async (statements: D1PreparedStatement[]) => {
					const results = await target.batch(statements);
					for (const result of results) {
						counter.read += result.meta.rows_read;
						counter.written += result.meta.rows_written;
					}
					return results;
				};
			}
			const value = Reflect.get(target, name) as unknown;
			return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
	return counter;
}
