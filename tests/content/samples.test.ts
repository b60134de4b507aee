import { describe, expect, it } from "vitest";
import checkpointTuning from "../../content/001_checkpoint-tuning.txt?raw";
import vacuumVisibility from "../../content/002_vacuum-visibility.txt?raw";
import escapingInFeeds from "../../content/2026/escaping-in-feeds.md?raw";
import failoverDrill from "../../content/2026/failover-drill-notes.markdown?raw";
import onlineMigrations from "../../content/2026/online-schema-migrations.md?raw";
import replicaLagBudget from "../../content/2026/replica-lag-budget.md?raw";
import topologyWalkthrough from "../../content/2026/replication-topology-walkthrough.md?raw";
import shardingRetrospective from "../../content/2030/sharding-retrospective.md?raw";
import type { Post } from "../../src/content";
import { parseOk } from "./builders";

const samples = {
	"001_checkpoint-tuning.txt": checkpointTuning,
	"002_vacuum-visibility.txt": vacuumVisibility,
	"2026/escaping-in-feeds.md": escapingInFeeds,
	"2026/failover-drill-notes.markdown": failoverDrill,
	"2026/online-schema-migrations.md": onlineMigrations,
	"2026/replica-lag-budget.md": replicaLagBudget,
	"2026/replication-topology-walkthrough.md": topologyWalkthrough,
	"2030/sharding-retrospective.md": shardingRetrospective,
};

function sample(key: keyof typeof samples): Post {
	return parseOk(samples[key], { key, settings: { timeZone: "Europe/Paris", defaultAuthor: { name: "Pressroom Editors" } } });
}

describe("the sample posts in content/", () => {
	it.each(Object.keys(samples) as (keyof typeof samples)[])("parses %s", (key) => {
		const post = sample(key);
		expect(post.title).not.toBe("");
		expect(post.contentHtml).not.toBe("");
		expect(post.summary.length).toBeGreaterThan(20);
		expect(post.id).toMatch(/^tag:journal\.example,2026:/);
	});

	it("reads a fence-less post with a numeric id and a zone-less date", () => {
		const post = sample("001_checkpoint-tuning.txt");
		expect(post).toMatchObject({
			id: "tag:journal.example,2026:post/1001",
			slug: "checkpoint-tuning",
			published: "2026-01-12T07:30:00.000Z",
			authors: [{ name: "Pressroom Editors" }],
			tags: ["checkpoints", "storage", "postgres"],
		});
	});

	it("reads capitalised fence-less keys and comma-separated tags", () => {
		expect(sample("002_vacuum-visibility.txt")).toMatchObject({
			slug: "002-vacuum-visibility",
			published: "2026-02-20T23:00:00.000Z",
			authors: [{ name: "Priya Raman" }],
			tags: ["vacuum", "mvcc", "postgres"],
			categories: ["Internals"],
		});
	});

	it("credits several authors", () => {
		expect(sample("2026/failover-drill-notes.markdown").authors).toEqual([
			{ name: "Ines Okafor", email: "ines@pressroom.example" },
			{ name: "Tomas Brandt", url: "https://tomas.pressroom.example/" },
			{ name: "Priya Raman" },
		]);
	});

	it("marks the draft and keeps the future date", () => {
		expect(sample("2026/online-schema-migrations.md").draft).toBe(true);
		expect(sample("2030/sharding-retrospective.md").published).toBe("2030-05-01T13:00:00.000Z");
	});

	it("keeps <, & and ]]> in a title", () => {
		expect(sample("2026/escaping-in-feeds.md").title).toBe("Escaping <, & and ]]> in XML exports");
	});

	it("makes relative links and images absolute", () => {
		const post = sample("2026/replication-topology-walkthrough.md");
		expect(post.image).toBe("https://journal.example/media/2026/topology-overview.png");
		expect(post.contentHtml).toContain('src="https://journal.example/media/2026/topology-overview.png"');
		expect(post.contentHtml).toContain('href="https://journal.example/posts/replica-lag-budget"');
		expect(post.contentHtml).toContain('href="https://journal.example/media/2026/lag-measurements.csv"');
		expect(post.contentHtml).toContain('href="https://journal.example/posts/replication-topology-walkthrough#what-changes-during-failover"');
	});

	it("renders a * + tab bullet list and uses the lastmod", () => {
		const post = sample("2026/replica-lag-budget.md");
		expect(post.contentHtml.match(/<li>/g)).toHaveLength(3);
		expect(post).toMatchObject({ published: "2026-02-03T08:15:00.000Z", updated: "2026-02-09T23:00:00.000Z" });
	});
});
