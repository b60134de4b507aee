/** Command-line flags of `npm run bench` and its --help text. */
import { parseArgs } from "node:util";

export const HELP = `npm run bench -- [options]

Benchmarks Pressroom locally: the Worker runs in Miniflare directly (wrangler's bundle of src/index.ts and the
bindings from wrangler.toml, state in a fresh temporary directory), never through \`wrangler dev\`.
All traffic stays on 127.0.0.1. Figures are printed as tables and written to .bench/results-<mode>.json.

Modes
  (default)             R2 backend: seed N posts into local R2, time the first sync, edit one post and time the
                        incremental sync, then time GET /rss.xml, /atom.xml, /feed.json (200 and 304) and the pure
                        renderers in-process.
  --backend s3          Same syncs against a local s3rver behind a counting proxy: S3 requests by kind per sync.
  --serve               serving: N posts published, then wrk (concurrency 32) on /atom.xml, /rss.xml, /feed.json
                        and the busiest tag feed, each as 200 and 304, against a baseline Worker answering
                        the same bytes from a prebuilt string, route by route in the same run (needs wrk);
                        also D1 rows read per request and documents rendered per sync
  --websub N            N WebSub subscribers of /atom.xml on a local subscriber, verified through the queue; one new
                        post, a sync, and the time until every subscriber has the new document (signatures checked)
  --fanout N            N webhook subscriptions to a local receiver; baseline sync, one new post, sync, and wait
                        until every subscription got its delivery. Also measures the receiver's own capacity.
  --plan free|paid      the sync as a budgeted job under PLAN: cron invocations back to back until the first catalog
                        is complete (invocations, most subrequests and parse-ms of any invocation against the
                        plan's 50 / 10 ms), then the cost of one change through an R2 notification, and of a
                        reconciliation that finds nothing (scripts/bench/plan-mode.mjs)
  --document-bodies d1|r2  DOCUMENT_BODIES for the Worker of the sync and plan modes (default: the plan's, d1 on
                        Paid, r2 on Free): the D1 storage table then shows what each choice leaves in D1
  --max-minutes N       with --plan: stop the import after N minutes of invocations; the report says it is not
                        complete and projects the invocations left from the posts read per invocation so far
  --samples N           incrementals (one edit by notification, one by the cron's sync) timed N times each, on
                        N different posts; the median is reported (default 5)
  --notify              time from an object put + its R2 notification sent to the queue until the receiver has a
                        verified webhook, p50/p99 over --notify-posts posts (default 50) (scripts/bench/notify-mode.mjs)
  --compare-hugo        the default R2 run, and Hugo (if installed) building the same posts written fenced for Hugo:
                        first sync ÷ Hugo's full build and incremental sync ÷ Hugo's build (scripts/bench/hugo-mode.mjs)
  --stages              parse cost per post, stage by stage (front matter, fields, ids, Markdown, sanitize, summary),
                        in-process in Node; no Worker. With sanitize-html installed, the previous sanitizer too.

Options
  --serve-seconds S     wrk duration per route and variant (default 4)
  --posts N             posts in the bucket (default 10000; 100 with --fanout)
  --backend r2|s3       object store for the sync modes (default r2)
  --fanout N            run the fan-out mode with N subscriptions (e.g. 1000)
  --feed-requests N     sequential requests per feed and variant (default 200; 0 skips the feed timing)
  --rounds N            timed rounds over the posts in --stages (default 3; one more warms up)
  --render-iterations N in-process renders per format (default 1000; 0 skips the in-process timing)
  --seed-concurrency N  parallel puts while seeding the bucket (default 32)
  --receiver-requests N POSTs for the receiver capacity test (default 5000)
  --receiver-concurrency N  connections for that test (default 32)
  --timeout S           give up on a sync request, or on waiting for deliveries, after S seconds (default 600)
  --seed N              seed of the post generator (default 1)
  --tmp-dir DIR         where the temporary directory is made (default: the OS temp dir). The simulators
                        persist to it with fsync; a tmpfs such as /dev/shm takes the disk out of the figures
  --profile             with the default R2 run or --compare-hugo: V8 CPU profiles of the Worker and of the local D1
                        and R2 simulators during the first sync, written to .bench/profiles/*.cpuprofile and summed
                        by where the self time went (scripts/bench/cpu-profile.mjs)
  --keep                keep the temporary directory (state, bundle, s3rver files) and print its path
  --verbose             show the Worker's and Miniflare's logs
  -h, --help            this text

Examples
  npm run bench -- --posts 500           quick check of the R2 mode
  npm run bench -- --posts 10000         full R2 run
  npm run bench -- --backend s3          10,000 posts through s3rver
  npm run bench -- --fanout 1000         webhook fan-out to 1,000 subscriptions
  npm run bench -- --websub 1000         WebSub distribution of one change to 1,000 subscribers
  npm run bench -- --serve               serving 10,000 posts' documents against the static baseline
  npm run bench -- --stages --posts 2000 what each stage of parsing a post costs
`;

export class UsageError extends Error {
	name = "UsageError";
}

