/**
 * The 0–10 scale every score is reported on (docs/scoring.md §3), the one the NHS Staff Survey uses.
 * Apart from the scoring modules, which load the instrument schema (and zod), so charts can
 * draw it without them.
 */
export const SCALE_MIN = 0;
export const SCALE_MAX = 10;
