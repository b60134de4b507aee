/** The discovery Link header (WebSub §4, RFC 8288): the hubs, and exactly one self link, the topic URL. */
export function discoveryLinks(hubs: readonly string[], selfUrl: string): string {
	return [...hubs.map((hub) => `<${hub}>; rel="hub"`), `<${selfUrl}>; rel="self"`].join(", ");
}
