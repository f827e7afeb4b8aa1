/**
 * Free text as people type or paste it. Control characters (a NUL, a stray escape, C1 codes)
 * and the invisible marks that reorder text (bidirectional overrides) carry no meaning in a
 * name, a title or a comment, break databases and CSV readers, and can disguise what is
 * shown. Every free-text input passes through one of these two before it is checked.
 */

/** C0 and C1 controls and DEL, except tab, line feed and carriage return; bidi embeddings, overrides and isolates. */
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** One line: a name, a title, a code. Tabs and line breaks become spaces; the ends are trimmed. */
export function cleanLine(text: string): string {
	return text.replace(INVISIBLE, '').replace(/[\t\n\r\u2028\u2029]+/g, ' ').trim();
}

/** Several lines: a comment, a note. Line breaks are kept (as \n); tabs become spaces; the ends are trimmed. */
export function cleanParagraphs(text: string): string {
	return text
		.replace(INVISIBLE, '')
		.replace(/\r\n?|[\u2028\u2029]/g, '\n')
		.replace(/\t/g, ' ')
		.trim();
}
