import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../context";

/**
 * Admin routes take `Authorization: Bearer <ADMIN_TOKEN>`. Hono's bearerAuth compares in constant time
 * (hashing both sides first), so response timing does not reveal how much of a guess was right.
 * Without a configured token every admin route is closed: there is no default token.
 */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		const token = c.get("services").config.adminToken;
		if (!token) {
			throw new HTTPException(503, { message: "ADMIN_TOKEN is not set: the admin API is disabled until it is (wrangler secret put ADMIN_TOKEN)" });
		}
		return bearerAuth({
			token,
			noAuthenticationHeader: { message: { error: "unauthorized", message: "Send Authorization: Bearer <ADMIN_TOKEN>" } },
			invalidAuthenticationHeader: { message: { error: "unauthorized", message: "The Authorization header must be: Bearer <ADMIN_TOKEN>" } },
			invalidToken: { message: { error: "unauthorized", message: "The admin token is wrong" } },
		})(c as unknown as Context, next);
	};
}
