/**
 * Counts the subrequests an invocation makes through its bindings: every D1 query or batch, every R2 call and
 * every queue send is one (developers.cloudflare.com/workers/platform/limits/#subrequests; Free plan 50 per
 * invocation, Paid 10,000). The budgeted steps ask it what is left; the count is exact because every call goes
 * through these wrappers. S3-compatible stores are reached by fetch and are not counted here.
 */
export class SubrequestMeter {
	used = 0;
	readonly byBinding: Record<string, number> = {};
	/**
	 * D1 rows written, as D1 reports them with each result (`meta.rows_written`, index entries included): the Free
	 * plan allows 100,000 a day (developers.cloudflare.com/d1/platform/limits). `first()` and `raw()` return no meta
	 * and are not counted; the catalog writes through `run()` and `batch()`.
	 */
	rowsWritten = 0;

	count(binding: string): void {
		this.used += 1;
		this.byBinding[binding] = (this.byBinding[binding] ?? 0) + 1;
	}

	countRows(result: unknown): void {
		const written = (result as { meta?: { rows_written?: unknown } } | undefined)?.meta?.rows_written;
		if (typeof written === "number") this.rowsWritten += written;
	}
}

/** Calls whose results carry D1's meta. */
const RESULT_CALLS = new Set(["run", "all"]);

const R2_CALLS = new Set(["head", "get", "put", "delete", "list", "createMultipartUpload", "resumeMultipartUpload"]);
const QUEUE_CALLS = new Set(["send", "sendBatch"]);
const STATEMENT_CALLS = new Set(["first", "run", "all", "raw"]);

/** The bindings with D1, R2 and queue calls counted by `meter`; everything else is passed through as is. */
export function meterBindings<E extends { DB: D1Database; POSTS: R2Bucket; DOCUMENTS?: R2Bucket; WEBHOOK_QUEUE: Queue; WEBHOOK_DLQ: Queue; R2_EVENTS?: Queue }>(
	env: E,
	meter: SubrequestMeter,
): E {
	return {
		...env,
		...(env.R2_EVENTS ? { R2_EVENTS: countCalls(env.R2_EVENTS, QUEUE_CALLS, () => meter.count("R2_EVENTS")) } : {}),
		// A binding the deployment lacks stays missing (and fails where it is used, with the runtime's own error).
		DB: env.DB && meterDatabase(env.DB, meter),
		POSTS: env.POSTS && countCalls(env.POSTS, R2_CALLS, () => meter.count("POSTS")),
		...(env.DOCUMENTS ? { DOCUMENTS: countCalls(env.DOCUMENTS, R2_CALLS, () => meter.count("DOCUMENTS")) } : {}),
		WEBHOOK_QUEUE: env.WEBHOOK_QUEUE && countCalls(env.WEBHOOK_QUEUE, QUEUE_CALLS, () => meter.count("WEBHOOK_QUEUE")),
		WEBHOOK_DLQ: env.WEBHOOK_DLQ && countCalls(env.WEBHOOK_DLQ, QUEUE_CALLS, () => meter.count("WEBHOOK_DLQ")),
	};
}

function meterDatabase(db: D1Database, meter: SubrequestMeter): D1Database {
	// db.batch() needs the runtime's own statements, so each wrapper remembers the statement it stands for.
	const originals = new WeakMap<object, D1PreparedStatement>();
	const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement => {
		const wrapped = new Proxy(statement, {
			get(target, property) {
				const value = Reflect.get(target, property, target) as unknown;
				if (typeof value !== "function") return value;
				if (property === "bind") return (...values: unknown[]) => wrapStatement(target.bind(...values));
				if (typeof property === "string" && STATEMENT_CALLS.has(property)) {
					return (...args: unknown[]) => {
						meter.count("DB");
						const result = (value as (...a: unknown[]) => unknown).apply(target, args);
						return RESULT_CALLS.has(property) ? (result as Promise<unknown>).then((answer) => (meter.countRows(answer), answer)) : result;
					};
				}
				return (value as (...a: unknown[]) => unknown).bind(target);
			},
		});
		originals.set(wrapped, statement);
		return wrapped;
	};
	return new Proxy(db, {
		get(target, property) {
			const value = Reflect.get(target, property, target) as unknown;
			if (typeof value !== "function") return value;
			if (property === "prepare") return (query: string) => wrapStatement(target.prepare(query));
			if (property === "batch") {
				return (statements: D1PreparedStatement[]) => {
					meter.count("DB");
					return target.batch(statements.map((statement) => originals.get(statement) ?? statement)).then((results) => {
						for (const result of results) meter.countRows(result);
						return results;
					});
				};
			}
			if (property === "exec" || property === "dump") {
				return (...args: unknown[]) => {
					meter.count("DB");
					return (value as (...a: unknown[]) => unknown).apply(target, args);
				};
			}
			return (value as (...a: unknown[]) => unknown).bind(target);
		},
	});
}

function countCalls<T extends object>(binding: T, calls: Set<string>, count: () => void): T {
	return new Proxy(binding, {
		get(target, property) {
			const value = Reflect.get(target, property, target) as unknown;
			if (typeof value !== "function") return value;
			if (typeof property === "string" && calls.has(property)) {
				return (...args: unknown[]) => {
					count();
					return (value as (...a: unknown[]) => unknown).apply(target, args);
				};
			}
			return (value as (...a: unknown[]) => unknown).bind(target);
		},
	});
}
