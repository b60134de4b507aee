/**
 * The serving bench's yardstick: a Worker that answers each route with bytes and headers captured from
 * Pressroom, held in a prebuilt string, with the same If-None-Match check. It is "a static file" at the
 * speed workerd can serve one; Pressroom's serving path is measured against it in the same run.
 */
export function baselineWorkerSource(routes) {
	return `const ROUTES = new Map(${JSON.stringify(routes.map((route) => [route.path, { body: route.body, headers: route.headers }]))});
export default {
	fetch(request) {
		const route = ROUTES.get(new URL(request.url).pathname);
		if (!route) return new Response("not found", { status: 404 });
		const headers = new Headers(route.headers);
		if (request.headers.get("if-none-match") === route.headers.etag) return new Response(null, { status: 304, headers });
		return new Response(route.body, { headers });
	},
};
`;
}
