/**
 * A database id as it arrives in a path (`/rounds/12`) or a form field (`flagId=12`). One strict
 * reading for every id: decimal digits only, no sign, spaces, leading zeros, decimal point or
 * exponent, and no more than PostgreSQL's integer holds, so `" 2"`, `"02"`, `"2.0"`, `"+2"`,
 * `"0x2"` and `"1e0"` are not id 2 and `"2147483648"` never reaches the database as an overflow.
 * A path with anything else is a 404 (there is no such page); a form field is a 400.
 */
import { z } from 'zod';

/** PostgreSQL's integer (ids are integer identity columns on PostgreSQL, integer keys on SQLite). */
export const MAX_ID = 2_147_483_647;

const ID_TEXT = /^[1-9]\d{0,9}$/;

/** The id the text names, or undefined when it names none. */
export function parseId(text: unknown): number | undefined {
	if (typeof text !== 'string' || !ID_TEXT.test(text)) return undefined;
	const id = Number(text);
	return id <= MAX_ID ? id : undefined;
}

/** A route parameter or query value that names an id; anything else reads as no such page. */
export const idFromParam = (text: string | null | undefined): number | undefined => parseId(text);

/** A form field that names an id; anything else is refused with `message`. */
export const idTextSchema = (message: string) =>
	z.string(message).transform((text, context) => {
		const id = parseId(text);
		if (id === undefined) {
			context.addIssue({ code: 'custom', message });
			return z.NEVER;
		}
		return id;
	});
