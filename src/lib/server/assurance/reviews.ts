/**
 * When each assurance document was last prepared or reviewed against the code. A change to what
 * a page says about the product moves its date here; the pages show these dates.
 */
export const REVIEWED_ON = {
	accessibilityStatement: '2026-12-06',
	privacyNotice: '2026-12-06',
	dpia: '2026-12-06',
	dtac: '2026-12-06',
	security: '2026-12-06'
} as const;
