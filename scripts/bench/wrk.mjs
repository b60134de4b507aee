/** Load from a second process with wrk (Debian's package): requests per second and latency percentiles. */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

export function wrkAvailable() {
	return spawnSync("wrk", ["--version"], { encoding: "utf8" }).error === undefined;
}

/** The workerd process serving `port` (Miniflare passes `--socket-addr=entry=127.0.0.1:<port>`), to read its CPU time. */
export function workerdPidFor(port) {
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const command = readFileSync(`/proc/${entry}/cmdline`, "utf8");
			if (command.includes("workerd") && command.includes(`127.0.0.1:${port}`)) return Number(entry);
		} catch {
			// the process ended while we looked
		}
	}
	return undefined;
}

/** User + system CPU time of a process in ms (/proc/<pid>/stat fields 14 and 15, in clock ticks of 10 ms). */
function cpuMsOf(pid) {
	if (pid === undefined) return Number.NaN;
	const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
	return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * `wrk -t2 -cC -dDs --latency [-H …] url`, parsed. With `cpuPid`, also the CPU time that process spent per request:
 * unlike req/s on a shared machine, it hardly depends on what else runs.
 */
export function runWrk(url, { connections = 32, seconds = 4, threads = 2, headers = {}, cpuPid } = {}) {
	const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, "--latency"];
	for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
	args.push(String(url));
	const cpuBefore = cpuMsOf(cpuPid);
	return new Promise((resolve, reject) => {
		const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
		let out = "";
		child.stdout.on("data", (chunk) => (out += chunk));
		child.stderr.on("data", (chunk) => (out += chunk));
		child.on("error", reject);
		child.on("close", (code) => {
			if (code !== 0) return reject(new Error(`wrk exited ${code}: ${out}`));
			const perSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
			const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
			const errors = /Socket errors:.*/.exec(out)?.[0];
			const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
			const cpuMsPerRequest = (cpuMsOf(cpuPid) - cpuBefore) / requests;
			resolve({ perSecond, requests, cpuMsPerRequest, p50Ms: latencyMs(out, "50%"), p99Ms: latencyMs(out, "99%"), non2xx, errors });
		});
	});
}

function latencyMs(out, percentile) {
	const match = new RegExp(`^\\s*${percentile}\\s+([\\d.]+)(us|ms|s)`, "m").exec(out);
	if (!match) return Number.NaN;
	const value = Number(match[1]);
	return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
}
