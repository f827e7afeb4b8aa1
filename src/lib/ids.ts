/**
 * A database id as it arrives in a path (`/rounds/12`), a query (`?action=3`) or a form field
 * (`flagId=12`, read back by the page that failed). One strict reading for every id, on the
 * server and in the page: decimal digits only, no sign, spaces, leading zeros, decimal point or
 * exponent, and no more than PostgreSQL's integer holds, so `" 2"`, `"02"`, `"2.0"`, `"+2"`,
 * `"0x2"` and `"1e0"` are not id 2 and `"2147483648"` never reaches the database as an overflow.
 */

/** PostgreSQL's integer (ids are integer identity columns on PostgreSQL, integer keys on SQLite). */
export const MAX_ID = 2_147_483_647;

const ID_TEXT = /^[1-9]\d{0,9}$/;

/** The id the text names, or undefined when it names none. */
export function parseId(text: unknown): number | undefined {
	if (typeof text !== 'string' || !ID_TEXT.test(text)) return undefined;
	const id = Number(text);
	return id <= MAX_ID ? id : undefined;
}
