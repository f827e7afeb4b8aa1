/**
 * What a valid ICB, PCN or practice is: names, ODS codes and ids as forms and URLs send them,
 * and the errors that name the field at fault.
 */
import { z } from 'zod';
import { ICB_ODS_PATTERN, PCN_ODS_PATTERN, PRACTICE_ODS_PATTERN, normaliseOdsCode } from '../../ods';
import { lineText } from '../../text';


export type OrganisationKind = 'icb' | 'pcn' | 'practice';

export const ORGANISATION_KIND_NAMES: Record<OrganisationKind, string> = { icb: 'ICB', pcn: 'PCN', practice: 'practice' };

export const organisationNameSchema = lineText({ max: 200, tooLong: 'Keep the name under 200 characters', required: 'Enter a name' });

const odsCode = (pattern: RegExp, message: string) =>
	z
		.string()
		.transform(normaliseOdsCode)
		.refine((code) => pattern.test(code), { error: message });

export const icbOdsCodeSchema = odsCode(ICB_ODS_PATTERN, 'Enter an ICB ODS code of three letters or digits, like QE1');
export const pcnOdsCodeSchema = odsCode(PCN_ODS_PATTERN, 'Enter a PCN ODS code of U and five digits, like U12345');
export const practiceOdsCodeSchema = odsCode(PRACTICE_ODS_PATTERN, 'Enter a practice ODS code of a letter and five digits, like A81001');

/**
 * A PCN named by its ODS code (a select of every PCN in the country would not scale), or `none`
 * (any case, around spaces) for no PCN: null. Anything else is refused with `message`.
 */
export const pcnOdsCodeOrNoneSchema = (none: '' | 'none', message: string) =>
	z.string(message).transform((text, context) => {
		if (text.trim().toLowerCase() === none) return null;
		const code = normaliseOdsCode(text);
		if (PCN_ODS_PATTERN.test(code)) return code;
		context.addIssue({ code: 'custom', message });
		return z.NEVER;
	});

const name = organisationNameSchema;
export const newIcbSchema = z.object({ odsCode: icbOdsCodeSchema, name });
export const newPcnSchema = z.object({ odsCode: pcnOdsCodeSchema, name, icbId: z.int().positive() });
export const newPracticeSchema = z.object({
	odsCode: practiceOdsCodeSchema,
	name,
	pcnId: z.int().positive().nullable()
});
/** A practice's PCN changes only through a recorded move (recordPracticeMove), so its history is kept. */
export const practiceDetailsSchema = z.object({ odsCode: practiceOdsCodeSchema, name });

/** A problem with an organisation's details that the person can put right, about one field. */
export class OrganisationInputError extends Error {
	override name = 'OrganisationInputError';
	constructor(
		readonly field: 'odsCode' | 'icbId' | 'pcnId',
		message: string,
		options?: ErrorOptions
	) {
		super(message, options);
	}
}

export class DuplicateOdsCodeError extends OrganisationInputError {
	override name = 'DuplicateOdsCodeError';
	constructor(
		readonly kind: OrganisationKind,
		readonly odsCode: string,
		options?: ErrorOptions
	) {
		super('odsCode', `Another ${ORGANISATION_KIND_NAMES[kind]} already has the ODS code ${odsCode}`, options);
	}
}
