/**
 * Free text as people type or paste it. Control characters (a NUL, a stray escape, C1 codes),
 * halves of a character (lone surrogates, left when a paste or a JSON body cuts an emoji in two)
 * and the invisible marks that reorder text (bidirectional overrides) carry no meaning in a name,
 * a title or a comment, break databases (PostgreSQL refuses a NUL), CSV readers and db:copy, and
 * can disguise what is shown. They are dropped rather than refused: text pasted from a document
 * or an email carries them unseen, and nobody can find and delete a character they cannot see.
 * What is left is then checked (so a title of only NUL is "Give the round a title").
 *
 * Every free-text field is declared with `lineText` or `paragraphsText`, never a bare
 * `z.string()`, so no path that stores text can skip the cleaning.
 */
import { z } from 'zod';

/** C0 and C1 controls and DEL, except tab, line feed and carriage return; bidi embeddings, overrides and isolates; lone surrogates. */
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** One line: a name, a title, a code. Tabs and line breaks (U+2028/9 too) become spaces; the ends are trimmed. */
export function cleanLine(text: string): string {
	return text.replace(INVISIBLE, '').replace(/[\t\n\r\u2028\u2029]+/g, ' ').trim();
}

/** Several lines: a comment, a note. Line breaks are kept (as \n, U+2028/9 too); tabs become spaces; the ends are trimmed. */
export function cleanParagraphs(text: string): string {
	return text
		.replace(INVISIBLE, '')
		.replace(/\r\n?|[\u2028\u2029]/g, '\n')
		.replace(/\t/g, ' ')
		.trim();
}

export interface TextRules {
	/** The most characters (code points, so an emoji counts once) kept after cleaning. */
	max: number;
	tooLong: string;
	/** Given: the field must hold something after cleaning, and this says so. Left out: it may be empty (''). */
	required?: string;
}

function text(clean: (text: string) => string, { max, tooLong, required }: TextRules) {
	const length = (s: string) => [...s].length;
	return z
		.string(required ?? 'Enter text here')
		.transform(clean)
		.refine((s) => !required || s.length > 0, { error: required, abort: true })
		.refine((s) => length(s) <= max, { error: tooLong })
		// What a JSON Schema of a file can say of the rules above (docs/instrument.schema.json).
		.meta(required ? { minLength: 1, maxLength: max } : { maxLength: max });
}

/** A one-line free-text field (cleanLine, then checked). */
export const lineText = (rules: TextRules) => text(cleanLine, rules);

/** A free-text field of several lines (cleanParagraphs, then checked). */
export const paragraphsText = (rules: TextRules) => text(cleanParagraphs, rules);
