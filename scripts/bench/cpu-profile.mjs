/**
 * `npm run bench -- --profile`: V8 CPU profiles of the Worker and of the local D1 and R2 simulators while the first
 * sync runs, through workerd's inspector (Miniflare's `inspectorPort`; Chrome DevTools protocol, Profiler domain:
 * https://chromedevtools.github.io/devtools-protocol/tot/Profiler/). Each profile is written as a .cpuprofile (open it
 * in Chrome DevTools or speedscope) and summed here by where the self time went: our bundle, the D1 binding's client,
 * zlib, other built-ins, garbage collection, idle. Each isolate's profiler samples all along, so the isolates' figures
 * overlap in time and do not add up to the wall: they rank where each isolate's own code spends (a simulator's
 * SQLite and file work counts in the JavaScript frame that called it), which is what a change to our code can move.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";

/** The isolates worth profiling: the Worker, the D1 database and the POSTS bucket (Miniflare's service names). */
export const PROFILED_ISOLATES = [
	{ label: "Worker (pressroom)", title: /core:user:pressroom$/ },
	{ label: "D1 simulator", title: /d1:db$/ },
	{ label: "R2 simulator", title: /r2:bucket$/ },
];

/** Samples every 500 µs: a 25-second sync gives about 50,000 samples, enough to rank functions of a few ms. */
const SAMPLING_INTERVAL_US = 500;

/** Starts a profile in each of `isolates` (by target title) that the inspector on `port` lists. */
export async function startProfiles(port, isolates = PROFILED_ISOLATES) {
	const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
	const sessions = [];
	for (const isolate of isolates) {
		const target = targets.find((candidate) => isolate.title.test(candidate.title));
		if (target === undefined) continue;
		const session = await openSession(target.webSocketDebuggerUrl);
		await session.send("Profiler.enable");
		await session.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
		await session.send("Profiler.start");
		sessions.push({ label: isolate.label, session });
	}
	return {
		/** Stops every profile, writes them into `directory` and returns each isolate's summary. */
		async stop(directory) {
			const summaries = [];
			for (const { label, session } of sessions) {
				const { profile } = await session.send("Profiler.stop");
				const file = path.join(directory, `${label.replace(/\W+/g, "-").replace(/-+$/, "").toLowerCase()}.cpuprofile`);
				await writeFile(file, JSON.stringify(profile));
				summaries.push({ label, file, ...summarizeProfile(profile) });
				session.close();
			}
			return summaries;
		},
	};
}

/** Where a function's self time is counted, by the script it is in. */
export function categoryOf({ functionName, url }) {
	if (functionName === "(idle)") return "idle";
	if (functionName === "(garbage collector)") return "garbage collection";
	if (functionName === "(program)") return "runtime (program)";
	if (url.includes("d1-api")) return "D1 binding client (statements and results as JSON)";
	if (url.includes("zlib") || functionName.startsWith("zlib")) return "zlib";
	if (url === "" || url.startsWith("node-internal") || url.startsWith("cloudflare-internal")) return "other built-ins (R2 binding, TextEncoder, crypto, fetch, …)";
	return "JavaScript of the isolate's own scripts";
}

/** Self time by category and the functions with the most self time, in ms, from a V8 CPU profile. */
export function summarizeProfile(profile, top = 12) {
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const byFunction = new Map();
	const byCategory = new Map();
	let totalUs = 0;
	profile.samples.forEach((id, index) => {
		const delta = profile.timeDeltas[index] ?? 0;
		const frame = nodes.get(id).callFrame;
		const name = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop() || "(native)"}${frame.lineNumber >= 0 ? `:${frame.lineNumber + 1}` : ""}`;
		byFunction.set(name, (byFunction.get(name) ?? 0) + delta);
		const category = categoryOf(frame);
		byCategory.set(category, (byCategory.get(category) ?? 0) + delta);
		totalUs += delta;
	});
	const ms = (entries) => [...entries].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000 }));
	const idleMs = (byCategory.get("idle") ?? 0) / 1000;
	return { spanMs: totalUs / 1000, busyMs: totalUs / 1000 - idleMs, categories: ms(byCategory), functions: ms(byFunction).slice(0, top) };
}

/**
 * A DevTools protocol session over the inspector's WebSocket (Node 22's global WebSocket; the bench runs on the
 * Node 22 that npm installs): `send` resolves with the command's result.
 */
async function openSession(url) {
	const socket = new WebSocket(url);
	await new Promise((resolve, reject) => {
		socket.addEventListener("open", resolve, { once: true });
		socket.addEventListener("error", () => reject(new Error(`inspector: cannot connect to ${url}`)), { once: true });
	});
	let nextId = 0;
	const pending = new Map();
	socket.addEventListener("message", ({ data }) => {
		const message = JSON.parse(String(data));
		const waiter = pending.get(message.id);
		if (waiter === undefined) return;
		pending.delete(message.id);
		if (message.error) waiter.reject(new Error(`inspector: ${message.error.message}`));
		else waiter.resolve(message.result);
	});
	return {
		send: (method, params = {}) =>
			new Promise((resolve, reject) => {
				const id = ++nextId;
				pending.set(id, { resolve, reject });
				socket.send(JSON.stringify({ id, method, params }));
			}),
		close: () => socket.close(),
	};
}