export function readOptions(argv) {
	let values;
	try {
		({ values } = parseArgs({
			args: argv,
			strict: true,
			allowPositionals: false,
			options: {
				posts: { type: "string" },
				backend: { type: "string", default: "r2" },
				fanout: { type: "string" },
				serve: { type: "boolean", default: false },
				websub: { type: "string" },
				"serve-seconds": { type: "string", default: "4" },
				stages: { type: "boolean", default: false },
				plan: { type: "string" },
				"document-bodies": { type: "string" },
				notify: { type: "boolean", default: false },
				"notify-posts": { type: "string", default: "50" },
				"compare-hugo": { type: "boolean", default: false },
				"max-invocations": { type: "string", default: "100000" },
				"max-minutes": { type: "string" },
				rounds: { type: "string", default: "3" },
				samples: { type: "string", default: "5" },
				"feed-requests": { type: "string", default: "200" },
				"render-iterations": { type: "string", default: "1000" },
				"seed-concurrency": { type: "string", default: "32" },
				"receiver-requests": { type: "string", default: "5000" },
				"receiver-concurrency": { type: "string", default: "32" },
				timeout: { type: "string", default: "600" },
				seed: { type: "string", default: "1" },
				"tmp-dir": { type: "string" },
				keep: { type: "boolean", default: false },
				profile: { type: "boolean", default: false },
				verbose: { type: "boolean", default: false },
				help: { type: "boolean", short: "h", default: false },
			},
		}));
	} catch (error) {
		throw new UsageError(error.message);
	}
	if (values.help) return { help: true };
	const whole = (name, value, min, max) => {
		const number = Number(value);
		if (!/^\d+$/.test(String(value)) || number < min || number > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
		return number;
	};
	const backend = values.backend.toLowerCase();
	if (!["r2", "s3"].includes(backend)) throw new UsageError(`--backend must be r2 or s3, got "${values.backend}"`);
	const fanout = values.fanout === undefined ? undefined : whole("fanout", values.fanout, 1, 100_000);
	if (fanout !== undefined && values.backend !== "r2") throw new UsageError("--fanout runs on the R2 backend; leave out --backend");
	if (values.serve && (fanout !== undefined || backend !== "r2")) throw new UsageError("--serve runs alone on the R2 backend");
	if (values.stages && (fanout !== undefined || backend !== "r2")) throw new UsageError("--stages runs on its own; leave out --fanout and --backend");
	const websub = values.websub === undefined ? undefined : whole("websub", values.websub, 1, 100_000);
	if (values.plan !== undefined && !["free", "paid"].includes(values.plan)) throw new UsageError(`--plan must be free or paid, got "${values.plan}"`);
	const documentBodies = values["document-bodies"]?.toLowerCase();
	if (documentBodies !== undefined && !["d1", "r2"].includes(documentBodies)) throw new UsageError(`--document-bodies must be d1 or r2, got "${values["document-bodies"]}"`);
	const mode = values.serve
		? "serve"
		: values.stages
			? "stages"
			: websub !== undefined
				? "websub"
				: fanout !== undefined
					? "fanout"
					: values.plan !== undefined
						? "plan"
						: values.notify
							? "notify"
							: values["compare-hugo"]
								? "hugo"
								: backend;
	if (values.profile && mode !== "r2" && mode !== "hugo") throw new UsageError("--profile runs with the default R2 run or --compare-hugo");
	return {
		help: false,
		mode,
		plan: values.plan,
		documentBodies,
		notifyPosts: whole("notify-posts", values["notify-posts"], 1, 10_000),
		maxInvocations: whole("max-invocations", values["max-invocations"], 1, 10_000_000),
		maxMinutes: values["max-minutes"] === undefined ? undefined : whole("max-minutes", values["max-minutes"], 1, 24 * 60),
		backend,
		fanout,
		websub,
		rounds: whole("rounds", values.rounds, 1, 1000),
		samples: whole("samples", values.samples, 1, 100),
		posts: values.posts === undefined ? (mode === "fanout" || mode === "websub" || mode === "notify" ? 100 : mode === "stages" ? 2_000 : 10_000) : whole("posts", values.posts, 1, 1_000_000),
		serveSeconds: whole("serve-seconds", values["serve-seconds"], 1, 600),
		feedRequests: whole("feed-requests", values["feed-requests"], 0, 1_000_000),
		renderIterations: whole("render-iterations", values["render-iterations"], 0, 1_000_000),
		seedConcurrency: whole("seed-concurrency", values["seed-concurrency"], 1, 1024),
		receiverRequests: whole("receiver-requests", values["receiver-requests"], 0, 10_000_000),
		receiverConcurrency: whole("receiver-concurrency", values["receiver-concurrency"], 1, 1024),
		timeoutMs: whole("timeout", values.timeout, 1, 24 * 3600) * 1000,
		seed: whole("seed", values.seed, 0, 2 ** 31),
		tmpDir: values["tmp-dir"],
		keep: values.keep,
		profile: values.profile,
		verbose: values.verbose,
	};
}
