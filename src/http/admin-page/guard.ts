import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { AdminPageEnv } from "./env";
import type { FormBody } from "./forms";
import { SESSION_COOKIE, isSessionCsrfToken, readSession, sessionKey } from "./session";
import { disabledPage, problemPage } from "./views/sign-in";

/** No ADMIN_TOKEN, no admin page (as for the API); otherwise the session key for what follows. */
export function requireConfiguredToken(): MiddlewareHandler<AdminPageEnv> {
	return async (c, next) => {
		const token = c.get("services").config.adminToken;
		if (!token) return c.html(await disabledPage(c.get("nonce")), 503);
		c.set("sessionKey", await sessionKey(token));
		await next();
	};
}

/**
 * Refuses a state-changing request that a browser says came from another origin. Browsers send Origin on
 * every POST and Sec-Fetch-Site on every request; a request with neither did not come from this page's
 * forms, so it is refused too. Under `Referrer-Policy: no-referrer` a browser sends `Origin: null` even for
 * its own forms (Fetch, "append a request Origin header"), so then Sec-Fetch-Site decides. This also covers
 * the sign-in form (login CSRF), which has no session yet.
 */
export function sameOriginPosts(): MiddlewareHandler<AdminPageEnv> {
	return async (c, next) => {
		if (c.req.method === "GET" || c.req.method === "HEAD") return next();
		if (!isSameOrigin(c)) {
			return c.html(await problemPage(c.get("nonce"), "Refused", "This form was sent from another site, so it was not acted on."), 403);
		}
		await next();
	};
}

/**
 * Everything after sign-in needs a valid session: pages redirect to the sign-in form, form posts are
 * refused. A POST must also carry this session's CSRF token.
 */
export function requireSession(): MiddlewareHandler<AdminPageEnv> {
	return async (c, next) => {
		const session = await readSession(c.get("sessionKey"), getCookie(c, SESSION_COOKIE), c.get("services").now());
		if (!session) {
			if (c.req.method === "GET" || c.req.method === "HEAD") return c.redirect("/admin/sign-in", 303);
			return c.html(await problemPage(c.get("nonce"), "Signed out", "Your session has ended or is not valid. Sign in again; nothing was changed."), 401);
		}
		c.set("session", session);
		if (c.req.method !== "GET" && c.req.method !== "HEAD") {
			const body = await formBody(c);
			if (!(await isSessionCsrfToken(c.get("sessionKey"), session, body.csrf))) {
				const message = "The form's security token is missing or belongs to another session. Reload the page and try again; nothing was changed.";
				return c.html(await problemPage(c.get("nonce"), "Refused", message, session.csrfToken), 403);
			}
		}
		await next();
	};
}

/** The posted form, read once (Hono caches the parsed body); anything that is not a form reads as empty. */
export async function formBody(c: Context<AdminPageEnv>): Promise<FormBody> {
	const type = c.req.header("content-type") ?? "";
	if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return {};
	return c.req.parseBody({ all: true });
}

function isSameOrigin(c: Context<AdminPageEnv>): boolean {
	const own = new URL(c.req.url).origin;
	const origin = c.req.header("origin");
	const site = c.req.header("sec-fetch-site");
	if (origin !== undefined && origin !== "null" && origin !== own) return false;
	if (site !== undefined && site !== "same-origin") return false;
	return origin === own || site === "same-origin";
}
