/**
 * Rules about the response rate (respondents ÷ the staff headcount the practice manager entered).
 * Kept apart from the scoring modules, which load the instrument schema (and zod), so pages can
 * use them without it.
 */

/** Respondents ÷ the staff headcount the practice manager entered; null without a headcount. */
export function responseRate(respondents: number, staffHeadcount: number | null): number | null {
	return staffHeadcount ? respondents / staffHeadcount : null;
}

/**
 * More answers than the staff headcount: the headcount is out of date, or someone answered more
 * than once. Results carry a warning that offers single-use codes as the remedy.
 */
export function outnumbersStaff(responseRate: number | null): boolean {
	return responseRate !== null && responseRate > 1;
}
