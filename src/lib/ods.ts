/** NHS Organisation Data Service codes (DOMAIN.md). */

/** A GP practice: one letter and five digits, e.g. A81001. */
export const PRACTICE_ODS_PATTERN = /^[A-Z]\d{5}$/;
/** A Primary Care Network: U and five digits, e.g. U12345. */
export const PCN_ODS_PATTERN = /^U\d{5}$/;
/** An Integrated Care Board: three letters and digits, e.g. QE1. */
export const ICB_ODS_PATTERN = /^[A-Z0-9]{3}$/;

export function normaliseOdsCode(raw: string): string {
	return raw.trim().toUpperCase();
}
