/**
 * HTML character references (html.spec.whatwg.org/multipage/parsing.html#character-reference-state), decoded
 * without the standard's table of 2,231 names (entities' is 17 KiB gzip, a seventh of the Worker): the names of
 * HTML 4.01 (the ones in use outside mathematics), HTML5's names for ASCII punctuation (`&colon;`, `&lpar;`: the
 * ones that hide `javascript:` from naive filters), and every numeric reference. The sanitizer hands other names
 * to the browser untouched; in plain text and attribute values they stay as written (docs/design.md, "Sanitizing").
 */

/** name:hex code point: Python's html.entities (HTML 4.01's names, HTML5's ASCII ones, COPY and REG), as html5 maps them. */
const NAMES =
	"AElig:c6,AMP:26,Aacute:c1,Acirc:c2,Agrave:c0,Alpha:391,Aring:c5,Atilde:c3,Auml:c4,Beta:392,COPY:a9,Ccedil:c7,Chi:3a7,Dagger:2021,Delta:394,DiacriticalGrave:60,ETH:d0,Eacute:c9,Ecirc:ca,Egrave:c8,Epsilon:395,Eta:397,Euml:cb,GT:3e,Gamma:393,Hat:5e,Iacute:cd,Icirc:ce,Igrave:cc,Iota:399,Iuml:cf,Kappa:39a,LT:3c,Lambda:39b,Mu:39c,NewLine:a,Ntilde:d1,Nu:39d,OElig:152,Oacute:d3,Ocirc:d4,Ograve:d2,Omega:3a9,Omicron:39f,Oslash:d8,Otilde:d5,Ouml:d6,Phi:3a6,Pi:3a0,Prime:2033,Psi:3a8,QUOT:22,REG:ae,Rho:3a1,Scaron:160,Sigma:3a3,THORN:de,Tab:9,Tau:3a4,Theta:398,Uacute:da,Ucirc:db,Ugrave:d9,UnderBar:5f,Upsilon:3a5,Uuml:dc,VerticalLine:7c,Xi:39e,Yacute:dd,Yuml:178,Zeta:396,aacute:e1,acirc:e2,acute:b4,aelig:e6,agrave:e0,alefsym:2135,alpha:3b1,amp:26,and:2227,ang:2220,apos:27,aring:e5,ast:2a,asymp:2248,atilde:e3,auml:e4,bdquo:201e,beta:3b2,brvbar:a6,bsol:5c,bull:2022,cap:2229,ccedil:e7,cedil:b8,cent:a2,chi:3c7,circ:2c6,clubs:2663,colon:3a,comma:2c,commat:40,cong:2245,copy:a9,crarr:21b5,cup:222a,curren:a4,dArr:21d3,dagger:2020,darr:2193,deg:b0,delta:3b4,diams:2666,divide:f7,dollar:24,eacute:e9,ecirc:ea,egrave:e8,empty:2205,emsp:2003,ensp:2002,epsilon:3b5,equals:3d,equiv:2261,eta:3b7,eth:f0,euml:eb,euro:20ac,excl:21,exist:2203,fnof:192,forall:2200,frac12:bd,frac14:bc,frac34:be,frasl:2044,gamma:3b3,ge:2265,grave:60,gt:3e,hArr:21d4,harr:2194,hearts:2665,hellip:2026,iacute:ed,icirc:ee,iexcl:a1,igrave:ec,image:2111,infin:221e,int:222b,iota:3b9,iquest:bf,isin:2208,iuml:ef,kappa:3ba,lArr:21d0,lambda:3bb,lang:27e8,laquo:ab,larr:2190,lbrace:7b,lbrack:5b,lceil:2308,lcub:7b,ldquo:201c,le:2264,lfloor:230a,lowast:2217,lowbar:5f,loz:25ca,lpar:28,lrm:200e,lsaquo:2039,lsqb:5b,lsquo:2018,lt:3c,macr:af,mdash:2014,micro:b5,midast:2a,middot:b7,minus:2212,mu:3bc,nabla:2207,nbsp:a0,ndash:2013,ne:2260,ni:220b,not:ac,notin:2209,nsub:2284,ntilde:f1,nu:3bd,num:23,oacute:f3,ocirc:f4,oelig:153,ograve:f2,oline:203e,omega:3c9,omicron:3bf,oplus:2295,or:2228,ordf:aa,ordm:ba,oslash:f8,otilde:f5,otimes:2297,ouml:f6,para:b6,part:2202,percnt:25,period:2e,permil:2030,perp:22a5,phi:3c6,pi:3c0,piv:3d6,plus:2b,plusmn:b1,pound:a3,prime:2032,prod:220f,prop:221d,psi:3c8,quest:3f,quot:22,rArr:21d2,radic:221a,rang:27e9,raquo:bb,rarr:2192,rbrace:7d,rbrack:5d,rceil:2309,rcub:7d,rdquo:201d,real:211c,reg:ae,rfloor:230b,rho:3c1,rlm:200f,rpar:29,rsaquo:203a,rsqb:5d,rsquo:2019,sbquo:201a,scaron:161,sdot:22c5,sect:a7,semi:3b,shy:ad,sigma:3c3,sigmaf:3c2,sim:223c,sol:2f,spades:2660,sub:2282,sube:2286,sum:2211,sup:2283,sup1:b9,sup2:b2,sup3:b3,supe:2287,szlig:df,tau:3c4,there4:2234,theta:3b8,thetasym:3d1,thinsp:2009,thorn:fe,tilde:2dc,times:d7,trade:2122,uArr:21d1,uacute:fa,uarr:2191,ucirc:fb,ugrave:f9,uml:a8,upsih:3d2,upsilon:3c5,uuml:fc,verbar:7c,vert:7c,weierp:2118,xi:3be,yacute:fd,yen:a5,yuml:ff,zeta:3b6,zwj:200d,zwnj:200c";

