/**
 * The 0–10 score axis every score chart shares (docs/scoring.md §3): the whole scale, ticks at the
 * answer points (0, 2.5, 5, 7.5, 10) and its name, so a chart can never crop or stretch it.
 */
import { SCALE_MAX, SCALE_MIN } from '$lib/npt/scale';

/** One answer point apart: 1 → 0, 2 → 2.5 … 5 → 10. */
export const SCORE_STEP = 2.5;

export function scoreAxis(options: { title?: boolean } = {}) {
	return {
		min: SCALE_MIN,
		max: SCALE_MAX,
		ticks: { stepSize: SCORE_STEP },
		...(options.title === false ? {} : { title: { display: true, text: `Score (${SCALE_MIN} to ${SCALE_MAX})` } })
	};
}
