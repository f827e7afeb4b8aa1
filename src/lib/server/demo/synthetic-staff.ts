/**
 * Who answers a synthetic staff survey, and how they use "not relevant to my role": one home for
 * the demo's seed and the PCN dashboard benchmark (tests/bench/pcn-dashboard.ts), so both
 * generate the same mix of staff.
 */
import { NOT_RELEVANT_CODES, type NotRelevantCode } from '../../npt/answers';

/** Roughly a practice's staff: clinicians and admin most, a few wellbeing and VCSE staff, some who say no role. */
export const ROLE_WEIGHTS: readonly (readonly [string | null, number])[] = [
	['clinical', 42],
	['management_admin', 38],
	['wellbeing_team', 10],
	['vcse_partner', 4],
	[null, 6]
];

/** Which "not relevant" answer, when one is given. */
export const NOT_RELEVANT_WEIGHTS: readonly (readonly [NotRelevantCode, number])[] = [
	[NOT_RELEVANT_CODES[0], 6],
	[NOT_RELEVANT_CODES[1], 3],
	[NOT_RELEVANT_CODES[2], 2]
];

/** Items some admin staff see as outside their role. */
const CLINICAL_LEANING_ITEMS = new Set(['CA2', 'CA3', 'RM1', 'RM3']);

/** How often a respondent in this role group answers this item "not relevant". */
export function notRelevantChance(roleGroup: string | null, itemId: string): number {
	return roleGroup === 'management_admin' && CLINICAL_LEANING_ITEMS.has(itemId) ? 0.25 : 0.04;
}
