/**
 * How answers are stored and put on the 0–10 scale (docs/scoring.md §2–3).
 */

/** Five-point agreement, stored as given: 1 = strongly disagree … 5 = strongly agree. */
export const AGREEMENT_POINTS = [1, 2, 3, 4, 5] as const;
export type AgreementPoint = (typeof AGREEMENT_POINTS)[number];

export const AGREEMENT_LABELS: Record<AgreementPoint, string> = {
	1: 'Strongly disagree',
	2: 'Disagree',
	3: 'Neither agree nor disagree',
	4: 'Agree',
	5: 'Strongly agree'
};

/** The three distinct "not relevant" answers, excluded from every mean but counted per item. */
export const NOT_RELEVANT_CODES = [
	'not_relevant_role',
	'not_relevant_stage',
	'not_relevant_practice'
] as const;
export type NotRelevantCode = (typeof NOT_RELEVANT_CODES)[number];

export const NOT_RELEVANT_LABELS: Record<NotRelevantCode, string> = {
	not_relevant_role: 'Not relevant to my role',
	not_relevant_stage: 'Not relevant at this stage',
	not_relevant_practice: 'Not relevant to how this practice works'
};

/** One stored answer to an agreement item. A skipped item has no answer at all. */
export type AgreementAnswer = AgreementPoint | NotRelevantCode;

export const GENERAL_MIN = 0;
export const GENERAL_MAX = 10;

export function isAgreementPoint(answer: AgreementAnswer): answer is AgreementPoint {
	return typeof answer === 'number';
}

/** Reverse-worded items count `6 − x`, at scoring time only; the raw answer is kept as given. */
export function directionalPoint(point: AgreementPoint, reversed: boolean): AgreementPoint {
	return (reversed ? 6 - point : point) as AgreementPoint;
}

/** 1→0, 2→2.5, 3→5, 4→7.5, 5→10: the NHS Staff Survey's 0–10 convention. */
export function toTenPointScale(point: AgreementPoint): number {
	return (point - 1) * 2.5;
}

export function scoreAnswer(point: AgreementPoint, reversed: boolean): number {
	return toTenPointScale(directionalPoint(point, reversed));
}
