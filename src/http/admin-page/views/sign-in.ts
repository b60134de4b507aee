import { html } from "hono/html";
import { type Html, layout } from "./layout";

/** The sign-in form: the token goes in a POST body (a password field), never in a URL. */
export function signInPage(nonce: string, notice?: { kind: "ok" | "error"; text: string }): Html {
	const error = notice?.kind === "error";
	return layout(
		{ title: "Sign in", nonce, ...(notice ? { notice } : {}) },
		html`<form method="post" action="/admin/sign-in" class="card stack">
<div class="field">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" required autocomplete="current-password" spellcheck="false" ${error ? html`aria-invalid="true"` : ""} aria-describedby="token-hint">
<p id="token-hint" class="hint">The <code>ADMIN_TOKEN</code> secret of this deployment. The session lasts 8 hours.</p>
</div>
<button type="submit">Sign in</button>
</form>`,
	);
}

/** The admin page has no token to check against: it stays closed, as the API does. */
export function disabledPage(nonce: string): Html {
	return layout(
		{ title: "Admin page disabled", nonce },
		html`<p>ADMIN_TOKEN is not set, so the admin page and API are closed. Set it with <code>wrangler secret put ADMIN_TOKEN</code>.</p>`,
	);
}

/** A refused or failed request, as a page (the JSON API keeps its JSON errors). */
export function problemPage(nonce: string, title: string, message: string, csrfToken?: string): Html {
	return layout(
		{ title, nonce, ...(csrfToken ? { csrfToken } : {}) },
		html`<p>${message}</p><p><a href="/admin">Back to the admin page</a></p>`,
	);
}
