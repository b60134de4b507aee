/**
 * What a redirect after a form post confirms: `?done=<code>` names one of these fixed texts, so nothing an
 * attacker puts in a link is ever shown as a message.
 */
const NOTICES: Record<string, { kind: "ok" | "error"; text: string }> = {
	"ping-sent": { kind: "ok", text: "Test ping queued: its delivery appears below within a few seconds (reload)." },
	paused: { kind: "ok", text: "Paused: nothing is sent until you resume it." },
	resumed: { kind: "ok", text: "Resumed." },
	saved: { kind: "ok", text: "Changes saved." },
	deleted: { kind: "ok", text: "Subscription deleted." },
	redelivered: { kind: "ok", text: "Redelivery queued, with the same webhook-id." },
	"hub-removed": { kind: "ok", text: "Hub subscription removed: it receives no more content." },
	"hub-gone": { kind: "error", text: "That hub subscription had already ended." },
	"sync-succeeded": { kind: "ok", text: "Sync finished." },
	"sync-partial": { kind: "ok", text: "Sync committed part of the backlog; the next one carries on." },
	"sync-skipped": { kind: "error", text: "Another sync is running; this one was skipped." },
	"sync-failed": { kind: "error", text: "The sync failed: see the timeline below." },
};

export function noticeFor(code: string | undefined): { kind: "ok" | "error"; text: string } | undefined {
	return code !== undefined && Object.hasOwn(NOTICES, code) ? NOTICES[code] : undefined;
}
