/** The CLI's exit codes, one per thing a shell script may want to react to differently. */
export const EXIT = Object.freeze({
	ok: 0,
	/** The server answered and the operation failed: a failed sync, a refused request body, a 5xx. */
	failure: 1,
	/** The command line was wrong; nothing was sent. */
	usage: 2,
	/** No HTTP answer at all: connection refused, unknown host, timeout. */
	unreachable: 3,
	/** No admin token, or the server refused it (401/403). */
	auth: 4,
	/** 409: a sync is already running, a message is still being delivered, a subscription is disabled. */
	conflict: 5,
	/** 404: no such subscription or message. */
	notFound: 6,
});

/** A problem the operator can act on: printed as one line (plus a hint), never a stack, and mapped to an exit code. */
export class CliError extends Error {
	name = "CliError";
	/**
	 * @param {string} message
	 * @param {number} exitCode one of EXIT
	 * @param {{ hint?: string, status?: number, code?: string, body?: unknown }} [details]
	 */
	constructor(message, exitCode, details = {}) {
		super(message);
		this.exitCode = exitCode;
		this.hint = details.hint;
		this.status = details.status;
		this.code = details.code;
		this.body = details.body;
	}
}
