/**
 * The numeric answer codes a file uses (answerScale) beside the answers Belonging stores and
 * scores (docs/scoring.md §2): what the FHIR and REDCap exports offer, and what a coded answer in a
 * file means. Scoring reads the code's meaning, never its label.
 */
import { AGREEMENT_POINTS, scoreAnswer, type AgreementAnswer, type AgreementPoint } from '../answers';
import type { Instrument, InstrumentItem } from '../instrument';

export interface AnswerOption {
	/** The number a file or another system stores. */
	code: number;
	/** The instrument's own wording of it. */
	label: string;
	/** What Belonging stores for it: an agreement point, or a "not relevant" meaning. */
	answer: AgreementAnswer;
}

/** The answers an agreement item offers, in the order people see them: 1 to 5, then the three "not relevant" ones. */
export function answerOptionsOf(instrument: Pick<Instrument, 'answerScale'>): AnswerOption[] {
	return [
		...instrument.answerScale.agreement.map((point) => ({ code: point.code, label: point.label, answer: point.code as AgreementPoint })),
		...instrument.answerScale.notRelevant.map((answer) => ({ code: answer.code, label: answer.label, answer: answer.meaning }))
	];
}

/** The stored answer a numeric code means on this instrument, or undefined when it offers no such code. */
export function answerOfCode(instrument: Pick<Instrument, 'answerScale'>, code: number): AgreementAnswer | undefined {
	return answerOptionsOf(instrument).find((option) => option.code === code)?.answer;
}

/**
 * The score on the 0–10 scale an option gives on this item: (x − 1) × 2.5, reverse-worded items
 * reversed first (6 − x), so their weights run from 10 down to 0; null for "not relevant", which
 * is never scored.
 */
export function weightOf(option: AnswerOption, item: Pick<InstrumentItem, 'reversed'>): number | null {
	return typeof option.answer === 'number' && (AGREEMENT_POINTS as readonly number[]).includes(option.answer)
		? scoreAnswer(option.answer, item.reversed)
		: null;
}
