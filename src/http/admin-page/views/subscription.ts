import { html } from "hono/html";
import type { AttemptRecord, Delivery, DeliveryPage } from "../../../storage/deliveries";
import type { Subscription } from "../../../storage/subscriptions";
import type { FieldErrors, SubscriptionFormValues } from "../forms";
import { formatDuration, type SuccessSeries, successSparkline } from "./charts";
import { actionButton, badge, type Html, layout, type PageFrame, secretField, timeAt } from "./layout";
import { subscriptionForm } from "./subscription-form";

export interface SubscriptionPageData {
	subscription: Subscription;
	deliveries: DeliveryPage;
	series: SuccessSeries;
	editForm: { values: SubscriptionFormValues; errors?: FieldErrors };
	/** Shown once, right after creation or rotation; never stored in the page's URL or anywhere else. */
	revealedSecret?: { secret: string; note: string };
}

export function subscriptionState(subscription: Subscription): Html {
	if (subscription.enabled) return subscription.failingSince ? html`${badge("enabled")} ${badge("failing")}` : badge("enabled");
	return subscription.disabledReason === "manual" ? badge("paused") : html`${badge("disabled")} <span class="hint">(${subscription.disabledReason})</span>`;
}

export function valuesOf(subscription: Subscription): SubscriptionFormValues {
	return {
		url: subscription.url,
		description: subscription.description,
		eventTypes: subscription.eventTypes,
		tags: subscription.filters.tags.join(", "),
		categories: subscription.filters.categories.join(", "),
	};
}

/** One subscription: its state and actions, the edit form, and its deliveries with every attempt. */
export function subscriptionPage(frame: PageFrame & { csrfToken: string }, data: SubscriptionPageData): Html {
	const { subscription, csrf } = { subscription: data.subscription, csrf: frame.csrfToken };
	const base = `/admin/subscriptions/${subscription.id}`;
	return layout(
		frame,
		html`${data.revealedSecret ? html`<section class="stack" aria-labelledby="secret-title">
<h2 id="secret-title" class="flush">Signing secret</h2>
${secretField("signing-secret", "Secret (whsec_…)", data.revealedSecret.secret)}
<p>${data.revealedSecret.note}</p>
</section>` : ""}
<dl class="facts">
<dt>State</dt><dd>${subscriptionState(subscription)}</dd>
<dt>URL</dt><dd class="mono">${subscription.url}</dd>
<dt>Id</dt><dd class="mono">${subscription.id}</dd>
<dt>Events</dt><dd>${subscription.eventTypes.map((type) => html`<code>${type}</code> `)}</dd>
<dt>Filters</dt><dd>${filtersText(subscription)}</dd>
<dt>Created</dt><dd>${timeAt(subscription.createdAt)}</dd>
<dt>Last success</dt><dd>${timeAt(subscription.lastSuccessAt)}</dd>
${subscription.failingSince ? html`<dt>Failing since</dt><dd>${timeAt(subscription.failingSince)}</dd>` : ""}
<dt>Success rate</dt><dd>${successSparkline(data.series, "spark-detail")}</dd>
</dl>

<section aria-labelledby="actions-title">
<h2 id="actions-title">Actions</h2>
<div class="row">
${subscription.enabled ? actionButton(`${base}/test`, "Send test ping", csrf) : html`<span class="hint">Resume it to send a test ping.</span>`}
${
	subscription.enabled
		? actionButton(`${base}/pause`, "Pause", csrf, { kind: "secondary" })
		: actionButton(`${base}/resume`, "Resume", csrf, { kind: "secondary" })
}
${actionButton(`${base}/rotate-secret`, "Rotate secret", csrf, { kind: "secondary" })}
</div>
<details class="field">
<summary>Delete this subscription</summary>
<p>Its delivery log goes with it. This cannot be undone.</p>
${actionButton(`${base}/delete`, "Delete subscription", csrf, { kind: "danger" })}
</details>
</section>

<section aria-labelledby="edit-title">
<h2 id="edit-title">Edit</h2>
${subscriptionForm({ action: `${base}/edit`, submitLabel: "Save changes", csrfToken: csrf, idPrefix: "edit", ...data.editForm })}
</section>

<section aria-labelledby="deliveries-title">
<h2 id="deliveries-title">Deliveries</h2>
${
	data.deliveries.deliveries.length === 0
		? html`<p class="muted">Nothing has been sent to this subscription yet.</p>`
		: html`<ol class="plain stack" aria-label="Deliveries, newest first">${data.deliveries.deliveries.map((delivery) => deliveryEntry(delivery, csrf, base))}</ol>`
}
${
	data.deliveries.nextCursor
		? html`<p><a href="${base}?cursor=${encodeURIComponent(data.deliveries.nextCursor)}#deliveries-title">Older deliveries</a></p>`
		: ""
}
</section>`,
	);
}

function filtersText(subscription: Subscription): string {
	const { tags, categories } = subscription.filters;
	if (tags.length === 0 && categories.length === 0) return "none (every post)";
	return [tags.length ? `tags: ${tags.join(", ")}` : "", categories.length ? `categories: ${categories.join(", ")}` : ""].filter(Boolean).join("; ");
}

function deliveryEntry(delivery: Delivery, csrf: string, base: string): Html {
	return html`<li class="card delivery" data-message-id="${delivery.messageId}">
<h3 class="row">${badge(delivery.status)} <code>${delivery.eventType}</code> <span class="mono hint">${delivery.messageId}</span></h3>
<p class="hint">Created ${timeAt(delivery.createdAt)} · ${delivery.attempts} attempt${delivery.attempts === 1 ? "" : "s"}${
		delivery.nextAttemptAt ? html` · next ${timeAt(delivery.nextAttemptAt)}` : ""
	}</p>
${delivery.lastError ? html`<p class="error">${delivery.lastError}</p>` : ""}
${
	delivery.attemptLog.length
		? html`<ol class="attempts" aria-label="Attempts">${delivery.attemptLog.map(attemptEntry)}</ol>`
		: html`<p class="muted">No attempt yet.</p>`
}
${
	delivery.status === "pending"
		? ""
		: actionButton(`/admin/deliveries/${delivery.messageId}/redeliver`, "Redeliver", csrf, { kind: "secondary", hidden: { back: base } })
}
</li>`;
}

function attemptEntry(attempt: AttemptRecord): Html {
	return html`<li class="attempt">Attempt ${attempt.attemptNumber}${attempt.trigger === "manual" ? " (redelivery)" : ""}: ${badge(attempt.outcome)} ${
		attempt.statusCode === undefined ? "no response" : html`HTTP <strong>${attempt.statusCode}</strong>`
	} in ${formatDuration(attempt.durationMs)} at ${timeAt(attempt.createdAt)}
${attempt.error ? html`<span class="error">${attempt.error}</span>` : ""}
${attempt.responseSnippet ? html`<code class="snippet">${attempt.responseSnippet}</code>` : ""}</li>`;
}
