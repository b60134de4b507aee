// Child of `npm run bench -- --backend s3`: s3rver on 127.0.0.1, started like tests/support/s3-server.global.ts.
// It must run under `node --openssl-legacy-provider`: s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens
// with DES, which OpenSSL 3 only has in its legacy provider (without it every second page of a listing is a 500).
// Prints {"port": n} once listening; exits when its stdin closes, so it cannot outlive the benchmark.
const S3rver = require("s3rver");

const options = JSON.parse(process.argv[2]);
const server = new S3rver(options);
server.run().then(
	(address) => process.stdout.write(`${JSON.stringify({ port: address.port })}\n`),
	(error) => {
		console.error(String(error));
		process.exit(1);
	},
);
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
