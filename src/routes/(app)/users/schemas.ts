/** Form fields shared by the invitation and edit forms. */
import { z } from 'zod';
import { normaliseOdsCode } from '$lib/ods';
import { MAX_SCOPE_CODES } from '$lib/server/accounts/scope-codes';
import { idTextSchema } from '$lib/server/platform/ids';

/** Checkbox values are organisation ids. */
export const idList = z.array(idTextSchema('Choose from the list'));

/** ODS codes typed where a scope is too large for checkboxes: separated by commas, spaces or lines, any case. */
export const codeList = z
	.string()
	.optional()
	.transform((text) => [...new Set((text ?? '').split(/[\s,;]+/).filter(Boolean).map(normaliseOdsCode))])
	.refine((codes) => codes.length <= MAX_SCOPE_CODES, { error: `Enter at most ${MAX_SCOPE_CODES.toLocaleString('en-GB')} ODS codes at once` });

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
