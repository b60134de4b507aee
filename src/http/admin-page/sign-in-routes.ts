import { Hono } from "hono/tiny";
import type { AdminPageEnv } from "./env";
import { formBody } from "./guard";
import { text } from "./forms";
import { clearedSessionCookie, isAdminToken, sessionCookie, startSession } from "./session";
import { signInPage } from "./views/sign-in";

/** Signing in and out. Sign-in takes the token from the POST body only: a token in a URL ends up in logs and history. */
export function signInRoutes(): Hono<AdminPageEnv> {
	const routes = new Hono<AdminPageEnv>();

	routes.get("/sign-in", async (c) => {
		const signedOut = c.req.query("signed-out") !== undefined;
		return c.html(await signInPage(c.get("nonce"), signedOut ? { kind: "ok", text: "You are signed out." } : undefined));
	});

	routes.post("/sign-in", async (c) => {
		const { config, now } = c.get("services");
		const typed = text((await formBody(c)).token).trim();
		if (!config.adminToken || typed === "" || !(await isAdminToken(config.adminToken, typed))) {
			return c.html(await signInPage(c.get("nonce"), { kind: "error", text: "That is not the admin token. Check it and try again." }), 401);
		}
		const { value } = await startSession(c.get("sessionKey"), now());
		c.header("Set-Cookie", sessionCookie(value));
		return c.redirect("/admin", 303);
	});

	return routes;
}

/** Behind requireSession (session and CSRF token checked): ends the session in this browser. */
export function signOutRoutes(): Hono<AdminPageEnv> {
	const routes = new Hono<AdminPageEnv>();
	routes.post("/sign-out", (c) => {
		c.header("Set-Cookie", clearedSessionCookie());
		return c.redirect("/admin/sign-in?signed-out", 303);
	});
	return routes;
}
