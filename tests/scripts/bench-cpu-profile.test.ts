import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: a bench script in plain JavaScript, without declarations
import { categoryOf, startProfiles, summarizeProfile } from "../../scripts/bench/cpu-profile.mjs";

const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A Node child with its inspector on a free port, spinning in a function with a name to find in the profile. */
async function busyChild(): Promise<number> {
	const script = "function busyChecksum(){let s=0;for(let i=0;i<2e6;i++)s=(s+i*31)%1000003;return s}setInterval(()=>{const end=Date.now()+40;while(Date.now()<end)busyChecksum()},50);";
	const child = spawn(process.execPath, ["--inspect=127.0.0.1:0", "-e", script], { stdio: ["ignore", "ignore", "pipe"] });
	cleanups.push(() => child.kill("SIGKILL"));
	return new Promise((resolve, reject) => {
		let stderr = "";
		child.stderr.on("data", (chunk) => {
			stderr += chunk;
			const port = /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr)?.[1];
			if (port) resolve(Number(port));
		});
		child.once("exit", () => reject(new Error(`child exited: ${stderr}`)));
	});
}

describe("the bench's CPU profiles (npm run bench -- --profile)", () => {
	it("profiles a live isolate through its inspector and finds where its time went", async () => {
		const port = await busyChild();
		const directory = mkdtempSync(path.join(os.tmpdir(), "pressroom-profile-"));
		cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
		const profiles = await startProfiles(port, [{ label: "Busy child", title: /./ }]);
		await new Promise((resolve) => setTimeout(resolve, 600));
		const [summary] = await profiles.stop(directory);

		expect(summary.label).toBe("Busy child");
		expect(summary.file).toBe(path.join(directory, "busy-child.cpuprofile"));
		expect(JSON.parse(readFileSync(summary.file, "utf8")).nodes.length).toBeGreaterThan(0);
		const busy = summary.functions.find((entry: { name: string }) => entry.name.startsWith("busyChecksum "));
		// It spins about 40 ms of every 50: most of the profile's busy time, however slow the machine.
		expect(busy?.ms).toBeGreaterThan(0.5 * summary.busyMs);
		expect(summary.busyMs).toBeLessThanOrEqual(summary.spanMs);
	}, 20_000);

	it("sums self time by category and ranks functions", () => {
		const frame = (functionName: string, url: string, lineNumber = -1) => ({ functionName, url, lineNumber, scriptId: "0", columnNumber: 0 });
		const profile = {
			nodes: [
				{ id: 1, callFrame: frame("(idle)", "") },
				{ id: 2, callFrame: frame("_send", "cloudflare-internal:d1-api", 199) },
				{ id: 3, callFrame: frame("renderAtom", "file:///tmp/bundle/index.js", 9) },
				{ id: 4, callFrame: frame("zlibSync", "") },
			],
			samples: [1, 2, 2, 3, 4, 2],
			timeDeltas: [5000, 1000, 1000, 2000, 500, 1000],
		};
		const summary = summarizeProfile(profile, 2);
		expect(summary.spanMs).toBe(10.5);
		expect(summary.busyMs).toBe(5.5);
		expect(summary.categories).toEqual([
			{ name: "idle", ms: 5 },
			{ name: "D1 binding client (statements and results as JSON)", ms: 3 },
			{ name: "JavaScript of the isolate's own scripts", ms: 2 },
			{ name: "zlib", ms: 0.5 },
		]);
		expect(summary.functions).toEqual([
			{ name: "(idle) (native)", ms: 5 },
			{ name: "_send cloudflare-internal:d1-api:200", ms: 3 },
		]);
		expect(categoryOf(frame("(garbage collector)", ""))).toBe("garbage collection");
	});
});
