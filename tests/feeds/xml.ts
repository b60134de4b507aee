import sax from "sax";

export const ATOM = "http://www.w3.org/2005/Atom";
export const CONTENT = "http://purl.org/rss/1.0/modules/content/";
export const DC = "http://purl.org/dc/elements/1.1/";

/** An element read back from a rendered document, with namespaces resolved. */
export interface XmlNode {
	uri: string;
	local: string;
	/** By qualified name as written, e.g. "rel" or "xml:lang". */
	attributes: Record<string, string>;
	children: XmlNode[];
	/** The element's own character data (text and CDATA), without its children's. */
	text: string;
	/** One-based lines of the document on which the element starts and ends. */
	line: number;
	endLine: number;
}

/** Parses a rendered document strictly, after the lexical checks sax leaves out; throws when it is not well-formed. */
export function parseXml(xml: string): XmlNode {
	assertXmlLexicallyValid(xml);
	const parser = sax.parser(true, { xmlns: true, strictEntities: true });
	const stack: XmlNode[] = [];
	let root: XmlNode | undefined;
	let failure: Error | undefined;
	parser.onerror = (error) => {
		failure ??= error;
	};
	parser.onopentag = (tag) => {
		const attributes: Record<string, string> = {};
		for (const attribute of Object.values(tag.attributes)) attributes[attribute.name] = attribute.value;
		const node: XmlNode = { uri: tag.uri, local: tag.local, attributes, children: [], text: "", line: parser.line + 1, endLine: parser.line + 1 };
		const parent = stack.at(-1);
		if (parent) parent.children.push(node);
		else if (root) failure ??= new Error("more than one root element");
		else root = node;
		stack.push(node);
	};
	parser.onclosetag = () => {
		const closed = stack.pop();
		if (closed) closed.endLine = parser.line + 1;
	};
	const addText = (text: string) => {
		const current = stack.at(-1);
		if (current) current.text += text;
		else if (text.trim() !== "") failure ??= new Error("text outside the root element");
	};
	parser.ontext = addText;
	parser.oncdata = addText;
	parser.write(xml).close();
	if (failure) throw failure;
	if (!root) throw new Error("no root element");
	return root;
}

/** Children of `node` with the given namespace and local name. */
export function childrenNamed(node: XmlNode, uri: string, local: string): XmlNode[] {
	return node.children.filter((child) => child.uri === uri && child.local === local);
}

/** The one child with the given name; fails when there is none or more than one. */
export function childNamed(node: XmlNode, uri: string, local: string): XmlNode {
	const found = childrenNamed(node, uri, local);
	if (found.length !== 1) throw new Error(`expected one ${local} in ${node.local}, found ${found.length}`);
	return found[0] as XmlNode;
}

const CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const REFERENCE = /^&(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;
const TOKEN =
	/<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\/?[A-Za-z_][\w.:-]*(?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*\s*\/?>|[^<]+/y;
const ATTRIBUTE_VALUE = /=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * What sax accepts but XML 1.0 forbids (https://www.w3.org/TR/xml/): characters outside Char,
 * `<` inside an attribute value, `]]>` in character data, and `&` that does not start a reference.
 */
export function assertXmlLexicallyValid(xml: string): void {
	if (!CHAR.test(xml)) throw new Error("the document holds a character XML 1.0 forbids");
	TOKEN.lastIndex = 0;
	while (TOKEN.lastIndex < xml.length) {
		const at = TOKEN.lastIndex;
		const token = TOKEN.exec(xml)?.[0];
		if (token === undefined) throw new Error(`markup XML cannot read at offset ${at}: ${JSON.stringify(xml.slice(at, at + 40))}`);
		if (!token.startsWith("<")) {
			if (token.includes("]]>")) throw new Error(`"]]>" in character data at offset ${at}`);
			assertReferences(token, at);
		} else if (!token.startsWith("<!") && !token.startsWith("<?")) {
			for (const match of token.matchAll(ATTRIBUTE_VALUE)) {
				const value = match[1] ?? match[2] ?? "";
				if (value.includes("<")) throw new Error(`"<" in an attribute value at offset ${at}`);
				assertReferences(value, at);
			}
		}
	}
}

function assertReferences(text: string, at: number): void {
	for (let index = text.indexOf("&"); index !== -1; index = text.indexOf("&", index + 1)) {
		const reference = REFERENCE.exec(text.slice(index))?.[0];
		if (reference === undefined) throw new Error(`"&" that starts no reference near offset ${at}`);
		const code = reference.startsWith("&#x") ? Number.parseInt(reference.slice(3), 16) : reference.startsWith("&#") ? Number.parseInt(reference.slice(2), 10) : undefined;
		if (code !== undefined && (code > 0x10ffff || !CHAR.test(String.fromCodePoint(code)))) {
			throw new Error(`${reference} refers to a character XML 1.0 forbids, near offset ${at}`);
		}
	}
}
