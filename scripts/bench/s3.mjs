/**
 * The S3 side of `npm run bench -- --backend s3`: a real S3-protocol server (s3rver) in a child Node, and a
 * pass-through HTTP proxy in front of it that counts what the Worker asks for (the idea of
 * tests/support/fault-proxy.ts, without the faults). Both listen on 127.0.0.1 only.
 */
import { spawn } from "node:child_process";
import { Agent, createServer, request as httpRequest } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT } from "../lib/dev-server.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** s3rver's built-in account: it checks that the access key exists, not the V4 signature. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** Starts s3rver with its files in `directory` and one bucket; resolves once it listens. */
export async function startS3rver({ directory, bucket, timeoutMs = 20_000 }) {
	const options = { address: "127.0.0.1", port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] };
	const child = spawn(process.execPath, ["--openssl-legacy-provider", path.join(HERE, "s3rver-child.cjs"), JSON.stringify(options)], {
		cwd: ROOT,
		stdio: ["pipe", "pipe", "pipe"],
	});
	// If this process exits without stop() (an interrupted run), s3rver goes with it.
	const killNow = () => child.kill("SIGKILL");
	process.once("exit", killNow);
	const stop = async () => {
		process.off("exit", killNow);
		if (child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once("exit", resolve));
		child.stdin.end();
		child.kill("SIGTERM");
		const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
		await exited;
		clearTimeout(timer);
	};
	try {
		const port = await new Promise((resolve, reject) => {
			let stdout = "";
			let stderr = "";
			const timer = setTimeout(() => reject(new Error(`s3rver did not start within ${timeoutMs / 1000} s: ${stderr}`)), timeoutMs);
			child.stderr.on("data", (chunk) => (stderr += chunk));
			child.stdout.on("data", (chunk) => {
				stdout += chunk;
				if (!stdout.includes("\n")) return;
				clearTimeout(timer);
				try {
					resolve(JSON.parse(stdout.split("\n")[0]).port);
				} catch {
					reject(new Error(`s3rver printed "${stdout.split("\n")[0]}" instead of its port`));
				}
			});
			child.once("exit", (code) => {
				clearTimeout(timer);
				reject(new Error(`s3rver exited with code ${code} before listening: ${stderr}`));
			});
		});
		return { endpoint: `http://127.0.0.1:${port}`, pid: child.pid, stop, killNow };
	} catch (error) {
		await stop();
		throw error;
	}
}

/** What one S3 request was, from its method and URL (path-style: /bucket/key?query). */
export function classifyS3Request(method, url) {
	const parsed = new URL(url, "http://proxy");
	const parts = parsed.pathname.split("/").filter(Boolean);
	if (method === "GET" && parsed.searchParams.get("list-type") === "2") return "ListObjectsV2";
	if (parts.length >= 2) {
		if (method === "GET") return "GetObject";
		if (method === "HEAD") return "HeadObject";
		if (method === "PUT") return "PutObject";
		if (method === "DELETE") return "DeleteObject";
	}
	return `other (${method} ${parts.length <= 1 ? "bucket" : "object"})`;
}

/**
 * A counting pass-through proxy to `upstream`. `take()` returns the counts since the last take() and resets them:
 * requests by kind, responses by kind and status, bytes sent back, and how long the upstream took in total.
 */
export async function startCountingProxy(upstream) {
	const target = new URL(upstream);
	const agent = new Agent({ keepAlive: true, maxSockets: 64 });
	let counts = fresh();
	const sockets = new Set();
	const server = createServer((req, res) => {
		const kind = classifyS3Request(req.method ?? "GET", req.url ?? "/");
		const started = performance.now();
		const bucket = counts;
		bucket.requests += 1;
		bucket.byKind[kind] = (bucket.byKind[kind] ?? 0) + 1;
		const outgoing = httpRequest(
			{ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
			(answer) => {
				const status = answer.statusCode ?? 502;
				const key = `${kind} ${status}`;
				bucket.byStatus[key] = (bucket.byStatus[key] ?? 0) + 1;
				res.writeHead(status, answer.headers);
				answer.on("data", (chunk) => (bucket.responseBytes += chunk.length));
				answer.on("end", () => (bucket.upstreamMs += performance.now() - started));
				answer.pipe(res);
			},
		);
		outgoing.on("error", (error) => {
			bucket.errors += 1;
			bucket.lastError = error.message;
			res.destroy();
		});
		req.pipe(outgoing);
	});
	server.on("connection", (socket) => {
		sockets.add(socket);
		socket.on("close", () => sockets.delete(socket));
	});
	await new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(0, "127.0.0.1", resolve);
	});
	return {
		endpoint: `http://127.0.0.1:${server.address().port}`,
		take() {
			const taken = counts;
			counts = fresh();
			return taken;
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			agent.destroy();
			await new Promise((resolve) => server.close(() => resolve()));
		},
	};
}

function fresh() {
	return { requests: 0, byKind: {}, byStatus: {}, responseBytes: 0, upstreamMs: 0, errors: 0, lastError: undefined };
}
