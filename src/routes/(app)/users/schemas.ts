/** Form fields shared by the invitation and edit forms. */
import { z } from 'zod';
import { idTextSchema } from '$lib/server/platform/ids';

/** Checkbox values are organisation ids. */
export const idList = z.array(idTextSchema('Choose from the list'));

/** Checkbox groups arrive as arrays; readForm needs to know which. */
export const SCOPE_FIELDS = ['pcnIds', 'practiceIds'] as const;
