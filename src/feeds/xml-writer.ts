import { escapePlainText, escapeXmlAttribute, escapeXmlText } from "./xml-text";

/** One element of a feed document. Names are trusted constants; every text and attribute value is escaped when written. */
export interface XmlElement {
	name: string;
	/** Written in insertion order; undefined values are left out. */
	attributes: Record<string, string | undefined>;
	/** Character data, or child elements (none makes an empty element). */
	content: string | XmlElement[];
	/** The character data is plain text meant for people, written with escapePlainText. */
	plainText?: boolean;
}

/** Builds an element; undefined children are left out so optional parts read inline. */
export function element(
	name: string,
	attributes: Record<string, string | undefined> = {},
	content: string | readonly (XmlElement | undefined)[] = [],
): XmlElement {
	const children = typeof content === "string" ? content : content.filter((child) => child !== undefined);
	return { name, attributes, content: children };
}

/** An element holding only text, e.g. `<title>…</title>`. */
export function textElement(name: string, text: string, attributes: Record<string, string | undefined> = {}): XmlElement {
	return element(name, attributes, text);
}

/** An element holding text that readers show as written (a title, a category), escaped as escapePlainText says. */
export function plainTextElement(name: string, text: string, attributes: Record<string, string | undefined> = {}): XmlElement {
	return { ...element(name, attributes, text), plainText: true };
}

/**
 * A UTF-8 XML document, indented by two spaces, ending in a newline; with `stylesheet`, an
 * `<?xml-stylesheet?>` instruction (https://www.w3.org/TR/xml-stylesheet/) naming CSS, which readers ignore.
 */
export function writeXmlDocument(root: XmlElement, options: { stylesheet?: string } = {}): string {
	let document = '<?xml version="1.0" encoding="utf-8"?>\n';
	if (options.stylesheet !== undefined) document += `<?xml-stylesheet type="text/css" href="${escapeXmlAttribute(options.stylesheet)}"?>\n`;
	return writeElement(root, "", document);
}

/** Appends `node` to `document`, a line per element: one growing string, never an array of lines joined at the end. */
function writeElement(node: XmlElement, indent: string, document: string): string {
	const open = `${node.name}${writeAttributes(node.attributes)}`;
	if (typeof node.content === "string") {
		const text = node.plainText ? escapePlainText(node.content) : escapeXmlText(node.content);
		return `${document}${indent}<${open}>${text}</${node.name}>\n`;
	}
	if (node.content.length === 0) return `${document}${indent}<${open}/>\n`;
	let written = `${document}${indent}<${open}>\n`;
	for (const child of node.content) written = writeElement(child, `${indent}  `, written);
	return `${written}${indent}</${node.name}>\n`;
}

function writeAttributes(attributes: Record<string, string | undefined>): string {
	let written = "";
	for (const [name, value] of Object.entries(attributes)) {
		if (value !== undefined) written += ` ${name}="${escapeXmlAttribute(value)}"`;
	}
	return written;
}
