import { html } from "hono/html";
import { DEFAULT_SUBSCRIBED_EVENT_TYPES, EVENT_TYPES } from "../../../webhooks/event";
import type { FieldErrors, SubscriptionFormValues } from "../forms";
import { csrfField, type Html } from "./layout";

export const EMPTY_SUBSCRIPTION_FORM: SubscriptionFormValues = {
	url: "",
	description: "",
	eventTypes: [...DEFAULT_SUBSCRIBED_EVENT_TYPES],
	tags: "",
	categories: "",
};

/** The create and edit form: one field per API field, errors tied to their fields with aria-describedby. */
export function subscriptionForm(options: {
	action: string;
	submitLabel: string;
	csrfToken: string;
	values: SubscriptionFormValues;
	errors?: FieldErrors;
	idPrefix: string;
}): Html {
	const { values, errors = {}, idPrefix } = options;
	const id = (name: string) => `${idPrefix}-${name}`;
	const described = (name: string, hint?: string) => {
		const ids = [hint ? id(`${name}-hint`) : "", errors[name] ? id(`${name}-error`) : ""].filter(Boolean).join(" ");
		return ids ? html`aria-describedby="${ids}"` : "";
	};
	const invalid = (name: string) => (errors[name] ? html`aria-invalid="true"` : "");
	const error = (name: string) => (errors[name] ? html`<p class="error" id="${id(`${name}-error`)}">${errors[name]}</p>` : "");
	return html`<form method="post" action="${options.action}" class="card" novalidate>
${csrfField(options.csrfToken)}
${errors.form ? html`<p class="notice error" role="alert">${errors.form}</p>` : ""}
<div class="field">
<label for="${id("url")}">Endpoint URL</label>
<input id="${id("url")}" name="url" type="url" required value="${values.url}" inputmode="url" autocomplete="off" ${invalid("url")} ${described("url")}>
${error("url")}
</div>
<div class="field">
<label for="${id("description")}">Description <span class="muted">(optional)</span></label>
<input id="${id("description")}" name="description" type="text" value="${values.description}" maxlength="500" ${invalid("description")} ${described("description")}>
${error("description")}
</div>
<fieldset class="field" ${described("eventTypes")}>
<legend>Event types</legend>
${EVENT_TYPES.map(
	(type) =>
		html`<label><input type="checkbox" name="eventTypes" value="${type}" ${values.eventTypes.includes(type) ? "checked" : ""}> <code>${type}</code></label>`,
)}
${error("eventTypes")}
</fieldset>
<div class="field">
<label for="${id("tags")}">Only posts with these tags <span class="muted">(optional)</span></label>
<input id="${id("tags")}" name="tags" type="text" value="${values.tags}" ${invalid("tags")} ${described("tags", "hint")}>
<p class="hint" id="${id("tags-hint")}">Comma-separated. Empty: every post. With tags and categories, a post matching either is sent.</p>
${error("tags")}
</div>
<div class="field">
<label for="${id("categories")}">Only posts in these categories <span class="muted">(optional)</span></label>
<input id="${id("categories")}" name="categories" type="text" value="${values.categories}" ${invalid("categories")} ${described("categories")}>
${error("categories")}
</div>
<p class="field"><button type="submit">${options.submitLabel}</button></p>
</form>`;
}
