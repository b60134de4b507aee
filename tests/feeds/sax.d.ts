// The parts of sax 1.6 (a dependency of feed's xml-js) that the feed tests use; it ships no types.
declare module "sax" {
	interface QualifiedAttribute {
		name: string;
		value: string;
		prefix: string;
		local: string;
		uri: string;
	}
	interface QualifiedTag {
		name: string;
		prefix: string;
		local: string;
		uri: string;
		attributes: Record<string, QualifiedAttribute>;
		isSelfClosing: boolean;
	}
	interface SAXParser {
		/** Zero-based line of the parser's position. */
		line: number;
		onerror: (error: Error) => void;
		onopentag: (tag: QualifiedTag) => void;
		onclosetag: (name: string) => void;
		ontext: (text: string) => void;
		oncdata: (text: string) => void;
		write(chunk: string): SAXParser;
		close(): SAXParser;
	}
	function parser(strict: boolean, options: { xmlns?: boolean; strictEntities?: boolean; position?: boolean }): SAXParser;
	const sax: { parser: typeof parser };
	export default sax;
}
