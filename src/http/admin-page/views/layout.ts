import { html, raw } from "hono/html";

export type Html = ReturnType<typeof html>;

/**
 * A static asset (src/http/assets/admin/styles.css), so its 5 KB are not in the Worker's bundle; the nonce on the
 * <link> is what lets it load under the page's `style-src 'nonce-…'` (https://www.w3.org/TR/CSP3/#is-element-nonceable).
 */
const ADMIN_STYLESHEET_PATH = "/admin/styles.css";

export interface PageFrame {
	title: string;
	nonce: string;
	/** Present once signed in: the header then offers sign-out, which needs the CSRF token. */
	csrfToken?: string;
	/** A short confirmation or error shown above the content, announced to screen readers. */
	notice?: { kind: "ok" | "error"; text: string };
}

/**
 * Copy buttons: `data-copy` names the id of the field whose value is copied. The Clipboard API needs a
 * secure context (https, or 127.0.0.1/localhost in development); where it is missing the field is selected
 * so the operator can copy by hand.
 */
const SCRIPT = `document.addEventListener("click", async (event) => {
	const button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
	if (!button) return;
	const field = document.getElementById(button.dataset.copy);
	const status = document.getElementById(button.dataset.copy + "-status");
	field.select();
	try {
		await navigator.clipboard.writeText(field.value);
		status.textContent = "Copied to the clipboard.";
	} catch {
		status.textContent = "Selected: press Ctrl+C (or Cmd+C) to copy.";
	}
});`;

/** The HTML document around every admin view: one nonce'd stylesheet and script, a skip link, the header. */
export function layout(frame: PageFrame, content: Html): Html {
	return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${frame.title} · Pressroom admin</title>
<link rel="stylesheet" href="${ADMIN_STYLESHEET_PATH}" nonce="${frame.nonce}">
<script nonce="${frame.nonce}" type="module">${raw(SCRIPT)}</script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<p class="brand"><a href="/admin">Pressroom admin</a></p>
${
	frame.csrfToken
		? html`<form method="post" action="/admin/sign-out" class="inline">${csrfField(frame.csrfToken)}<button type="submit" class="secondary">Sign out</button></form>`
		: ""
}
</header>
<main id="main" tabindex="-1">
<h1>${frame.title}</h1>
${frame.notice ? html`<p class="notice ${frame.notice.kind}" role="${frame.notice.kind === "error" ? "alert" : "status"}">${frame.notice.text}</p>` : ""}
${content}
</main>
</body>
</html>`;
}

export function csrfField(token: string): Html {
	return html`<input type="hidden" name="csrf" value="${token}">`;
}

/** A button that posts to `action` with the CSRF token: every state change is a POST form. */
export function actionButton(action: string, label: string, csrfToken: string, options: { kind?: "secondary" | "danger"; hidden?: Record<string, string> } = {}): Html {
	const hidden = Object.entries(options.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
	return html`<form method="post" action="${action}" class="inline">${csrfField(csrfToken)}${hidden}<button type="submit" class="${options.kind ?? ""}">${label}</button></form>`;
}

/** A `<time>` with the machine-readable instant and a short UTC rendering. */
export function timeAt(iso: string | undefined): Html {
	if (!iso) return html`<span>—</span>`;
	return html`<time datetime="${iso}">${iso.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC")}</time>`;
}

export function badge(status: string): Html {
	return html`<span class="badge ${status.replace(/[^a-z-]/g, "")}">${status}</span>`;
}

/** A copyable secret: a read-only field, a copy button, and a live region saying what happened. */
export function secretField(id: string, label: string, secret: string): Html {
	return html`<div class="secret">
<label for="${id}">${label}</label>
<div class="copy-row"><input id="${id}" type="text" readonly value="${secret}" autocomplete="off" spellcheck="false"><button type="button" data-copy="${id}">Copy</button></div>
<p id="${id}-status" class="hint" role="status" aria-live="polite"></p>
</div>`;
}
