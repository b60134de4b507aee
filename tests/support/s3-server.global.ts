// Node side (vitest globalSetup): a real S3-protocol server (s3rver) on 127.0.0.1 and the fault proxies'
// control server in front of it, shared by the test files; their addresses reach the workerd tests through
// provide()/inject() (types in tests/support/env.d.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { startFaultProxyControl } from "./fault-proxy";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BUCKET = "pressroom-test";
/** s3rver's built-in account; it checks that the access key exists, not the V4 signature. */
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

// s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17) only has in
// its legacy provider: in-process, every second page of a listing failed with 500 "digital envelope routines::
// unsupported". So s3rver runs in a child Node with --openssl-legacy-provider. It exits when its stdin closes,
// so it cannot outlive the test run.
const S3RVER_CHILD = `
const S3rver = require("s3rver");
const options = JSON.parse(process.argv[1]);
const server = new S3rver(options);
server.run().then(
	(address) => process.stdout.write(JSON.stringify({ port: address.port }) + "\\n"),
	(error) => { console.error(String(error)); process.exit(1); },
);
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
`;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const directory = await mkdtemp(path.join(tmpdir(), "pressroom-s3rver-"));
	const options = { address: "127.0.0.1", port: 0, directory, silent: true, configureBuckets: [{ name: BUCKET }] };
	const child = spawn(process.execPath, ["--openssl-legacy-provider", "-e", S3RVER_CHILD, JSON.stringify(options)], {
		cwd: root,
		stdio: ["pipe", "pipe", "pipe"],
	});
	const stopS3rver = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((resolve) => child.once("exit", resolve));
			child.kill("SIGTERM");
			await exited;
		}
		await rm(directory, { recursive: true, force: true });
	};

	let port: number;
	try {
		port = await s3rverPort(child);
	} catch (error) {
		await stopS3rver();
		throw error;
	}
	const faults = await startFaultProxyControl(`http://127.0.0.1:${port}`);

	project.provide("s3Server", { endpoint: `http://127.0.0.1:${port}`, bucket: BUCKET, ...CREDENTIALS });
	project.provide("faultProxyControl", faults.url);

	return async () => {
		await faults.close();
		await stopS3rver();
	};
}

/** Waits for the child's first stdout line, `{"port": …}`. */
function s3rverPort(child: ChildProcess): Promise<number> {
	return new Promise((resolve, reject) => {
		let stdout = "";
		let stderr = "";
		const timer = setTimeout(() => reject(new Error(`s3rver did not start within 15 s: ${stderr}`)), 15_000);
		child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
		child.stdout?.on("data", (chunk: Buffer) => {
			stdout += chunk.toString("utf8");
			const line = stdout.split("\n")[0];
			if (stdout.includes("\n") && line) {
				clearTimeout(timer);
				try {
					resolve((JSON.parse(line) as { port: number }).port);
				} catch {
					reject(new Error(`s3rver printed "${line}" instead of its port`));
				}
			}
		});
		child.once("exit", (code) => {
			clearTimeout(timer);
			reject(new Error(`s3rver exited with code ${code} before listening: ${stderr}`));
		});
	});
}
