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
	const lines = ['<?xml version="1.0" encoding="utf-8"?>'];
	if (options.stylesheet !== undefined) lines.push(`<?xml-stylesheet type="text/css" href="${escapeXmlAttribute(options.stylesheet)}"?>`);
	writeElement(root, 0, lines);
	return `${lines.join("\n")}\n`;
}

function writeElement(node: XmlElement, depth: number, lines: string[]): void {
	const indent = "  ".repeat(depth);
	const open = `${node.name}${writeAttributes(node.attributes)}`;
	if (typeof node.content === "string") {
		const text = node.plainText ? escapePlainText(node.content) : escapeXmlText(node.content);
		lines.push(`${indent}<${open}>${text}</${node.name}>`);
	} else if (node.content.length === 0) {
		lines.push(`${indent}<${open}/>`);
	} else {
		lines.push(`${indent}<${open}>`);
		for (const child of node.content) writeElement(child, depth + 1, lines);
		lines.push(`${indent}</${node.name}>`);
	}
}

function writeAttributes(attributes: Record<string, string | undefined>): string {
	let written = "";
	for (const [name, value] of Object.entries(attributes)) {
		if (value !== undefined) written += ` ${name}="${escapeXmlAttribute(value)}"`;
	}
	return written;
}
