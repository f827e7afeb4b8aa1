/** Form fields shared by the invitation and edit forms. */
import { z } from 'zod';
import { normaliseOdsCode } from '$lib/ods';
import { MAX_SCOPE_CODES } from '$lib/server/accounts/scope-codes';
import { idTextSchema } from '$lib/server/platform/ids';

/** Checkbox values are organisation ids. */
export const idList = z.array(idTextSchema('Choose from the list'));

/** Letters and digits, as every ICB, PCN and practice code is; anything else is no code at all. */
const CODE_SHAPE = /^[A-Z0-9]{1,10}$/;

/**
 * ODS codes typed where a scope is too large for checkboxes: separated by commas, spaces or lines,
 * any case. A code of anything but letters and digits is refused here, before it reaches a query
 * (PostgreSQL refuses a NUL byte in text outright).
 */
export const codeList = z
	.string()
	.optional()
	.transform((text) => [...new Set((text ?? '').split(/[\s,;]+/).filter(Boolean).map(normaliseOdsCode))])
	.refine((codes) => codes.length <= MAX_SCOPE_CODES, { error: `Enter at most ${MAX_SCOPE_CODES.toLocaleString('en-GB')} ODS codes at once` })
	.refine((codes) => codes.every((code) => CODE_SHAPE.test(code)), {
		error: 'ODS codes are letters and digits only, for example U12345 for a PCN or A81001 for a practice'
	});

/** The role and scope fields the invitation and edit forms share: checkbox ids and typed codes. */
export const scopeFields = {
	icbIds: idList,
	pcnIds: idList,
	practiceIds: idList,
	icbCodes: codeList,
	pcnCodes: codeList,
	practiceCodes: codeList
};

/** Checkbox groups arrive as arrays; readForm needs to know which. */
export const SCOPE_FIELDS = ['icbIds', 'pcnIds', 'practiceIds'] as const;
