import { request } from "./http";

/** Titles a JSON Feed reader collects from `start` along next_url (JSON Feed 1.1 paging), page by page. */
export async function walkJsonFeed(start = "/feed.json"): Promise<string[]> {
	const titles: string[] = [];
	let next: string | undefined = start;
	for (let pages = 0; next !== undefined; pages += 1) {
		if (pages > 1_000) throw new Error(`next_url never ends after ${start}`);
		const feed = (await (await request(next)).json()) as { items: { title: string }[]; next_url?: string };
		titles.push(...feed.items.map((item) => item.title));
		next = feed.next_url === undefined ? undefined : new URL(feed.next_url).pathname;
	}
	return titles;
}
