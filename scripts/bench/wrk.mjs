/** Load from a second process with wrk (Debian's package): requests per second and latency percentiles. */
import { spawn, spawnSync } from "node:child_process";

export function wrkAvailable() {
	return spawnSync("wrk", ["--version"], { encoding: "utf8" }).error === undefined;
}

/** `wrk -t2 -cC -dDs --latency [-H …] url`, parsed. */
export function runWrk(url, { connections = 32, seconds = 4, threads = 2, headers = {} } = {}) {
	const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, "--latency"];
	for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
	args.push(String(url));
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
			resolve({ perSecond, p50Ms: latencyMs(out, "50%"), p99Ms: latencyMs(out, "99%"), non2xx, errors });
		});
	});
}

function latencyMs(out, percentile) {
	const match = new RegExp(`^\\s*${percentile}\\s+([\\d.]+)(us|ms|s)`, "m").exec(out);
	if (!match) return Number.NaN;
	const value = Number(match[1]);
	return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
}