/** The names the standard also reads without their semicolon, as in "&copy 2026". */
const LEGACY = new Set("AElig AMP Aacute Acirc Agrave Aring Atilde Auml COPY Ccedil ETH Eacute Ecirc Egrave Euml GT Iacute Icirc Igrave Iuml LT Ntilde Oacute Ocirc Ograve Oslash Otilde Ouml QUOT REG THORN Uacute Ucirc Ugrave Uuml Yacute aacute acirc acute aelig agrave amp aring atilde auml brvbar ccedil cedil cent copy curren deg divide eacute ecirc egrave eth euml frac12 frac14 frac34 gt iacute icirc iexcl igrave iquest iuml laquo lt macr micro middot nbsp not ntilde oacute ocirc ograve ordf ordm oslash otilde ouml para plusmn pound quot raquo reg sect shy sup1 sup2 sup3 szlig thorn times uacute ucirc ugrave uml uuml yacute yen yuml".split(" "));
const LONGEST_LEGACY = 6;

/** A numeric reference to 0x80–0x9F means the Windows-1252 character (the standard's table; 0: kept as is). */
const C1 = [
	0x20ac, 0, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0, 0x17d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0, 0x17e, 0x178,
];

/** `&#…;`, `&#x…;` and `&name;`, each semicolon optional. */
const REFERENCE = /&(?:#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?|([A-Za-z][A-Za-z0-9]*)(;?))/g;

/** Where a reference is read: in an attribute value, a legacy name followed by "=" or an alphanumeric is literal text. */
export type ReferenceContext = "text" | "attribute";

/** Built on first use: a bounded, read-only table, for parsing posts rather than for every request. */
let byName: Map<string, string> | undefined;

function named(name: string): string | undefined {
	byName ??= new Map(
		NAMES.split(",").map((entry) => {
			const [key, hex] = entry.split(":") as [string, string];
			return [key, String.fromCodePoint(Number.parseInt(hex, 16))];
		}),
	);
	return byName.get(name);
}

function numeric(digits: string, hex: boolean): string {
	const significant = digits.replace(/^0+/, "");
	const value = significant.length > 8 ? Number.POSITIVE_INFINITY : Number.parseInt(significant || "0", hex ? 16 : 10);
	if (value === 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return "\ufffd";
	return String.fromCodePoint(value >= 0x80 && value <= 0x9f ? C1[value - 0x80] || value : value);
}

/**
 * A name without its semicolon: in text, the longest legacy name it starts with and then
 * the rest as written ("&copy2026" is "©2026", "&notit" is "¬it"); in an attribute, only a whole legacy name that
 * is not followed by "=" or an alphanumeric (so a URL's "?a=1&copy=2" keeps its parameter).
 */
function legacy(letters: string, next: string, context: ReferenceContext): string | undefined {
	if (context === "attribute") return LEGACY.has(letters) && !/[=A-Za-z0-9]/.test(next) ? named(letters) : undefined;
	for (let length = Math.min(letters.length, LONGEST_LEGACY); length >= 2; length--) {
		const prefix = letters.slice(0, length);
		if (LEGACY.has(prefix)) return named(prefix)! + letters.slice(length);
	}
	return undefined;
}

/** One reference as the table reads it, or undefined when it does not know the name. */
function decodeOne(match: RegExpMatchArray, next: string, context: ReferenceContext): string | undefined {
	const [, hex, decimal, name, semicolon] = match;
	if (name === undefined) return numeric((hex ?? decimal)!, hex !== undefined);
	// With its semicolon only the exact name counts: the full table may hold it ("&notinva;"), so no shorter guess.
	if (semicolon === ";") return named(name);
	return legacy(name, next, context);
}

/**
 * Walks the references of `raw`: the text between them goes through `between`, each reference through `reference`
 * with what the table reads it as (undefined for a name it does not know).
 */
function mapReferences(
	raw: string,
	context: ReferenceContext,
	between: (text: string) => string,
	reference: (decoded: string | undefined, match: RegExpMatchArray) => string,
): string {
	let out = "";
	let last = 0;
	for (const match of raw.matchAll(REFERENCE)) {
		out += between(raw.slice(last, match.index));
		last = match.index + match[0].length;
		out += reference(decodeOne(match, raw.charAt(last), context), match);
	}
	return out + between(raw.slice(last));
}

const asWritten = (text: string) => text;

/** The text or attribute value that HTML as written means, with unknown names left as written. */
export function decodeReferences(raw: string, context: ReferenceContext): string {
	if (!raw.includes("&")) return raw;
	return mapReferences(raw, context, asWritten, (decoded, match) => decoded ?? match[0]);
}

/**
 * Text as written in HTML, escaped for HTML: known references decoded and escaped, an unknown `&name;` passed
 * through for the browser to read (a reference never makes markup), and every other "&", "<" and ">" escaped.
 */
export function escapeTextKeepingReferences(raw: string): string {
	if (!raw.includes("&")) return escapeText(raw);
	return mapReferences(raw, "text", escapeText, (decoded, match) => (decoded === undefined && match[4] === ";" ? match[0] : escapeText(decoded ?? match[0])));
}

function escapeText(text: string): string {
	return text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}
