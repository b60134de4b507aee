// Vite's `?raw` suffix imports a file's text; used to check the sample posts in content/.
declare module "*?raw" {
	const text: string;
	export default text;
}
