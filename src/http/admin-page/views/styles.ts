/**
 * The admin page's one stylesheet, sent inline with the CSP nonce. Colours keep at least 4.5:1 contrast
 * (WCAG 2.2 AA) for text and 3:1 for chart marks; status is always written out, never colour alone.
 */
export const STYLES = `
:root { --ink: #1b1b1f; --muted: #4a4a55; --line: #c9c9d2; --bg: #ffffff; --panel: #f5f5f8; --accent: #0b57d0;
	--ok: #0a6b2b; --ok-bg: #e3f3e7; --bad: #a50e0e; --bad-bg: #fbe6e4; --warn: #7a4b00; --warn-bg: #fdf3d8;
	--info: #174ea6; --info-bg: #e6eefc; --idle: #4a4a55; --idle-bg: #ececf1; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible, summary:focus-visible, main:focus-visible {
	outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem 1rem; z-index: 1; }
.skip:focus { left: .5rem; }
.top { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem;
	padding: .5rem 1rem; border-bottom: 1px solid var(--line); background: var(--panel); }
.brand { margin: 0; font-weight: 700; }
.brand a { color: var(--ink); text-decoration: none; }
main { max-width: 68rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; background: var(--bg); min-width: 0; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.flush { margin-top: 0; }
.error { color: var(--bad); }
.hint, .muted { color: var(--muted); font-size: .9rem; }
.notice { padding: .75rem 1rem; border-radius: .5rem; border: 1px solid; }
.notice.ok { color: var(--ok); background: var(--ok-bg); }
.notice.error { color: var(--bad); background: var(--bad-bg); }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .85rem; font-weight: 600; border: 1px solid; }
.badge.succeeded, .badge.enabled, .badge.active, .badge.ok { color: var(--ok); background: var(--ok-bg); }
.badge.failed, .badge.disabled { color: var(--bad); background: var(--bad-bg); }
.badge.partial, .badge.retry, .badge.paused, .badge.failing { color: var(--warn); background: var(--warn-bg); }
.badge.pending, .badge.running { color: var(--info); background: var(--info-bg); }
.badge.skipped, .badge.disable-subscription, .badge.ended { color: var(--idle); background: var(--idle-bg); }
ol.plain, ul.plain { list-style: none; margin: 0; padding: 0; }
.timeline li { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: baseline; padding: .4rem 0 .4rem 1rem;
	border-left: 3px solid var(--line); }
.timeline li + li { margin-top: .1rem; }
.stack > * + * { margin-top: 1rem; }
.row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
form.inline { display: inline; margin: 0; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
fieldset { border: 1px solid var(--line); border-radius: .5rem; margin: 0; padding: .5rem 1rem; }
fieldset label { display: inline-flex; gap: .4rem; align-items: center; font-weight: 400; margin-right: 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
input[type=text], input[type=url], input[type=password], textarea { width: 100%; font: inherit; padding: .5rem .6rem;
	border: 1px solid var(--muted); border-radius: .35rem; background: var(--bg); color: var(--ink); }
input[type=checkbox] { width: 1.2rem; height: 1.2rem; }
.field + .field { margin-top: .9rem; }
.field .error { color: var(--bad); margin: .25rem 0 0; font-weight: 600; }
button { font: inherit; font-weight: 600; min-height: 2.75rem; padding: .45rem 1rem; border-radius: .35rem; cursor: pointer;
	border: 1px solid var(--accent); background: var(--accent); color: #fff; }
button.secondary { background: var(--bg); color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); color: #fff; }
.copy-row { display: flex; gap: .5rem; }
.copy-row input { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9rem; }
.secret { border: 2px solid var(--warn); background: var(--warn-bg); border-radius: .5rem; padding: .75rem 1rem; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9rem; overflow-wrap: anywhere; }
svg.chart { width: 100%; height: auto; max-height: 12rem; display: block; }
svg.spark { width: 8rem; height: 2rem; vertical-align: middle; }
.attempts { margin: .5rem 0 0; padding-left: 1.25rem; }
.attempts li { margin: .2rem 0; }
.snippet { display: block; white-space: pre-wrap; background: var(--panel); padding: .25rem .5rem; border-radius: .25rem; max-height: 6rem; overflow: auto; }
details > summary { cursor: pointer; font-weight: 600; padding: .6rem 0; }
@media (max-width: 40rem) {
	main { padding: .75rem; }
	h1 { font-size: 1.35rem; }
	.facts { grid-template-columns: 1fr; }
	.facts dd { margin-bottom: .35rem; }
	.copy-row { flex-direction: column; }
}
`;
