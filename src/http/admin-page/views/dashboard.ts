import { html } from "hono/html";
import type { Subscription } from "../../../storage/subscriptions";
import type { SyncRun } from "../../../storage/sync-runs";
import { type DatabaseUsage, formatBytes, type OperatorStatus } from "../../admin/status";
import type { FieldErrors, SubscriptionFormValues } from "../forms";
import type { HubSubscription } from "../../../storage/hub-subscriptions";
import { formatDuration, type SuccessSeries, successSparkline, syncDurationChart } from "./charts";
import { actionButton, badge, type Html, layout, type PageFrame, timeAt } from "./layout";
import { subscriptionForm } from "./subscription-form";
import { subscriptionState } from "./subscription";

export interface DashboardData {
	status: OperatorStatus;
	subscriptions: { subscription: Subscription; series: SuccessSeries }[];
	nextCursor?: string;
	createForm: { values: SubscriptionFormValues; errors?: FieldErrors };
	/** The WebSub hub's subscribers (GET /api/hub/subscriptions), first page. */
	hub: { subscriptions: HubSubscription[]; nextCursor?: string };
}

const TIMELINE_LENGTH = 10;

/** The overview: syncs, broken posts, subscriptions with their success rate, and the create form. */
export function dashboardPage(frame: PageFrame & { csrfToken: string }, data: DashboardData): Html {
	const { status } = data;
	return layout(
		frame,
		html`<div class="grid">
<section class="card" aria-labelledby="summary-title">
<h2 id="summary-title" class="flush">Catalog</h2>
<dl class="facts">
<dt>Posts</dt><dd>${status.catalog.posts}</dd>
<dt>Broken</dt><dd>${status.catalog.broken}</dd>
<dt>Storage</dt><dd>${status.storage.backend}${status.storage.problems.map((problem) => html`<br><span class="error">${problem}</span>`)}</dd>
<dt>Database</dt><dd>${databaseFact(status.database)}</dd>
<dt>Last good sync</dt><dd>${timeAt(status.lastSuccessfulSync?.finishedAt)}</dd>
</dl>
<p>${actionButton("/admin/sync", "Sync now", frame.csrfToken)}</p>
</section>
<section class="card" aria-labelledby="webhooks-title">
<h2 id="webhooks-title" class="flush">Webhooks</h2>
<dl class="facts">
<dt>Subscriptions</dt><dd>${status.webhooks.subscriptions.total} (${status.webhooks.subscriptions.enabled} enabled)</dd>
${Object.entries(status.webhooks.messages).map(([name, count]) => html`<dt>Messages ${name}</dt><dd>${count}</dd>`)}
<dt>Needing attention</dt><dd>${status.webhooks.subscriptions.attention.length}</dd>
</dl>
</section>
</div>

<section aria-labelledby="syncs-title">
<h2 id="syncs-title">Last syncs</h2>
${syncDurationChart(status.recentSyncs)}
<ol class="plain timeline" aria-label="Sync timeline, newest first">
${status.recentSyncs.slice(0, TIMELINE_LENGTH).map(syncEntry)}
</ol>
</section>

<section aria-labelledby="broken-title">
<h2 id="broken-title">Broken posts</h2>
${
	status.brokenPosts.length === 0
		? html`<p class="muted">None: every object in the bucket parsed.</p>`
		: html`<ul class="plain stack">${status.brokenPosts.map(
				(broken) => html`<li class="card"><h3 class="mono">${broken.key}</h3><p>${broken.reason}</p><p class="hint">Seen ${timeAt(broken.seenAt)}</p></li>`,
			)}</ul>`
}
</section>

<section aria-labelledby="subscriptions-title">
<h2 id="subscriptions-title">Subscriptions</h2>
${
	data.subscriptions.length === 0
		? html`<p class="muted">No subscriptions yet.</p>`
		: html`<ul class="plain stack">${data.subscriptions.map(({ subscription, series }) => subscriptionCard(subscription, series))}</ul>`
}
${data.nextCursor ? html`<p><a href="/admin?cursor=${encodeURIComponent(data.nextCursor)}#subscriptions-title">More subscriptions</a></p>` : ""}
</section>

<section aria-labelledby="create-title">
<h2 id="create-title">New subscription</h2>
${subscriptionForm({ action: "/admin/subscriptions", submitLabel: "Create subscription", csrfToken: frame.csrfToken, idPrefix: "new", ...data.createForm })}
</section>
${hubSection(data.hub, frame.csrfToken)}`,
	);
}

function databaseFact(database: DatabaseUsage): Html {
	const size = database.bytes === undefined ? "size not reported" : `${formatBytes(database.bytes)} of ${formatBytes(database.limitBytes)}`;
	return html`${size} <span class="hint">(D1, ${database.plan} plan)</span>${database.warning ? html`<br><span class="error">${database.warning}</span>` : ""}`;
}

function syncEntry(run: SyncRun): Html {
	return html`<li>${badge(run.status)} ${timeAt(run.startedAt)} <span>took ${formatDuration(run.durationMs)}</span>
<span class="hint">${run.trigger} · listed ${run.objectsListed} · read ${run.objectsRead} · ${run.changes} changes${run.remaining ? ` · ${run.remaining} left` : ""}</span>
${run.error ? html`<span class="error">${run.error}</span>` : ""}</li>`;
}

function subscriptionCard(subscription: Subscription, series: SuccessSeries): Html {
	return html`<li class="card">
<h3><a href="/admin/subscriptions/${subscription.id}">${subscription.description || subscription.url}</a></h3>
<p class="row">${subscriptionState(subscription)} <span class="mono">${subscription.url}</span></p>
<p>${successSparkline(series, `spark-${subscription.id}`)}</p>
</li>`;
}

function hubSection(hub: DashboardData["hub"], csrfToken: string): Html {
	return html`<section aria-labelledby="hub-title">
<h2 id="hub-title">Hub subscriptions (WebSub)</h2>
${
	hub.subscriptions.length === 0
		? html`<p class="muted">No reader has subscribed through the hub (<code>POST /websub</code>) yet.</p>`
		: html`<ul class="plain stack">${hub.subscriptions.map((entry) => hubEntry(entry, csrfToken))}</ul>`
}
${hub.nextCursor ? html`<p class="hint">Showing the first ${hub.subscriptions.length}; the rest are in <code>GET /api/hub/subscriptions</code>.</p>` : ""}
</section>`;
}

function hubEntry(entry: HubSubscription, csrfToken: string): Html {
	const active = entry.state === "active";
	return html`<li class="card">
<h3 class="mono">${entry.callback}</h3>
<dl class="facts">
<dt>State</dt><dd>${badge(entry.state)}${entry.endedReason ? ` (${entry.endedReason})` : ""}</dd>
<dt>Topic</dt><dd class="mono">${entry.topic}</dd>
<dt>Lease until</dt><dd>${timeAt(entry.expiresAt)}</dd>
<dt>Signed</dt><dd>${entry.hasSecret ? "yes (hub.secret)" : "no"}</dd>
<dt>Last delivery</dt><dd>${entry.lastDeliveryAt ? html`${timeAt(entry.lastDeliveryAt)} ${entry.lastDeliveryStatus ?? ""}` : "—"}</dd>
</dl>
${active ? html`<p>${actionButton(`/admin/hub/subscriptions/${entry.id}/remove`, "Remove", csrfToken, { kind: "secondary" })}</p>` : ""}
</li>`;
}
