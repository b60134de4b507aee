/**
 * The D1 binding, adding up the rows SQLite reports read and written (`meta.rows_read`, `rows_written`) by every
 * batch and every statement run: the cost D1 bills, and what an O(1) path must keep flat however large the catalog.
 * `first()` reports no meta, so it is answered from `all()`, with the same result.
 */
export function d1RowsCounter(db: D1Database) {
	const counter = { read: 0, written: 0, db: undefined as unknown as D1Database };
	const add = (meta: D1Meta) => {
		counter.read += meta.rows_read;
		counter.written += meta.rows_written;
	};
	// db.batch() needs the runtime's own statements: each wrapper remembers the statement it stands for.
	const originals = new WeakMap<object, D1PreparedStatement>();
	const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
		const wrapped = new Proxy(statement, {
			get(target, name) {
				if (name === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
				if (name === "run" || name === "all") {
					return async () => {
						const result = await target.all();
						add(result.meta);
						return result;
					};
				}
				if (name === "first") {
					return async (column?: string) => {
						const result = await target.all<Record<string, unknown>>();
						add(result.meta);
						const row = result.results[0] ?? null;
						return column === undefined || row === null ? row : (row[column] ?? null);
					};
				}
				if (name === "raw") throw new Error("d1RowsCounter does not count raw(): add it here before using it");
				const value = Reflect.get(target, name) as unknown;
				return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
			},
		});
		originals.set(wrapped, statement);
		return wrapped;
	};
	counter.db = new Proxy(db, {
		get(target, name) {
			if (name === "prepare") return (query: string) => wrap(target.prepare(query));
			if (name === "batch") {
				return async (statements: D1PreparedStatement[]) => {
					const results = await target.batch(statements.map((statement) => originals.get(statement) ?? statement));
					for (const result of results) add(result.meta);
					return results;
				};
			}
			const value = Reflect.get(target, name) as unknown;
			return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
	return counter;
}
