/**
 * Checks a survey submission against the instrument version of its round (docs/scoring.md §2):
 * a submission with any invalid part is rejected whole, with a message per problem.
 */
import { z } from 'zod';
import { AGREEMENT_POINTS, GENERAL_MAX, GENERAL_MIN, NOT_RELEVANT_CODES, type AgreementAnswer } from './answers';
import type { Instrument } from './instrument';
import { paragraphsText } from '../text';

export const fieldName = {
	item: (itemId: string) => `item-${itemId}`,
	general: (itemId: string) => `general-${itemId}`,
	roleGroup: 'roleGroup',
	comment: 'comment',
	code: 'code'
} as const;

/** The answer to the role question for people who would rather not say. */
export const NO_ROLE_GROUP = 'none';

/** Single-use invitation codes: 8 characters from an alphabet without look-alikes (0/O, 1/I/L). */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 8;

export function normaliseCode(raw: string): string {
	return raw.toUpperCase().replace(/[\s-]/g, '');
}

export interface SurveySubmission {
	roleGroup: string | null;
	agreement: Record<string, AgreementAnswer>;
	general: Record<string, number>;
	comment: string | null;
	code: string | null;
}

export interface FieldProblem {
	/** The form field the problem is about, or `form` for the submission as a whole. */
	field: string;
	message: string;
}

export type SubmissionCheck =
	| { ok: true; submission: SurveySubmission }
	| { ok: false; problems: FieldProblem[] };

const agreementValues: string[] = [...AGREEMENT_POINTS.map(String), ...NOT_RELEVANT_CODES];
const generalValues: string[] = Array.from({ length: GENERAL_MAX - GENERAL_MIN + 1 }, (_, i) => String(GENERAL_MIN + i));

// An instrument version never changes, so each one's two schemas (with and without a code) are built once.
const schemas = new WeakMap<Instrument, Map<boolean, ReturnType<typeof buildSubmissionSchema>>>();

function submissionSchema(instrument: Instrument, codeRequired: boolean) {
	let built = schemas.get(instrument);
	if (!built) schemas.set(instrument, (built = new Map()));
	let schema = built.get(codeRequired);
	if (!schema) built.set(codeRequired, (schema = buildSubmissionSchema(instrument, codeRequired)));
	return schema;
}

function buildSubmissionSchema(instrument: Instrument, codeRequired: boolean) {
	const shape: Record<string, z.ZodType<string | undefined>> = {};
	instrument.items.forEach((item, i) => {
		shape[fieldName.item(item.id)] = z
			.enum(agreementValues, { error: `Question ${i + 1}: choose one of the answers listed.` })
			.optional();
	});
	instrument.generalItems.forEach((item, i) => {
		shape[fieldName.general(item.id)] = z
			.enum(generalValues, { error: `Rating ${i + 1}: choose a number from 0 to 10.` })
			.optional();
	});
	if (instrument.roleGroups.length > 0) {
		shape[fieldName.roleGroup] = z
			.enum([NO_ROLE_GROUP, ...instrument.roleGroups.map((g) => g.id)], {
				error: 'Choose the group you belong to, or "Prefer not to say".'
			})
			.optional();
	}
	if (instrument.freeText) {
		const max = instrument.freeText.maxLength;
		shape[fieldName.comment] = paragraphsText({ max, tooLong: `Your comment is too long: keep it to ${max} characters.` }).optional();
	}
	if (codeRequired) {
		const pattern = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);
		shape[fieldName.code] = z
			.string({ error: 'Enter the code from your invitation slip.' })
			.transform(normaliseCode)
			.refine((code) => code.length > 0, { error: 'Enter the code from your invitation slip.' })
			.refine((code) => code.length === 0 || pattern.test(code), {
				error: `That code is not in the right form: it has ${CODE_LENGTH} letters and numbers, like ABCD-2345.`
			});
	}
	return z.strictObject(shape);
}

/** Validates raw form entries (name, value) and turns them into a submission, or lists every problem. */
export function checkSubmission(
	instrument: Instrument,
	entries: Iterable<readonly [string, string]>,
	options: { codeRequired: boolean }
): SubmissionCheck {
	const problems: FieldProblem[] = [];
	// No prototype: a field named `__proto__` becomes a key like any other, and so an unknown one.
	const raw: Record<string, string> = Object.create(null);
	for (const [name, value] of entries) {
		if (Object.hasOwn(raw, name)) {
			problems.push({ field: name, message: `The form sent "${name}" more than once.` });
		}
		raw[name] = value;
	}
	const parsed = submissionSchema(instrument, options.codeRequired).safeParse(raw);
	if (!parsed.success) {
		for (const issue of parsed.error.issues) {
			if (issue.code === 'unrecognized_keys') {
				problems.push({
					field: 'form',
					message: `The form sent answers this survey does not ask for (${issue.keys.join(', ')}). Reload the page and try again.`
				});
			} else {
				problems.push({ field: String(issue.path[0] ?? 'form'), message: issue.message });
			}
		}
	}
	if (problems.length > 0 || !parsed.success) return { ok: false, problems };

	const values = parsed.data;
	const agreement: Record<string, AgreementAnswer> = {};
	for (const item of instrument.items) {
		const value = values[fieldName.item(item.id)];
		if (value !== undefined) {
			agreement[item.id] = /^[1-5]$/.test(value) ? (Number(value) as AgreementAnswer) : (value as AgreementAnswer);
		}
	}
	const general: Record<string, number> = {};
	for (const item of instrument.generalItems) {
		const value = values[fieldName.general(item.id)];
		if (value !== undefined) general[item.id] = Number(value);
	}
	const role = values[fieldName.roleGroup];
	const comment = values[fieldName.comment]?.trim() || null;
	if (Object.keys(agreement).length === 0 && Object.keys(general).length === 0) {
		const first = instrument.items[0];
		return {
			ok: false,
			problems: [
				{
					field: first ? fieldName.item(first.id) : 'form',
					message: 'Answer at least one question before sending the survey.'
				}
			]
		};
	}
	return {
		ok: true,
		submission: {
			roleGroup: role === undefined || role === NO_ROLE_GROUP ? null : role,
			agreement,
			general,
			comment,
			code: values[fieldName.code] ?? null
		}
	};
}
